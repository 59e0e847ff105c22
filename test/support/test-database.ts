/**
 * A fresh, migrated Postgres database per test file, cloned in a few tens of milliseconds from a
 * template database (`CREATE DATABASE x TEMPLATE tpl`) instead of migrating each one.
 *
 * The template's name carries a hash of the migrations, so a changed migration builds a new one
 * (older ones are dropped). Template building and cloning run under an advisory lock on the admin
 * database, so parallel Jest workers neither build it twice nor clone a half-built one.
 *
 * Server: TEST_DATABASE_ADMIN_URL, default postgresql://postgres@127.0.0.1:5432/postgres (trust auth).
 */
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { applyMigrations, readMigrations } from '../../src/database/migrate.js';
import { pgSession } from '../../src/database/sql-session.js';

export const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

const TEMPLATE_PREFIX = 'grader_tpl_';
const TEMPLATE_LOCK = 'grader-test-template';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A database URL on the same server as ADMIN_URL. */
export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** An empty database (no migrations), for tests of the migration runner itself. */
export async function createEmptyDatabase(label = 'empty'): Promise<TestDatabase> {
  const name = uniqueName(label);
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${quote(name)}`));
  return handle(name);
}

/** A migrated database, cloned from the template. */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const migrations = await readMigrations();
  const hash = createHash('sha256')
    .update(migrations.map((m) => `${m.name}:${m.checksum}`).join('\n'))
    .digest('hex')
    .slice(0, 16);
  const template = `${TEMPLATE_PREFIX}${hash}`;
  const name = uniqueName(label);
  await withAdmin(async (admin) => {
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [TEMPLATE_LOCK]);
    try {
      if (!(await exists(admin, template))) await buildTemplate(admin, template, migrations);
      await admin.query(`CREATE DATABASE ${quote(name)} TEMPLATE ${quote(template)}`);
    } finally {
      await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [TEMPLATE_LOCK]);
    }
  });
  return handle(name);
}

/** Built under a temporary name and renamed when complete, so a crash never leaves a half template. */
async function buildTemplate(
  admin: pg.Client,
  template: string,
  migrations: Awaited<ReturnType<typeof readMigrations>>,
): Promise<void> {
  const stale = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [
    `${TEMPLATE_PREFIX}%`,
  ]);
  for (const { datname } of stale.rows) await admin.query(`DROP DATABASE IF EXISTS ${quote(datname)} WITH (FORCE)`);
  const building = `${template}_building`;
  await admin.query(`CREATE DATABASE ${quote(building)}`);
  const client = new pg.Client({ connectionString: databaseUrl(building) });
  await client.connect();
  try {
    await applyMigrations(pgSession(client), migrations);
  } finally {
    await client.end();
  }
  await admin.query(`ALTER DATABASE ${quote(building)} RENAME TO ${quote(template)}`);
}

function handle(name: string): TestDatabase {
  return {
    name,
    url: databaseUrl(name),
    drop: () => withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`)).then(() => undefined),
  };
}

async function withAdmin<T>(work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`test database server unreachable at ${new URL(ADMIN_URL).host}: ${(error as Error).message}`);
  }
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

async function exists(admin: pg.Client, name: string): Promise<boolean> {
  const result = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return result.rowCount === 1;
}

function uniqueName(label: string): string {
  const safe = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 30);
  return `grader_test_${safe}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
