/**
 * The lesson's turn-in is a PDF printed from the browser: hand-ins printed by Debian's chromium from
 * nbconvert HTML grade exactly as their notebooks do (same scores, statuses and flags).
 */
import { closePdfExtraction } from '../src/ingest/pdf/extract.js';
import { readPdf } from '../src/ingest/pdf.reader.js';
import { readNotebook } from '../src/ingest/notebook.reader.js';
import { gradeDocument, type RubricResult } from '../src/grading/rubric.engine.js';
import { type LoadedSpec, loadSpecFile } from '../src/specs/spec.loader.js';
import { buildSubmission, FIXTURE_VARIANTS, type FixtureVariant, notebookText } from './fixtures/submissions.js';
import { printNotebookToPdf } from './support/print-pdf.js';

let spec: LoadedSpec;
beforeAll(async () => {
  spec = await loadSpecFile('grading-specs/class_06_2.yaml');
});
afterAll(async () => {
  await closePdfExtraction();
});

const summary = (result: RubricResult) => ({
  score: result.score,
  email: result.email,
  exercises: result.exercises.map((e) => `${e.number}:${e.status}:${e.score}`),
  checks: [...result.preliminaries, ...result.exercises.flatMap((e) => e.checks)].map((c) => `${c.id}:${c.status}`),
  flags: result.flags.map((f) => `${f.name}@${f.exercise ?? '-'}`).sort(),
});

describe('grading PDF prints', () => {
  it.each<[FixtureVariant, number]>([
    ['good', 100],
    ['seed42', 96],
    ['missing8to10', 70],
    ['cpuRuntime', 91],
    ['wrongResolution244', 90],
    ['editedSeedOutput', 90],
  ])('grades the %s hand-in printed to PDF as its notebook (%i points)', async (variant, score) => {
    const notebook = buildSubmission(FIXTURE_VARIANTS[variant]);
    const pdf = await printNotebookToPdf(notebook);
    const document = await readPdf(pdf, `${variant}.pdf`);
    expect(document.kind).toBe('pdf');
    expect(document.pageCount).toBeGreaterThanOrEqual(40);
    const fromPdf = gradeDocument(document, spec);
    const fromNotebook = gradeDocument(readNotebook(Buffer.from(notebookText(notebook)), `${variant}.ipynb`), spec);
    expect(fromPdf.score).toBe(score);
    expect(summary(fromPdf)).toEqual(summary(fromNotebook));
  }, 120_000);
});
