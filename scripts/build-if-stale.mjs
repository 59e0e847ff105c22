#!/usr/bin/env node
// `npm run grade|api|worker|...` build only what changed since the last build: Prisma's client when
// the schema changed, the SWC build when any source did. A second `npm run grade FILE` then starts
// in well under a second instead of paying 7–10 s of rebuilding every time.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const STAMP = 'dist/.build-stamp';

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) if (entry !== 'generated') latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

function run(args) {
  const result = spawnSync('npm', ['run', ...args, '--silent'], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const built = existsSync(STAMP) ? statSync(STAMP).mtimeMs : 0;
const schemaChanged = newest('prisma/schema.prisma') > built || !existsSync('src/generated');
const sourcesChanged = Math.max(newest('src'), newest('package-lock.json'), newest('.swcrc')) > built;
if (schemaChanged || sourcesChanged) {
  // The full build regenerates the client too; stamped before it starts, so edits made while it runs count next time.
  const started = Date.now();
  run(['build']);
  writeFileSync(STAMP, `${new Date(started).toISOString()}\n`);
  const time = new Date(started);
  spawnSync('touch', ['-d', time.toISOString(), STAMP]);
}
