#!/usr/bin/env node
// `prisma generate`, offline and quiet: prints Prisma's output only when it fails.
// The schema engine is never used by `generate`, but Prisma insists on a binary path that exists,
// or it tries to download one.
import { spawnSync } from 'node:child_process';

const run = spawnSync(process.execPath, ['node_modules/prisma/build/index.js', 'generate', '--no-hints'], {
  encoding: 'utf8',
  env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false' },
});
if (run.status !== 0) {
  process.stderr.write(`${run.stdout ?? ''}${run.stderr ?? ''}prisma generate failed (exit ${run.status})\n`);
  process.exit(run.status ?? 1);
}
