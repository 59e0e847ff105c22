import { NestFactory } from '@nestjs/core';
import type { GraderConfig } from '../config/config.js';
import { PrismaService } from '../database/database.module.js';
import { SubmissionGrader } from '../grading/submission-grader.js';
import { GraderModule } from './grader.module.js';

export interface GradingContext {
  grader: SubmissionGrader;
  /** Where grades are stored, in words (no password), or null with --no-store. */
  storedIn: string | null;
  close(): Promise<void>;
}

/** The grading services in-process (no HTTP, no Redis): what the CLI and benchmarks use. */
export async function createGradingContext(options: { store: boolean; config?: GraderConfig }): Promise<GradingContext> {
  const app = await NestFactory.createApplicationContext(GraderModule.forRoot(options), { logger: false, abortOnError: false });
  app.enableShutdownHooks();
  const database = options.store ? app.get(PrismaService, { strict: false }).database : null;
  return {
    grader: app.get(SubmissionGrader, { strict: false }),
    storedIn: database ? `${database.kind === 'embedded' ? 'embedded Postgres' : 'Postgres'} ${database.location}` : null,
    close: () => app.close(),
  };
}
