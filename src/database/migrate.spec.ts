import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  checksumOf,
  DEFAULT_MIGRATIONS_DIR,
  MigrationError,
  planMigrations,
  readMigrations,
  type Migration,
  type RecordedMigration,
} from './migrate.js';

function migration(name: string, sql = `CREATE TABLE "${name}" (id int);\n`): Migration {
  return { name, sql, checksum: checksumOf(sql) };
}

function applied(m: Migration, overrides: Partial<RecordedMigration> = {}): RecordedMigration {
  return { migration_name: m.name, checksum: m.checksum, finished_at: new Date(), rolled_back_at: null, ...overrides };
}

describe('planMigrations', () => {
  const a = migration('20250101000000_a');
  const b = migration('20250201000000_b');

  it('runs, in order, what the database has not finished', () => {
    expect(planMigrations([a, b], []).pending).toEqual([a, b]);
    expect(planMigrations([a, b], [applied(a)])).toEqual({ pending: [b], alreadyApplied: [a.name], unknown: [] });
  });

  it('re-runs a migration that was rolled back, as prisma migrate does', () => {
    expect(planMigrations([a], [applied(a, { rolled_back_at: new Date() })]).pending).toEqual([a]);
  });

  it('reports migrations the database has and this code does not', () => {
    expect(planMigrations([a], [applied(a), applied(b)]).unknown).toEqual([b.name]);
  });

  it('refuses an applied migration edited since, naming it', () => {
    const edited = { ...a, sql: `${a.sql}-- changed\n`, checksum: checksumOf(`${a.sql}-- changed\n`) };
    expect(() => planMigrations([edited], [applied(a)])).toThrow(/20250101000000_a was modified after it was applied/);
  });

  it('accepts the same migration checked out with CRLF line ends', () => {
    const crlf = a.sql.replace(/\n/g, '\r\n');
    expect(planMigrations([{ ...a, sql: crlf, checksum: checksumOf(crlf) }], [applied(a)]).pending).toEqual([]);
  });

  it('refuses to go on past a migration that failed under the Prisma CLI', () => {
    expect(() => planMigrations([a], [applied(a, { finished_at: null })])).toThrow(MigrationError);
    expect(() => planMigrations([a], [applied(a, { finished_at: null })])).toThrow(/prisma migrate resolve/);
  });
});

describe('readMigrations', () => {
  it('reads the committed migrations in name order with the file checksum', async () => {
    const migrations = await readMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    expect(migrations.map((m) => m.name)).toEqual([...migrations.map((m) => m.name)].sort());
    const first = migrations[0];
    expect(first.name).toMatch(/^\d{14}_\w+$/);
    expect(first.checksum).toBe(checksumOf(await readFile(join(DEFAULT_MIGRATIONS_DIR, first.name, 'migration.sql'))));
    expect(first.sql).toContain('CREATE TABLE "Submission"');
  });

  it('names the folder it cannot read', async () => {
    await expect(readMigrations('/nonexistent/migrations')).rejects.toThrow(
      /cannot read migrations folder \/nonexistent\/migrations/,
    );
  });
});
