#!/usr/bin/env node
/**
 * `npm run add-staff -- <email> <instructor|ta|student>`: gives a person a role (creating them when
 * needed), so that the first instructor can sign in; the api's INITIAL_INSTRUCTORS does the same at
 * start-up. Uses DATABASE_URL (or the embedded database, as the CLI does).
 */
import { userInfo } from 'node:os';
import { z } from 'zod';
import { ROLES } from '../auth/auth.types.js';
import { loadConfig } from '../config/config.js';
import { openDatabase } from '../database/database.js';
import { PeopleRepository } from './people.repository.js';

const USAGE = 'usage: npm run add-staff -- <email> <instructor|ta|student>';

async function main(argv: string[]): Promise<number> {
  const parsed = z.tuple([z.email(), z.enum(ROLES)]).safeParse(argv);
  if (!parsed.success) {
    process.stderr.write(`add-staff: ${argv.length === 2 ? 'expected an email address and a role' : 'two arguments needed'}\n${USAGE}\n`);
    return 2;
  }
  const [email, role] = parsed.data;
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, embeddedDir: config.embeddedDatabaseDir });
  try {
    const person = await new PeopleRepository(database.prisma).setRole(email, role, `add-staff (${userInfo().username})`);
    process.stdout.write(`${person.email} is now ${person.role} (${database.kind === 'embedded' ? 'embedded database' : database.location})\n`);
    return 0;
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`add-staff: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
