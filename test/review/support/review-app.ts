/**
 * A minimal Nest application around ReviewModule, wired as the API will be: the grader (with its
 * database, a fresh migrated Postgres per test file), the global auth guard, Bull on the real Redis at
 * 127.0.0.1:6379 (queue keys under a prefix unique to the test file), and the review endpoints.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BullModule } from '@nestjs/bull';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { GraderModule } from '../../../src/app/grader.module.js';
import type { AuthenticatedUser, Role } from '../../../src/auth/auth.types.js';
import { AuthModule } from '../../../src/auth/auth.module.js';
import { SessionTokens } from '../../../src/auth/session-tokens.js';
import { loadConfig } from '../../../src/config/config.js';
import { PrismaService } from '../../../src/database/database.module.js';
import { GradeRepository } from '../../../src/database/grade.repository.js';
import type { PrismaClient } from '../../../src/generated/prisma/client.js';
import { SubmissionGrader } from '../../../src/grading/submission-grader.js';
import { projectPath } from '../../../src/paths.js';
import { ReviewModule } from '../../../src/review/review.module.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';

const SECRET = 'review-tests-session-secret-0123456789';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface ReviewApp {
  app: INestApplication;
  prisma: PrismaClient;
  grader: SubmissionGrader;
  repository: GradeRepository;
  database: TestDatabase;
  /** Bull key prefix of this app's queues. */
  redisPrefix: string;
  /** A folder for the test's files (removed on close). */
  dir: string;
  /** Authorization header for a user of that role. */
  as(role: Role, who?: Partial<AuthenticatedUser>): { Authorization: string };
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

export async function startReviewApp(label: string, options: { specsDir?: string } = {}): Promise<ReviewApp> {
  const database = await createTestDatabase(label);
  const dir = await mkdtemp(join(tmpdir(), `review-${label}-`));
  const config = loadConfig({
    DATABASE_URL: database.url,
    GRADER_DATA_DIR: join(dir, 'data'),
    GRADING_SPECS_DIR: options.specsDir ?? projectPath('grading-specs'),
    DEFAULT_ASSIGNMENT: 'class_06_2',
  });
  const redisPrefix = `review-test-${label}-${process.pid}-${randomBytes(4).toString('hex')}`;
  const moduleRef = await Test.createTestingModule({
    imports: [
      GraderModule.forRoot({ store: true, config }),
      AuthModule.forRoot({ sessionSecret: SECRET, siteOrigin: 'http://127.0.0.1', sessionRecheckMs: 0 }),
      BullModule.forRoot({ redis: REDIS_URL, prefix: redisPrefix }),
      ReviewModule,
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  const tokens = new SessionTokens(SECRET);
  return {
    app,
    prisma: app.get(PrismaService, { strict: false }).prisma,
    grader: app.get(SubmissionGrader, { strict: false }),
    repository: app.get(GradeRepository, { strict: false }),
    database,
    redisPrefix,
    dir,
    as: (role, who = {}) => ({
      Authorization: `Bearer ${tokens.issue({ email: who.email ?? `${role}@utsa.edu`, role, personId: who.personId ?? null })}`,
    }),
    http: () => request(app.getHttpServer()),
    close: async () => {
      await app.close();
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
