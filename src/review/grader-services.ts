import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { SubmissionGrader } from '../grading/submission-grader.js';
import { SpecRegistry } from '../specs/spec.registry.js';

/**
 * The grading services of the application's GraderModule, looked up where the app provides them, so
 * that ReviewModule can be imported as it is, beside `GraderModule.forRoot(...)`, without opening a
 * second grader (and a second database) of its own.
 */
@Injectable()
export class GraderServices {
  constructor(@Inject(ModuleRef) private readonly moduleRef: ModuleRef) {}

  get registry(): SpecRegistry {
    return this.find<SpecRegistry>(SpecRegistry);
  }

  get grader(): SubmissionGrader {
    return this.find<SubmissionGrader>(SubmissionGrader);
  }

  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- Nest's own token type
  private find<T>(token: Function): T {
    try {
      return this.moduleRef.get<T>(token, { strict: false });
    } catch {
      throw new Error(`ReviewModule needs ${token.name}: import GraderModule.forRoot(...) in the application module`);
    }
  }
}
