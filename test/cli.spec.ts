/**
 * The main job as an instructor runs it: `node dist/cli.js <folder|file>` (built by `npm test`)
 * against a real, freshly migrated Postgres database.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runCli as cli } from './support/run-cli.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { closePdfExtraction } from '../src/ingest/pdf/extract.js';
import { readNotebook } from '../src/ingest/notebook.reader.js';
import { buildSubmission, FIXTURE_VARIANTS, writeFixtureFiles } from './fixtures/submissions.js';
import { printNotebookToPdf } from './support/print-pdf.js';
import { REFERENCE_DIR } from './support/reference.js';

describe('grade CLI', () => {
  let database: TestDatabase;
  let downloads: string;
  let env: Record<string, string>;
  let files: string[];

  beforeAll(async () => {
    database = await createTestDatabase('cli');
    downloads = await mkdtemp(join(tmpdir(), 'canvas-downloads-'));
    files = await writeFixtureFiles(downloads);
    await writeFile(join(downloads, 'lee_104400_5512200_Class_06_2.Lee.docx'), 'PK\u0003\u0004 word file');
    env = { DATABASE_URL: database.url, GRADER_DATA_DIR: join(downloads, '.grader') };
  });

  afterAll(async () => {
    await database.drop();
    await rm(downloads, { recursive: true, force: true });
  });

  async function count(table: string): Promise<number> {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      return Number((await client.query(`SELECT count(*) FROM "${table}"`)).rows[0].count);
    } finally {
      await client.end();
    }
  }

  it('grades a Canvas download folder: one row per student, bad files listed as rejected, all stored', async () => {
    const run = await cli([downloads], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^student\s+file\s+score\s+flags \/ reason$/);
    expect(lines.find((l) => l.includes('Student.ipynb'))).toMatch(/^jane\.student@gmail\.com\s+.*\s100\/100\s+-$/);
    expect(lines.find((l) => l.includes('Okafor.ipynb'))).toMatch(/96\/100\s+seed_is_42\(ex7\)$/);
    expect(lines.find((l) => l.includes('Lee.docx'))).toMatch(/^lee \(no Gmail\)\s+.*REJECTED\s+unsupported file type '\.docx'/);
    expect(lines.find((l) => l.includes('Whitaker.ipynb'))).toMatch(/REJECTED\s+truncated notebook: the JSON ends early/);
    // Nguyen's edited Exercise 7 output holds its points for staff (issue #12): 90, not 97.
    expect(lines.find((l) => l.includes('Nguyen.ipynb'))).toMatch(/90\/100\s+outputs_inconsistent\(ex7\) seed_is_42\(ex7\) held\(7 pts\)$/);
    expect(run.stdout).toMatch(/8 graded \(mean 87\.9\), 2 rejected; stored in Postgres postgres@127\.0\.0\.1:5432\//);
    expect(await count('Grade')).toBe(8);
    // The truncated notebook is kept (its bytes could be read); the .docx never got that far.
    expect(await count('Submission')).toBe(9);
  });

  it('writes a Canvas gradebook with --canvas-csv: a column per lesson, a row per student by the Canvas id in the file name', async () => {
    const out = join(downloads, '..', `gradebook-${process.pid}.csv`);
    const run = await cli(['--no-store', '--canvas-csv', out, downloads], env);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^grade: Canvas gradebook .*gradebook-\d+\.csv: 8 students × 1 lessons\n$/);
    const rows = (await readFile(out, 'utf8')).split('\r\n');
    expect(rows[0]).toBe('Student,ID,SIS User ID,SIS Login ID,Section,"BIO 1173 Class 06.2: ONNX Runtime (ResNet101, 512 px) [class_06_2]"');
    expect(rows[1]).toBe('    Points Possible,,,,,100');
    expect(rows).toContainEqual(expect.stringMatching(/^Student,\d+,,,,100$/));
    expect(rows).toContainEqual(expect.stringMatching(/^Nguyen,\d+,,,,90$/));
    // Rejected files (the .docx, the truncated notebook) are not in the gradebook.
    expect(rows.filter((r) => r !== '').length).toBe(2 + 8);
    await rm(out, { force: true });
    expect((await cli(['--canvas-csv', '', downloads], env)).stderr).toMatch(/--canvas-csv needs a file name/);
  });

  it('grades a hand-in two lessons fit equally by the lesson --assignment names, and says which otherwise', async () => {
    const copy = join(REFERENCE_DIR, 'course', 'solutions', 'Assignment_02_Solutions@390f879.ipynb');
    const unnamed = await cli(['--no-store', copy], env);
    expect(unnamed.code).toBe(2);
    expect(unnamed.stderr).toMatch(/cannot tell which lesson this is: it fits assigment_02_rev4 .* and assignment_02_rev1 /);
    const named = await cli(['--no-store', '--json', '--assignment', 'assignment_02_rev1', copy], env);
    expect(named.code).toBe(0);
    expect(JSON.parse(named.stdout)[0]).toMatchObject({ status: 'graded', spec: { id: 'assignment_02_rev1', revision: 'rev1' } });
    const unknown = await cli(['--no-store', '--assignment', 'class_99_9', copy], env);
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringMatching(/--assignment class_99_9: no such lesson/) });
  });

  it('changes nothing when the same files are graded again', async () => {
    const before = await Promise.all(['Submission', 'Grade', 'CheckResult', 'ExerciseScore'].map(count));
    const run = await cli([downloads, '--quiet'], env);
    expect(run.code).toBe(0);
    expect(await Promise.all(['Submission', 'Grade', 'CheckResult', 'ExerciseScore'].map(count))).toEqual(before);
  });

  it('prints the JSON contract with --json', async () => {
    const good = files.find((f) => f.endsWith('Student.ipynb'))!;
    const run = await cli(['--json', good, '--no-store'], env);
    expect(run.code).toBe(0);
    const [report] = JSON.parse(run.stdout);
    expect(report).toMatchObject({
      file: 'student_104233_5512087_Class_06_2.Student.ipynb',
      kind: 'ipynb',
      status: 'graded',
      student: { email: 'jane.student@gmail.com', verified: null },
      spec: { id: 'class_06_2', version: '1.0.0' },
      score: 100,
      maxScore: 100,
      flags: [],
    });
    expect(report.exercises).toHaveLength(10);
    expect(report.exercises[0]).toMatchObject({ number: 1, score: 5, maxScore: 5, status: 'pass' });
    expect(report.exercises[0].checks[0]).toEqual(
      expect.objectContaining({ id: 'ex1.copied', status: 'pass', points: 5, maxPoints: 5, evidence: expect.stringContaining('[SUCCESS]') }),
    );
    // How sure the grader is of its reading: a notebook is read exactly.
    expect(report.reading).toMatchObject({ layout: 'notebook', confidence: 1, threshold: 0.8, uncertain: false, warnings: [] });
    expect(report.spec.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(report.graderVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('exits 2 with a one-line error naming the file when a single file is unreadable', async () => {
    const truncated = files.find((f) => f.includes('truncated'))!;
    const run = await cli([truncated, '--no-store'], env);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^grade: truncated_whitaker_104322_5512147_Class_06_2\.Whitaker\.ipynb: truncated notebook: the JSON ends early/);
  });

  it('exits 2 for a path that does not exist and for a bad option', async () => {
    expect((await cli(['/nonexistent/folder'], env)).stderr).toBe('grade: no such file or folder: /nonexistent/folder\n');
    const bad = await cli(['--colour'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Unknown option '--colour'/);
  });

  it('names the database when it cannot connect, without the password', async () => {
    const run = await cli([files[0], '--quiet'], { ...env, DATABASE_URL: 'postgresql://grader:secret@127.0.0.1:1/grades' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot connect to Postgres at grader@127\.0\.0\.1:1\/grades/);
    expect(run.stderr).not.toContain('secret');
  });
});

describe('grade read: what the reader saw', () => {
  let dir: string;
  let notebook: string;
  let pdf: string;
  let truncated: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'grade-read-'));
    const files = await writeFixtureFiles(dir);
    notebook = files[0];
    truncated = files.at(-1)!;
    pdf = join(dir, 'jane_Class_06_2.pdf');
    await writeFile(pdf, await printNotebookToPdf(buildSubmission(FIXTURE_VARIANTS.good)));
  }, 120_000);

  afterAll(async () => {
    await closePdfExtraction();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints a notebook as JSON: the documented fields, every cell with its outputs', async () => {
    const run = await cli(['read', notebook, '--json'], {});
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(Object.keys(report)).toEqual(['file', 'kind', 'pageCount', 'layout', 'confidence', 'warnings', 'cells']);
    expect(report).toMatchObject({ file: 'student_104233_5512087_Class_06_2.Student.ipynb', kind: 'ipynb', pageCount: null, layout: 'notebook', confidence: 1, warnings: [] });
    // The same cells the grader reads, in order.
    const expected = readNotebook(await readFile(notebook), 'x.ipynb');
    expect(report.cells).toHaveLength(expected.cells.length);
    expect(report.cells.map((c: { index: number }) => c.index)).toEqual(expected.cells.map((c) => c.index));
    const identity = report.cells.find((c: { source: string }) => /You must run this cell first/.test(c.source));
    expect(Object.keys(identity)).toEqual(['index', 'kind', 'page', 'source', 'outputs']);
    expect(identity).toMatchObject({ kind: 'code', page: null });
    expect(identity.outputs).toContainEqual({ type: 'stream', text: expect.stringContaining('jane.student@gmail.com') });
  });

  it('lists a notebook for a person: header, warnings, each cell with its source indented and its outputs marked', async () => {
    const run = await cli(['read', notebook], {});
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^student_104233_5512087_Class_06_2\.Student\.ipynb: notebook, layout notebook, reader confidence 1\.00, \d+ cells$/);
    expect(lines[1]).toBe('warnings: none');
    const identity = lines.findIndex((l) => /^ {4}# You must run this cell first/.test(l));
    expect(identity).toBeGreaterThan(0);
    const header = lines.slice(0, identity).reverse().find((l) => l.startsWith('['));
    expect(header).toMatch(/^\[\d+\] code$/);
    const output = lines.slice(identity).findIndex((l) => /^ {2}>> output 1 \(stream\)$/.test(l));
    expect(output).toBeGreaterThan(0);
    expect(lines.slice(identity + output).find((l) => l.includes('jane.student@gmail.com'))).toMatch(/^ {6}\S/);
  });

  it('shows a PDF print with its pages, layout and confidence, in both modes', async () => {
    const json = await cli(['read', '--json', pdf], {});
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ file: 'jane_Class_06_2.pdf', kind: 'pdf', layout: 'nbconvert', confidence: 1, warnings: [] });
    expect(report.pageCount).toBeGreaterThanOrEqual(40);
    expect(report.cells.every((c: { page: number }) => c.page >= 1 && c.page <= report.pageCount)).toBe(true);
    const ex5 = report.cells.find((c: { kind: string; source: string }) => c.kind === 'code' && /^# Exercise 5/m.test(c.source));
    expect(ex5.outputs.map((o: { text: string }) => o.text).join('')).toContain('Max difference:');

    const text = await cli(['read', pdf], {});
    expect(text.code).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^jane_Class_06_2\\.pdf: PDF, ${report.pageCount} pages, layout nbconvert, reader confidence 1\\.00, ${report.cells.length} cells$`));
    expect(lines).toContain(`[${ex5.index}] code · page ${ex5.page}`);
    expect(lines.some((l) => /^ {6}Max difference:/.test(l))).toBe(true);
  }, 120_000);

  it('exits 2 naming the file and the reason when it cannot be read', async () => {
    const run = await cli(['read', truncated], {});
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^grade: truncated_whitaker_104322_5512147_Class_06_2\.Whitaker\.ipynb: truncated notebook: the JSON ends early/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);

    const broken = join(dir, 'broken.pdf');
    await writeFile(broken, '%PDF-1.7\nthis is not really a PDF\n');
    const bad = await cli(['read', '--json', broken], {});
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^grade: broken\.pdf: \S.*\n$/);

    const missing = await cli(['read', join(dir, 'nowhere.pdf')], {});
    expect(missing).toMatchObject({ code: 2, stderr: 'grade: nowhere.pdf: cannot read file (ENOENT)\n' });

    const usage = await cli(['read'], {});
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^grade: read takes exactly one file/);
  });
});
