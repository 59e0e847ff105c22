/**
 * The grading services as one NestJS module: the CLI runs it as an application context, the API
 * and workers import it. Built from plain classes so the pure parts stay usable without Nest.
 */
import { type DynamicModule, Module } from '@nestjs/common';
import { type GraderConfig, loadConfig } from '../config/config.js';
import { DatabaseModule } from '../database/database.module.js';
import { GradeRepository } from '../database/grade.repository.js';
import { SubmissionGrader } from '../grading/submission-grader.js';
import { SpecRegistry } from '../specs/spec.registry.js';
import { FileStore } from '../submissions/file-store.js';

export const GRADER_CONFIG = Symbol('GRADER_CONFIG');

export interface GraderModuleOptions {
  config?: GraderConfig;
  /** false: grade without a database (`--no-store`). */
  store: boolean;
}

@Module({})
export class GraderModule {
  static forRoot(options: GraderModuleOptions): DynamicModule {
    const config = options.config ?? loadConfig();
    const database = options.store
      ? [DatabaseModule.forRoot({ databaseUrl: config.databaseUrl, embeddedDir: config.embeddedDatabaseDir })]
      : [];
    return {
      module: GraderModule,
      imports: database,
      providers: [
        { provide: GRADER_CONFIG, useValue: config },
        { provide: SpecRegistry, useFactory: () => SpecRegistry.load(config.specsDir) },
        { provide: FileStore, useValue: options.store ? new FileStore(config.fileStoreDir) : null },
        {
          provide: SubmissionGrader,
          useFactory: (registry: SpecRegistry, files: FileStore | null, repository?: GradeRepository) =>
            new SubmissionGrader(registry, config.limits, files, repository ?? null),
          inject: [SpecRegistry, FileStore, { token: GradeRepository, optional: true }],
        },
      ],
      exports: [GRADER_CONFIG, SpecRegistry, SubmissionGrader, FileStore],
    };
  }
}
