/**
 * Lesson-aware reading confidence on real prints (nbconvert + Debian's chromium, see print-pdf.ts) of
 * the fixture hand-ins: a PDF read well is trusted; one the reader is unsure of, or one that lost what
 * the lesson says must be there, carries `read_uncertain`, and its failed checks tell the student that
 * staff will look instead of that the work is wrong. Scores never change with the confidence.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateExercises } from '../src/grading/evidence.js';
import { FLAG_WORDING } from '../src/grading/flag-wording.js';
import { READ_UNCERTAIN_THRESHOLD } from '../src/grading/reading-confidence.js';
import { literalStart } from '../src/grading/patterns.js';
import { gradeDocument, type RubricResult } from '../src/grading/rubric.engine.js';
import type { SubmissionDocument } from '../src/ingest/document.js';
import { readNotebook } from '../src/ingest/notebook.reader.js';
import { closePdfExtraction } from '../src/ingest/pdf/extract.js';
import { readPdf } from '../src/ingest/pdf.reader.js';
import { type LoadedSpec, loadSpecFile, SpecError } from '../src/specs/spec.loader.js';
import { buildSubmission, FIXTURE_VARIANTS, type FixtureVariant, notebookText } from './fixtures/submissions.js';
import { REFERENCE_NOTEBOOK } from './support/lesson-notebook.js';
import { printNotebookToPdf } from './support/print-pdf.js';

const SPEC_FILE = 'grading-specs/class_06_2.yaml';
const SOFT_HINT = FLAG_WORDING.read_uncertain.student;

let spec: LoadedSpec;
/** The same rubric naming the blank lesson notebook (read from the reference at test time). */
let withLesson: LoadedSpec;
let specDir: string;

beforeAll(async () => {
  spec = await loadSpecFile(SPEC_FILE);
  specDir = await mkdtemp(join(tmpdir(), 'reading-spec-'));
  await writeFile(join(specDir, 'class_06_2.yaml'), `${await readFile(SPEC_FILE, 'utf8')}\nlesson: ${JSON.stringify(REFERENCE_NOTEBOOK)}\n`);
  withLesson = await loadSpecFile(join(specDir, 'class_06_2.yaml'));
});

afterAll(async () => {
  await closePdfExtraction();
  await rm(specDir, { recursive: true, force: true });
});

const pdfs = new Map<FixtureVariant, SubmissionDocument>();
async function printed(variant: FixtureVariant): Promise<SubmissionDocument> {
  if (!pdfs.has(variant)) pdfs.set(variant, await readPdf(await printNotebookToPdf(buildSubmission(FIXTURE_VARIANTS[variant])), `${variant}.pdf`));
  return pdfs.get(variant)!;
}

const flagNames = (result: RubricResult) => result.flags.map((f) => f.name);
const allChecks = (result: RubricResult) => [...result.preliminaries, ...result.exercises.flatMap((e) => e.checks)];
const check = (result: RubricResult, id: string) => allChecks(result).find((c) => c.id === id)!;
/** A reader less sure of itself than the nbconvert reader is of these prints. */
const unsure = (document: SubmissionDocument, confidence: number): SubmissionDocument => ({
  ...document,
  reading: { layout: 'colab-plain', confidence },
  warnings: [...document.warnings, 'page 3: text outside any cell box, kept as markdown'],
});

describe('lesson-aware reading confidence', () => {
  it('reads a notebook exactly: confidence 1, nothing else measured, never flagged', () => {
    const notebook = readNotebook(Buffer.from(notebookText(buildSubmission(FIXTURE_VARIANTS.good))), 'good.ipynb');
    const result = gradeDocument(notebook, withLesson);
    expect(result.reading).toEqual({
      layout: 'notebook', confidence: 1, readerConfidence: 1, threshold: READ_UNCERTAIN_THRESHOLD, uncertain: false,
      exampleCode: null, headings: null, outputs: null, printedLines: null, reasons: [], warnings: [],
    });
    expect(flagNames(result)).not.toContain('read_uncertain');
  });

  it('trusts a well-read PDF print: the lesson example code, every heading and every printing cell found', async () => {
    const document = await printed('seed42');
    for (const loaded of [spec, withLesson]) {
      const result = gradeDocument(document, loaded);
      expect(result.reading).toMatchObject({ layout: 'nbconvert', confidence: 1, uncertain: false, reasons: [] });
      expect(result.reading.headings).toEqual({ found: 10, expected: 10, share: 1 });
      expect(result.reading.outputs).toMatchObject({ share: 1 });
      expect(flagNames(result)).toEqual(['seed_is_42']);
      // Feedback as usual: the work is what is wrong.
      expect(check(result, 'ex7.seed_changed')).toMatchObject({ status: 'fail', hint: 'Set seed_val to any value except 42.' });
      expect(check(result, 'ex7.seed_changed').hintIfReadCorrectly).toBeUndefined();
      // Only seed checks failed: no printed line to look for.
      expect(result.reading.printedLines).toBeNull();
    }
    // With the lesson, its example code is compared line by line; without, the spec's code patterns.
    expect(gradeDocument(document, withLesson).reading.exampleCode).toMatchObject({ source: 'lesson', share: 1 });
    expect(gradeDocument(document, withLesson).reading.exampleCode!.expected).toBeGreaterThan(200);
    expect(gradeDocument(document, spec).reading.exampleCode).toEqual({ found: 4, expected: 4, share: 1, source: 'spec' });
  }, 120_000);

  it('flags a PDF the reader is unsure of and tells the student staff will look, without changing the score', async () => {
    const confident = gradeDocument(await printed('seed42'), withLesson);
    const result = gradeDocument(unsure(await printed('seed42'), 0.55), withLesson);
    expect(result.score).toBe(confident.score);
    expect(result.reading).toMatchObject({ layout: 'colab-plain', confidence: 0.55, readerConfidence: 0.55, uncertain: true });
    expect(result.reading.warnings).toEqual(['page 3: text outside any cell box, kept as markdown']);
    const flag = result.flags.find((f) => f.name === 'read_uncertain')!;
    expect(flag).toEqual({
      name: 'read_uncertain',
      exercise: null,
      exerciseId: null,
      detail: "reading confidence 0.55 < 0.80: the reader's own confidence is 0.55 (layout colab-plain, 1 warning)",
    });
    // The failed check says the PDF was hard to read; its own hint is kept for staff.
    expect(check(result, 'ex7.seed_changed')).toMatchObject({
      status: 'fail', points: 0, hint: SOFT_HINT, hintIfReadCorrectly: 'Set seed_val to any value except 42.',
    });
    expect(SOFT_HINT).toMatch(/PDF was hard for the grader to read.*Staff will look at your hand-in/);
    // Passing checks get no hint at all.
    expect(allChecks(result).filter((c) => c.status === 'pass').every((c) => c.hint === undefined)).toBe(true);
  }, 120_000);

  it('softens the feedback of missing exercises too when the reading is uncertain', async () => {
    const result = gradeDocument(unsure(await printed('missing8to10'), 0.6), spec);
    expect(flagNames(result)).toEqual(expect.arrayContaining(['exercise_missing', 'read_uncertain']));
    const missing = result.exercises.filter((e) => e.status === 'missing');
    expect(missing.map((e) => e.number)).toEqual([8, 9, 10]);
    for (const c of missing.flatMap((e) => e.checks)) expect(c.hint).toBe(SOFT_HINT);
    // 0.8 itself is confident enough: the threshold is strict.
    expect(flagNames(gradeDocument(unsure(await printed('missing8to10'), 0.8), spec))).not.toContain('read_uncertain');
  }, 120_000);

  it("catches example code the reader lost even when the reader is sure of itself", async () => {
    const document = await printed('good');
    const exerciseCells = new Set([...locateExercises(document, spec.spec).values()].flat().map((c) => c.index));
    // Every lesson code cell cut to its first line, as a reader that lost most of each code box would.
    const lost: SubmissionDocument = {
      ...document,
      cells: document.cells.map((c) => (c.kind === 'code' && !exerciseCells.has(c.index) ? { ...c, source: c.source.split('\n')[0] } : c)),
    };
    const result = gradeDocument(lost, withLesson);
    expect(result.reading.readerConfidence).toBe(1);
    expect(result.reading.uncertain).toBe(true);
    // Lines the students' exercise cells copy from the examples are still found there.
    expect(result.reading.exampleCode!.share).toBeLessThan(READ_UNCERTAIN_THRESHOLD);
    expect(result.reading.reasons[0]).toMatch(/^\d+ of \d+ lines of the lesson's example code were not found in the code read; most missing in the example cells starting “/);
    expect(flagNames(result)).toContain('read_uncertain');
    expect(result.score).toBe(100);

    // Without the lesson, the code the spec expects: the identity and GPU-check cells' code.
    const noGpuCheck: SubmissionDocument = {
      ...document,
      cells: document.cells.map((c) =>
        c.kind === 'code' ? { ...c, source: c.source.replace(/.*check_colab_gpu\(\).*\n?/g, '').replace(/.*You must run this cell first.*\n?/g, '') } : c,
      ),
    };
    const fallback = gradeDocument(noGpuCheck, spec);
    expect(fallback.reading.exampleCode).toEqual({ found: 2, expected: 4, share: 0.5, source: 'spec' });
    expect(fallback.reading.reasons).toEqual([
      expect.stringMatching(/^2 of 4 pieces of code the spec expects were not found in the code read: Identity: .*; Runtime: a GPU was attached/),
    ]);
    expect(flagNames(fallback)).toContain('read_uncertain');
  }, 120_000);

  it('catches exercise headings read as code and printing cells read without output', async () => {
    const document = await printed('good');
    const headingAsCode: SubmissionDocument = {
      ...document,
      cells: document.cells.map((c) => (c.kind === 'markdown' && /^Exercise [1-3]:/m.test(c.source) ? { ...c, kind: 'code' } : c)),
    };
    const headings = gradeDocument(headingAsCode, spec);
    expect(headings.reading.headings).toEqual({ found: 7, expected: 10, share: 0.7 });
    expect(headings.reading.reasons).toEqual([
      expect.stringMatching(/^3 of 10 exercise headings were not found: Exercise 1 \(its heading's text is in cell \d+'s code, no markdown cell\), Exercise 2 \(.*\), Exercise 3 /),
    ]);
    expect(flagNames(headings)).toContain('read_uncertain');

    const located = locateExercises(document, spec.spec);
    const silenced = new Set(['5', '7', '8'].flatMap((n) => located.get(n)!.map((c) => c.index)));
    const noOutputs: SubmissionDocument = {
      ...document,
      cells: document.cells.map((c) => (silenced.has(c.index) ? { ...c, outputs: [] } : c)),
    };
    const outputs = gradeDocument(noOutputs, spec);
    expect(outputs.reading.outputs).toEqual({ found: 9, expected: 12, share: 0.75 });
    expect(outputs.reading.reasons).toEqual([
      expect.stringMatching(/^3 of 12 cells that should print have no output read: Exercise 5 \(cell \d+\), Exercise 7/),
      // And the lines their failed checks look for, which their code prints, are not there either.
      expect.stringMatching(/^\d+ of \d+ lines that failed checks look for were not read in the exercise's output: “ONNX prediction shape:” \(Exercise 5, ex5\.shapes: printed by the code, not in its output\)/),
    ]);
    expect(flagNames(outputs)).toContain('read_uncertain');
    // Those exercises' failures now say staff will look.
    expect(outputs.exercises[4].checks.filter((c) => c.status === 'fail').every((c) => c.hint === SOFT_HINT)).toBe(true);
  }, 120_000);

  it('catches an output cut short: a line the code prints, which a failed check looks for, missing from the output read', async () => {
    const document = await printed('good');
    const ex5 = locateExercises(document, spec.spec).get('5')!.map((c) => c.index);
    // As a page break can end a cell's output: everything after the prediction shapes is lost.
    const cut: SubmissionDocument = {
      ...document,
      cells: document.cells.map((c) =>
        ex5.includes(c.index) ? { ...c, outputs: c.outputs.map((o) => ({ ...o, text: o.text.replace(/(PyTorch prediction shape:[^\n]*\n)[^]*/, '$1') })) } : c,
      ),
    };
    const result = gradeDocument(cut, spec);
    expect(check(result, 'ex5.max_difference').status).toBe('fail');
    expect(result.reading).toMatchObject({ readerConfidence: 1, uncertain: true, printedLines: { found: 0, expected: 1, share: 0 } });
    expect(result.reading.outputs!.share).toBe(1); // the cell has output: only its lost line tells
    expect(result.reading.reasons).toEqual([
      '1 of 1 lines that failed checks look for were not read in the exercise\'s output: “Max difference:” (Exercise 5, ex5.max_difference: printed by the code, not in its output)',
    ]);
    expect(flagNames(result)).toContain('read_uncertain');
    expect(check(result, 'ex5.max_difference').hint).toBe(SOFT_HINT);
  }, 120_000);

  it("catches an output read as markdown beside the exercise, naming the cell it landed in", async () => {
    const document = await printed('good');
    const ex10 = locateExercises(document, spec.spec).get('10')!.at(-1)!;
    const split = (text: string) => text.indexOf('PyTorch Average Latency:');
    const output = ex10.outputs.map((o) => o.text).join('');
    // As a reader that closes the output box early: the latencies become a markdown cell after it.
    const stray = { index: 10_000, kind: 'markdown' as const, source: output.slice(split(output)), executionCount: null, outputs: [], id: null, page: ex10.page };
    const misread: SubmissionDocument = {
      ...document,
      cells: document.cells.flatMap((c) =>
        c.index === ex10.index ? [{ ...c, outputs: [{ ...c.outputs[0], text: output.slice(0, split(output)) }] }, stray] : [c],
      ),
    };
    const result = gradeDocument(misread, spec);
    expect(check(result, 'ex10.latencies').status).toBe('fail');
    expect(result.reading.uncertain).toBe(true);
    expect(result.reading.reasons).toEqual([
      expect.stringContaining("“PyTorch Average Latency:” (Exercise 10, ex10.latencies: read in cell 10000's markdown)"),
    ]);
  }, 120_000);

  it('does not doubt a PDF whose failed checks read printed lines that are there, only wrong', async () => {
    const result = gradeDocument(await printed('parityFailure'), withLesson);
    expect(result.score).toBeLessThan(100);
    expect(result.reading.printedLines).toMatchObject({ share: 1 });
    expect(result.reading.printedLines!.expected).toBeGreaterThanOrEqual(3);
    expect(result.reading.uncertain).toBe(false);
    expect(flagNames(result).sort()).toEqual(['parity_failed', 'parity_failed', 'parity_failed']);
  }, 120_000);

  it('takes the literal start of a check pattern as the line to look for', () => {
    expect(literalStart('Max difference:\\s+([-+0-9.eE]+)')).toBe('Max difference:');
    expect(literalStart('Input Shape: \\[0, 3, 512, 512\\]')).toBe('Input Shape: [0, 3, 512, 512]');
    expect(literalStart('^Do the confusion matrices match exactly\\? Yes')).toBe('Do the confusion matrices match exactly? Yes');
    expect(literalStart('PyTorch Average Latency:\\s+[0-9.]+ ms')).toBe('PyTorch Average Latency:');
    expect(literalStart('Speeds?: x')).toBe('Speed'); // an optional character ends the literal
    expect(literalStart('PyTorch GPU available: .*|No compatible device found')).toBe(''); // alternatives: no single line
    expect(literalStart('(?:ONNX|PyTorch) prediction shape')).toBe('');
  });

  it('refuses a spec whose lesson notebook cannot be read, naming it', async () => {
    const file = join(specDir, 'broken.yaml');
    await writeFile(file, `${await readFile(SPEC_FILE, 'utf8')}\nlesson: no-such-lesson.ipynb\n`);
    const error = await loadSpecFile(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).message).toMatch(/broken\.yaml: lesson: cannot read the lesson notebook .*no-such-lesson\.ipynb \(ENOENT\)/);
  });
});
