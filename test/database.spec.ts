/**
 * The storage layer on the real Postgres (127.0.0.1:5432, see test/support/test-database.ts):
 * the migration runner, the repository's contract, and the connection error message.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type Database } from '../src/database/database.js';
import { GradeRepository } from '../src/database/grade.repository.js';
import { applyMigrations, DEFAULT_MIGRATIONS_DIR, readMigrations } from '../src/database/migrate.js';
import { pgSession } from '../src/database/sql-session.js';
import { repositoryScenario } from './support/repository-scenario.js';
import { createEmptyDatabase, createTestDatabase, type TestDatabase } from './support/test-database.js';

const unused = '/nonexistent/embedded'; // openDatabase must not touch it when a URL is given

describe('migrations on Postgres', () => {
  let empty: TestDatabase;
  beforeAll(async () => {
    empty = await createEmptyDatabase('migrate');
  });
  afterAll(() => empty.drop());

  it('apply once, record rows as Prisma does, and are a no-op the second time', async () => {
    const first = await openDatabase({ databaseUrl: empty.url, embeddedDir: unused });
    await first.close();
    const second = await openDatabase({ databaseUrl: empty.url, embeddedDir: unused });
    await second.close();

    const local = await readMigrations();
    expect(first.migrations.applied.map((m) => m.name)).toEqual(local.map((m) => m.name));
    expect(second.migrations).toEqual({ applied: [], alreadyApplied: local.map((m) => m.name), unknown: [] });

    const client = new pg.Client({ connectionString: empty.url });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count
         FROM "_prisma_migrations" ORDER BY migration_name`,
      );
      expect(rows).toHaveLength(local.length);
      for (const [i, row] of rows.entries()) {
        const file = await readFile(join(DEFAULT_MIGRATIONS_DIR, local[i].name, 'migration.sql'));
        expect(row).toMatchObject({
          migration_name: local[i].name,
          checksum: createHash('sha256').update(file).digest('hex'),
          logs: null,
          rolled_back_at: null,
          applied_steps_count: 1,
        });
        expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(row.finished_at.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      }
      const tables = await client.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual(
        ['Assignment', 'AuditEvent', 'CheckResult', 'CountedSubmission', 'Course', 'Enrollment', 'ExerciseScore', 'Grade', 'ModelFile',
          'Override', 'Person', 'RegradeItem', 'RegradeRun', 'RerunRun', 'RevokedSession', 'Submission', '_prisma_migrations'],
      );
    } finally {
      await client.end();
    }
  });

  it('serialise concurrent runners: each migration is applied exactly once', async () => {
    const db = await createEmptyDatabase('race');
    try {
      const migrations = await readMigrations();
      const clients = [new pg.Client({ connectionString: db.url }), new pg.Client({ connectionString: db.url })];
      await Promise.all(clients.map((c) => c.connect()));
      const reports = await Promise.all(clients.map((c) => applyMigrations(pgSession(c), migrations)));
      await Promise.all(clients.map((c) => c.end()));
      expect(reports.flatMap((r) => r.applied)).toHaveLength(migrations.length);
    } finally {
      await db.drop();
    }
  });

  it('roll a failing migration back entirely and name it', async () => {
    const db = await createEmptyDatabase('broken');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const sql = 'CREATE TABLE "Half" (id int);\nSELECT no_such_function();';
      const broken = { name: '20990101000000_broken', sql, checksum: 'x'.repeat(64) };
      await expect(applyMigrations(pgSession(client), [broken])).rejects.toThrow(
        /migration 20990101000000_broken failed and was rolled back: .*no_such_function/,
      );
      const left = await client.query(
        `SELECT to_regclass('"Half"') AS half, (SELECT count(*)::int FROM "_prisma_migrations") AS rows`,
      );
      expect(left.rows[0]).toEqual({ half: null, rows: 0 });
    } finally {
      await client.end();
      await db.drop();
    }
  });
});

describe('GradeRepository on Postgres', () => {
  let testDb: TestDatabase;
  let database: Database;
  let repo: GradeRepository;
  beforeAll(async () => {
    testDb = await createTestDatabase('repository');
    database = await openDatabase({ databaseUrl: testDb.url, embeddedDir: unused });
    repo = new GradeRepository(database.prisma);
  });
  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
  });

  it('opens a cloned template without applying anything', () => {
    expect(database.kind).toBe('postgres');
    expect(database.migrations.applied).toEqual([]);
  });

  repositoryScenario(() => ({ repo, prisma: database.prisma }));
});

describe('openDatabase errors', () => {
  it('names the host and port of an unreachable server, never the password', async () => {
    const attempt = openDatabase({ databaseUrl: 'postgresql://grader:s3cret-pw@127.0.0.1:1/grades', embeddedDir: unused });
    await expect(attempt).rejects.toThrow(
      /cannot connect to Postgres at grader@127\.0\.0\.1:1\/grades \(DATABASE_URL\): .*ECONNREFUSED/,
    );
    await expect(attempt).rejects.not.toThrow(/s3cret/);
  });

  it('names the database when the server says it does not exist', async () => {
    const attempt = openDatabase({ databaseUrl: 'postgresql://postgres@127.0.0.1:5432/grader_no_such_db', embeddedDir: unused });
    await expect(attempt).rejects.toThrow(/127\.0\.0\.1:5432\/grader_no_such_db .*does not exist/);
  });
});
