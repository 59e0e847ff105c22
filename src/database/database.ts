/**
 * Opens the grader's database: the Postgres server at DATABASE_URL through @prisma/adapter-pg, or,
 * when there is none, an embedded Postgres (PGlite) in a local folder, so the CLI needs nothing
 * installed. Either way the committed migrations are applied first (one query when up to date).
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../generated/prisma/client.js';
import { lockEmbeddedDir } from './embedded-lock.js';
import {
  applyMigrations,
  DEFAULT_MIGRATIONS_DIR,
  MigrationError,
  readMigrations,
  type Migration,
  type MigrationReport,
} from './migrate.js';
import { pgliteSession, pgSession } from './sql-session.js';

export interface DatabaseConfig {
  /** postgres:// URL; unset or empty: use the embedded database. */
  databaseUrl?: string;
  /** Folder of the embedded database's files (created when missing). */
  embeddedDir: string;
  migrationsDir?: string;
  /** Give up connecting to a server after this long (default 10 s); pg's own default is never. */
  connectTimeoutMs?: number;
}

export interface Database {
  prisma: PrismaClient;
  kind: 'postgres' | 'embedded';
  /** Where, in words safe to print (no password). */
  location: string;
  /** What opening it applied. */
  migrations: MigrationReport;
  close(): Promise<void>;
}

export class DatabaseConnectionError extends Error {}

export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  const migrations = await readMigrations(config.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  return config.databaseUrl
    ? openPostgres(config.databaseUrl, migrations, config.connectTimeoutMs ?? 10_000)
    : openEmbedded(config.embeddedDir, migrations);
}

async function openPostgres(
  url: string,
  migrations: Migration[],
  connectTimeoutMs: number,
): Promise<Database> {
  const location = describePostgresUrl(url);
  let client: pg.Client | undefined;
  try {
    client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
    await client.connect();
  } catch (error) {
    await client?.end().catch(() => undefined);
    throw new DatabaseConnectionError(`cannot connect to Postgres at ${location} (DATABASE_URL): ${reason(error)}`);
  }
  let report: MigrationReport;
  try {
    report = await applyMigrations(pgSession(client), migrations);
  } finally {
    await client.end().catch(() => undefined);
  }
  const prisma = new PrismaClient({
    adapter: new PrismaPg({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs }),
  });
  return { prisma, kind: 'postgres', location, migrations: report, close: () => prisma.$disconnect() };
}

async function openEmbedded(dir: string, migrations: Migration[]): Promise<Database> {
  await mkdir(dirname(dir), { recursive: true });
  const lock = await lockEmbeddedDir(dir);
  let db: PGlite | undefined;
  try {
    db = new PGlite(dir);
    await db.waitReady;
    const report = await applyMigrations(pgliteSession(db), migrations);
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
    const opened = db;
    return {
      prisma,
      kind: 'embedded',
      location: dir,
      migrations: report,
      // PGlite must be closed: besides flushing, it holds a timer that keeps the process alive ~10 s.
      close: async () => {
        try {
          await prisma.$disconnect();
          await opened.close();
        } finally {
          await lock.release();
        }
      },
    };
  } catch (error) {
    await db?.close().catch(() => undefined);
    await lock.release();
    if (error instanceof MigrationError) throw error;
    throw new DatabaseConnectionError(`cannot open the embedded database at ${dir}: ${reason(error)}`);
  }
}

/** "user@host:port/database", never the password; for messages and logs. */
export function describePostgresUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(DATABASE_URL is not a valid URL)';
  }
  const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : '';
  const port = parsed.port || '5432';
  return `${user}${parsed.hostname}:${port}${parsed.pathname || '/'}`;
}

function reason(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return reason(error.errors[0]);
  if (error instanceof Error) return error.message || (error as NodeJS.ErrnoException).code || error.name;
  return String(error);
}
