import { NestFactory } from '@nestjs/core';
import type { GraderConfig } from '../config/config.js';
import { PrismaService } from '../database/database.module.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { SubmissionGrader } from '../grading/submission-grader.js';
import { SpecRegistry } from '../specs/spec.registry.js';
import { GRADER_CONFIG, GraderModule } from './grader.module.js';

export interface GradingContext {
  grader: SubmissionGrader;
  registry: SpecRegistry;
  config: GraderConfig;
  /** The open database, or null with --no-store. */
  prisma: PrismaClient | null;
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
    registry: app.get(SpecRegistry, { strict: false }),
    config: app.get<GraderConfig>(GRADER_CONFIG, { strict: false }),
    prisma: database?.prisma ?? null,
    storedIn: database ? `${database.kind === 'embedded' ? 'embedded Postgres' : 'Postgres'} ${database.location}` : null,
    close: () => app.close(),
  };
}
