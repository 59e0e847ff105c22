/**
 * The embedded database (PGlite in a temp folder): migrations on first open, none on reopen, data
 * kept across reopen, the one-process lock, and the same repository contract as on Postgres.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { openDatabase, type Database } from '../src/database/database.js';
import { DatabaseModule, PrismaService } from '../src/database/database.module.js';
import { EmbeddedDatabaseBusyError } from '../src/database/embedded-lock.js';
import { GradeRepository } from '../src/database/grade.repository.js';
import { readMigrations } from '../src/database/migrate.js';
import { sha256Of } from './support/grade-report.fixture.js';
import { repositoryScenario } from './support/repository-scenario.js';

let folder: string;
let dir: string;
let database: Database;
let repo: GradeRepository;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'grader-pglite-'));
  dir = join(folder, 'pglite');
  database = await openDatabase({ embeddedDir: dir });
  repo = new GradeRepository(database.prisma);
});

afterAll(async () => {
  await database?.close();
  await rm(folder, { recursive: true, force: true });
});

describe('embedded database', () => {
  it('is created and migrated on first open', async () => {
    expect(database.kind).toBe('embedded');
    expect(database.migrations.applied.map((m) => m.name)).toEqual((await readMigrations()).map((m) => m.name));
  });

  it('refuses a second opener while the first holds it', async () => {
    await expect(openDatabase({ embeddedDir: dir })).rejects.toThrow(EmbeddedDatabaseBusyError);
  });

  it('keeps its data and applies nothing when reopened, here through DatabaseModule', async () => {
    const sha256 = sha256Of('kept across reopening');
    await repo.recordSubmission({
      sha256,
      kind: 'pdf',
      filename: 'print.pdf',
      sizeBytes: 10,
      storedPath: `files/${sha256}`,
      assignmentSpecId: 'class_06_2',
    });
    const before = await repo.countRows();
    expect(before.submissions).toBe(1);
    await database.close();
    const app = await Test.createTestingModule({ imports: [DatabaseModule.forRoot({ embeddedDir: dir })] }).compile();
    const service = app.get(PrismaService);
    expect(service.kind).toBe('embedded');
    expect(service.database.migrations.applied).toEqual([]);
    expect(await app.get(GradeRepository).countRows()).toEqual(before);
    await app.close(); // closes the database and frees the folder, or the reopening below would fail
    database = await openDatabase({ embeddedDir: dir });
    repo = new GradeRepository(database.prisma);
  });
});

describe('GradeRepository on the embedded database', () => {
  repositoryScenario(() => ({ repo, prisma: database.prisma }));
});
