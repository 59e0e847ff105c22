/**
 * The real api application for end-to-end tests: a fresh migrated Postgres database, the Redis at
 * REDIS_URL (default 127.0.0.1:6379) under a Bull prefix of its own (test files never share jobs),
 * a fake Google on 127.0.0.1, files under a temporary folder. Requests go through supertest.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getQueueToken } from '@nestjs/bull';
import type { LoggerService } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Queue } from 'bull';
import pg from 'pg';
import request from 'supertest';
import { createApiApp } from '../../src/api/create-app.js';
import type { Role } from '../../src/auth/auth.types.js';
import { SessionTokens } from '../../src/auth/session-tokens.js';
import { loadServiceConfig, type ServiceConfig } from '../../src/config/config.js';
import { PeopleRepository } from '../../src/identity/people.repository.js';
import { type FakeGoogle, startFakeGoogle } from './fake-google.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const WEB_CLIENT_ID = '1234-web.apps.googleusercontent.com';
export const COLAB_CLIENT_ID = '5678-colab.apps.googleusercontent.com';
export const PUBLIC_BASE_URL = 'https://grader.example.edu';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface ApiHarness {
  app: NestExpressApplication;
  http: ReturnType<typeof request>;
  config: ServiceConfig;
  /** The environment the config came from (a child worker process gets the same). */
  env: Record<string, string>;
  database: TestDatabase;
  google: FakeGoogle;
  /** Everything the application logged. */
  logs: string[];
  gradeQueue: Queue;
  /** A person with this role (created if needed) and a session token for them. */
  sessionFor(email: string, role: Role): Promise<string>;
  /** Polls GET /api/submissions/:id until its status is not `received`. */
  waitUntilProcessed(id: string, token: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  sql<T extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** Collects log lines (and lets a test assert what never appears in them). */
class CollectingLogger implements LoggerService {
  constructor(readonly lines: string[]) {}
  log(message: unknown, ...rest: unknown[]) { this.lines.push(['log', message, ...rest].map(String).join(' ')); }
  error(message: unknown, ...rest: unknown[]) { this.lines.push(['error', message, ...rest].map(String).join(' ')); }
  warn(message: unknown, ...rest: unknown[]) { this.lines.push(['warn', message, ...rest].map(String).join(' ')); }
  debug() {}
  verbose() {}
}

export async function startApi(options: { label: string; worker?: boolean; env?: Record<string, string> }): Promise<ApiHarness> {
  const database = await createTestDatabase(options.label);
  const google = await startFakeGoogle();
  const dataDir = await mkdtemp(join(tmpdir(), `grader-${options.label}-`));
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    GRADER_DATA_DIR: dataDir,
    GRADING_SPECS_DIR: join(process.cwd(), 'grading-specs'),
    // Every lesson of the course is loaded: uploads that name none are for the lesson these tests hand in.
    DEFAULT_ASSIGNMENT: 'class_06_2',
    REDIS_URL,
    QUEUE_PREFIX: `test-${options.label}-${process.pid}-${randomBytes(3).toString('hex')}`,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    PUBLIC_BASE_URL,
    GOOGLE_CLIENT_IDS: WEB_CLIENT_ID,
    GOOGLE_ALLOWED_AUDIENCES: COLAB_CLIENT_ID,
    GOOGLE_TOKENINFO_URL: google.tokenInfoUrl,
    GOOGLE_CERTS_URL: google.certsUrl,
    MAX_UPLOAD_BYTES: String(1_500_000),
    JOB_BACKOFF_MS: '200',
    RECONCILE_INTERVAL_MS: '1000',
    ...options.env,
  };
  const config = loadServiceConfig(env);
  const logs: string[] = [];
  const app = await createApiApp(config, { worker: options.worker ?? false, logger: new CollectingLogger(logs) });
  const http = request(app.getHttpServer());
  const gradeQueue = app.get<Queue>(getQueueToken('grade'), { strict: false });
  const sessions = app.get(SessionTokens, { strict: false });
  const people = app.get(PeopleRepository, { strict: false });
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });

  return {
    app,
    http,
    config,
    env,
    database,
    google,
    logs,
    gradeQueue,
    async sessionFor(email, role) {
      const person = await people.setRole(email, role, 'test');
      return sessions.issue({ email: person.email, role: person.role, personId: person.id });
    },
    async waitUntilProcessed(id, token, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const response = await http.get(`/api/submissions/${id}`).set('Authorization', `Bearer ${token}`);
        if (response.status !== 200) throw new Error(`GET /api/submissions/${id}: ${response.status} ${JSON.stringify(response.body)}`);
        if (response.body.status !== 'received') return response.body;
        if (Date.now() > deadline) throw new Error(`submission ${id} still 'received' after ${timeoutMs} ms\n${logs.slice(-20).join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async sql(text, values) {
      return (await pool.query(text, values)).rows;
    },
    async close() {
      await gradeQueue.obliterate({ force: true }).catch(() => undefined);
      await app.close();
      await pool.end();
      await google.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
