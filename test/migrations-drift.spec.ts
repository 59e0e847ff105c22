import { spawnSync } from 'node:child_process';

/** The committed migrations must produce exactly prisma/schema.prisma (checked offline, on PGlite). */
describe('prisma migrations', () => {
  it('agree with the schema (no drift)', () => {
    const run = spawnSync(process.execPath, ['scripts/prisma-migration.mjs', 'check'], { encoding: 'utf8', timeout: 120_000 });
    expect(`${run.stdout}${run.stderr}`).toMatch(/agree/);
    expect(run.status).toBe(0);
  });
});
