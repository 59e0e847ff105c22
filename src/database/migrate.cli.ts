/**
 * `node dist/database/migrate.cli.js` (npm run migrate): applies the committed migrations to
 * DATABASE_URL, or to the embedded database under GRADER_DATA_DIR (default .data/pglite), and says
 * what it applied. Opening the database for grading does the same; this is for deploy pipelines.
 */
import { loadConfig } from '../config/config.js';
import { openDatabase } from './database.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const started = performance.now();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, embeddedDir: config.embeddedDatabaseDir });
  try {
    const { applied, alreadyApplied, unknown } = database.migrations;
    console.log(`${database.kind} database: ${database.location}`);
    for (const { name, ms } of applied) console.log(`  applied ${name} (${ms} ms)`);
    if (applied.length === 0) console.log(`  up to date (${alreadyApplied.length} migrations already applied)`);
    if (unknown.length > 0) {
      console.warn(`  warning: the database has migrations this code does not know: ${unknown.join(', ')}`);
    }
    console.log(`done in ${Math.round(performance.now() - started)} ms`);
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(`migrate: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
