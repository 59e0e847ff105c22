/**
 * `grade --rerun <submission> --weights <pth> --onnx <onnx>` as an instructor runs it: the built CLI,
 * the real runner and onnxruntime-node, a real Postgres. The spec folder is a copy of grading-specs/
 * whose rerun section names a small model (resnet18, 64 px) so that the run fits CI.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runCli as cli } from './support/run-cli.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { buildSubmission, FIXTURE_VARIANTS, notebookText } from './fixtures/submissions.js';
import { writeSmallModelSpec } from './support/small-model-spec.js';
import { makeFixtures, type FixtureManifest } from './support/runner-fixtures.js';

describe('grade --rerun', () => {
  let dir: string;
  let database: TestDatabase;
  let manifest: FixtureManifest;
  let env: Record<string, string>;
  let submission: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cli-rerun-'));
    database = await createTestDatabase('cli_rerun');
    manifest = await makeFixtures({ backbone: 'resnet18', size: 64, out: dir, variants: ['onnx'] });
    await writeSmallModelSpec(dir);
    submission = join(dir, 'student_104233_5512087_Class_06_2.Student.ipynb');
    await writeFile(submission, notebookText(buildSubmission(FIXTURE_VARIANTS.good)));
    env = { DATABASE_URL: database.url, GRADER_DATA_DIR: join(dir, '.grader'), GRADING_SPECS_DIR: dir, RUNNER_THREADS: '2' };
  }, 180_000);

  afterAll(async () => {
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the grade with the re-run beside it and stores the run with its environment', async () => {
    const run = await cli(['--rerun', submission, '--weights', manifest.files.honest, '--onnx', manifest.files.onnx, '--no-benchmark', '--json'], env);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ status: 'graded', score: 100, rerun: { status: 'completed', samples: { used: 100, total: 100, seed: 123 } } });
    expect(report.rerun.environment).toMatchObject({ runnerDevice: 'cpu', executionProvider: 'cpu', opsetUsed: 17 });
    expect(report.rerun.checks.find((c: { id: string }) => c.id === 'rerun.student_parity').status).toBe('pass');
    // The fixture's printed accuracies come from another model: not reproduced, flagged on the grade.
    expect(report.flags.map((f: { name: string }) => f.name)).toContain('not_reproduced');

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT device, "executionProvider", "torchVersion", "ortVersion", status FROM "RerunRun"');
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ executionProvider: 'CPUExecutionProvider', ortVersion: '1.30.0', status: 'succeeded' });
      expect(rows[0].device).toMatch(/^cpu/);
      expect(rows[0].torchVersion).toMatch(/^1\.13/);
    } finally {
      await client.end();
    }
  }, 240_000);

  it('explains what is missing in the command line', async () => {
    const run = await cli(['--rerun', submission], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^grade: --rerun needs --weights <model\.pth>/);
    const missing = await cli(['--rerun', submission, '--weights', join(dir, 'nope.pth')], env);
    expect(missing.stderr).toMatch(/--weights: no such file: .*nope\.pth/);
  }, 60_000);
});
