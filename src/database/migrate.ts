/**
 * Applies the committed prisma/migrations/<name>/migration.sql files, in name order, one transaction
 * each, and records them in Prisma's own `_prisma_migrations` table exactly as `prisma migrate deploy`
 * does (same columns, sha256 checksum of the file), so the native CLI agrees with what ran here.
 *
 * Why not the Prisma CLI: Prisma 7's migrate needs a native engine it cannot download offline, and the
 * CLI does not belong in the start-up path of the grader anyway. This works the same on a real
 * Postgres (pg) and on the embedded one (PGlite).
 */
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectPath } from '../paths.js';

/** prisma/migrations at the repository root, from src/database/ and from dist/database/ alike. */
export const DEFAULT_MIGRATIONS_DIR = projectPath('prisma', 'migrations');

/** The lock key `prisma migrate` itself takes, so this runner and the CLI never migrate at once. */
const PRISMA_MIGRATE_LOCK = 72707369;

/** Prisma's DDL for its bookkeeping table (schema-engine, postgres flavour). */
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface Migration {
  /** Folder name, e.g. 20261126081243_init; the order of application is the order of names. */
  name: string;
  sql: string;
  /** sha256 (hex) of the file's bytes, as Prisma records it. */
  checksum: string;
}

/** A row of `_prisma_migrations`, reduced to what the plan needs. */
export interface RecordedMigration {
  migration_name: string;
  checksum: string;
  finished_at: Date | string | null;
  rolled_back_at: Date | string | null;
}

export interface MigrationPlan {
  pending: Migration[];
  alreadyApplied: string[];
  /** Recorded in the database but absent here: the database is newer than this code. */
  unknown: string[];
}

export interface MigrationReport {
  applied: { name: string; ms: number }[];
  alreadyApplied: string[];
  unknown: string[];
}

/** The two calls the runner needs, over pg or PGlite. */
export interface SqlSession {
  /** Simple-query protocol: several statements, no parameters. */
  exec(sql: string): Promise<void>;
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
}

export class MigrationError extends Error {}

export function checksumOf(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

export async function readMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): Promise<Migration[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new MigrationError(`cannot read migrations folder ${dir}: ${(error as Error).message}`);
  }
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const file = join(dir, name, 'migration.sql');
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (error) {
        throw new MigrationError(`${file}: cannot read the migration (${(error as Error).message})`);
      }
      return { name, sql: bytes.toString('utf8'), checksum: checksumOf(bytes) };
    }),
  );
}

/**
 * Pure: which local migrations still have to run. Refuses, with the reason, to go on when a
 * migration that ran was edited since, or when one failed earlier under the Prisma CLI
 * (it left a row without finished_at; `prisma migrate resolve` is the way out).
 */
export function planMigrations(local: Migration[], recorded: RecordedMigration[]): MigrationPlan {
  const live = recorded.filter((row) => row.rolled_back_at === null);
  const plan: MigrationPlan = { pending: [], alreadyApplied: [], unknown: [] };
  for (const migration of local) {
    const rows = live.filter((row) => row.migration_name === migration.name);
    const finished = rows.find((row) => row.finished_at !== null);
    if (!finished) {
      if (rows.length > 0) {
        throw new MigrationError(
          `migration ${migration.name} failed earlier and is recorded as unfinished in _prisma_migrations; ` +
            'repair the database, then mark it with `prisma migrate resolve`',
        );
      }
      plan.pending.push(migration);
      continue;
    }
    if (!checksumMatches(finished.checksum, migration.sql)) {
      throw new MigrationError(
        `migration ${migration.name} was modified after it was applied (checksum ${finished.checksum} in the ` +
          `database, ${migration.checksum} on disk); never edit an applied migration, add a new one`,
      );
    }
    plan.alreadyApplied.push(migration.name);
  }
  const localNames = new Set(local.map((m) => m.name));
  plan.unknown = [...new Set(live.map((row) => row.migration_name))].filter((name) => !localNames.has(name)).sort();
  return plan;
}

/** Like Prisma: a checkout that turned LF into CRLF (or back) is still the same migration. */
function checksumMatches(recorded: string, sql: string): boolean {
  const lf = sql.replace(/\r\n/g, '\n');
  return [checksumOf(sql), checksumOf(lf), checksumOf(lf.replace(/\n/g, '\r\n'))].includes(recorded);
}

/**
 * Brings the database up to date. Serialised across processes by Prisma's advisory lock; each
 * migration and its bookkeeping row commit together, so a failure leaves the database as it was
 * before that migration, and the error names it.
 */
export async function applyMigrations(session: SqlSession, migrations: Migration[]): Promise<MigrationReport> {
  await session.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK]);
  try {
    await session.exec(CREATE_MIGRATIONS_TABLE);
    const recorded = await session.query<RecordedMigration>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"',
    );
    const plan = planMigrations(migrations, recorded);
    const applied: MigrationReport['applied'] = [];
    for (const migration of plan.pending) {
      const started = performance.now();
      await applyOne(session, migration);
      applied.push({ name: migration.name, ms: Math.round(performance.now() - started) });
    }
    return { applied, alreadyApplied: plan.alreadyApplied, unknown: plan.unknown };
  } finally {
    await session.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK]);
  }
}

async function applyOne(session: SqlSession, migration: Migration): Promise<void> {
  await session.exec('BEGIN');
  try {
    const id = randomUUID();
    await session.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), 0)`,
      [id, migration.checksum, migration.name],
    );
    await session.exec(migration.sql);
    await session.query(
      'UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1',
      [id],
    );
    await session.exec('COMMIT');
  } catch (error) {
    await session.exec('ROLLBACK').catch(() => undefined);
    throw new MigrationError(`migration ${migration.name} failed and was rolled back: ${(error as Error).message}`);
  }
}
