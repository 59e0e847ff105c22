/**
 * The PDF reader on prints of nbconvert's classic template. Its prose is as large as Chrome's
 * header and footer (8 pt), and it prints `In [n]:` on a line of its own above the input, so a cell
 * that starts a page opens it with a prompt just under the header.
 */
import { cellOutputText, type Cell, type SubmissionDocument } from '../src/ingest/document.js';
import { closePdfExtraction } from '../src/ingest/pdf/extract.js';
import { readPdf } from '../src/ingest/pdf.reader.js';
import { readNotebook } from '../src/ingest/notebook.reader.js';
import { locateExercises } from '../src/grading/evidence.js';
import { gradeDocument, type RubricResult } from '../src/grading/rubric.engine.js';
import { type LoadedSpec, loadSpecFile } from '../src/specs/spec.loader.js';
import { buildSubmission, FIXTURE_VARIANTS, notebookText } from './fixtures/submissions.js';
import { printNotebookToPdf } from './support/print-pdf.js';

const FILE = 'Class_06_2.student.pdf';

/**
 * Scores only: this template's input boxes are not learnt (its prompt sits above the box, not beside
 * it), so code and output are told apart by line spacing only; where that cannot split a cell, code
 * checks are skipped as "code not visible" and the reading is flagged, rightly, as less certain.
 */
const summary = (result: RubricResult) => ({
  score: result.score,
  exercises: result.exercises.map((e) => `${e.number}:${e.status}:${e.score}`),
});

/**
 * What each exercise printed, per exercise id: its text lines and its figures. Emoji (the ✅ of
 * torch.onnx's log) print in a colour font whose glyphs pdf.js cannot map back to text, in any
 * template: they are left out. A figure's `<Figure ...>` text is not printed, its image is.
 */
function printed(document: SubmissionDocument, spec: LoadedSpec): Map<string, { lines: string[]; figures: number }> {
  const byExercise = new Map<string, { lines: string[]; figures: number }>();
  for (const [number, cells] of locateExercises(document, spec.spec)) {
    const outputs = cells.flatMap((cell: Cell) => cell.outputs);
    const lines = outputs
      .flatMap((output) => output.text.split('\n'))
      .map((line) => line.replace(/[\u0000\u2705]/g, '').trimEnd())
      .filter((line) => line.trim() !== '' && !/^<Figure size /.test(line));
    byExercise.set(number, { lines, figures: outputs.filter((output) => output.images.length > 0).length });
  }
  return byExercise;
}

describe('PDF reader on a classic-template print with the browser header and footer', () => {
  let spec: LoadedSpec;
  let notebook: ReturnType<typeof buildSubmission>;
  let plain: SubmissionDocument;
  let withMargins: SubmissionDocument;

  beforeAll(async () => {
    spec = await loadSpecFile('grading-specs/class_06_2.yaml');
    notebook = buildSubmission(FIXTURE_VARIANTS.good);
    plain = await readPdf(await printNotebookToPdf(notebook, { template: 'classic' }), FILE);
    withMargins = await readPdf(await printNotebookToPdf(notebook, { template: 'classic', headerFooter: true }), FILE);
  }, 180_000);

  afterAll(async () => {
    await closePdfExtraction();
  });

  it('drops the header and footer, keeps the prompts under them, and reads the same cells as without them', () => {
    // Header (date, title) and footer (URL, page n/N) on every page; an `In [n]:` under the header is
    // not one of them, though it opens many pages.
    expect(withMargins.metadata.marginLinesDropped).toBe(2);
    expect(withMargins.cells.filter((c) => c.kind === 'code').map((c) => c.executionCount)).toEqual(
      plain.cells.filter((c) => c.kind === 'code').map((c) => c.executionCount),
    );
    expect(withMargins.cells.map((c) => [c.kind, c.source, cellOutputText(c)])).toEqual(
      plain.cells.map((c) => [c.kind, c.source, cellOutputText(c)]),
    );
  });

  it('finds every line each exercise printed, including outputs that start at the top of a page', () => {
    const expected = printed(readNotebook(Buffer.from(notebookText(notebook)), 'good.ipynb'), spec);
    const found = printed(withMargins, spec);
    expect([...expected.keys()]).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    for (const [number, { lines, figures }] of expected) {
      expect(lines.length + figures).toBeGreaterThan(0);
      const got = found.get(number)!;
      expect({ number, missing: lines.filter((line) => !got.lines.includes(line)), figures: got.figures }).toEqual({ number, missing: [], figures });
    }
  });

  it('grades the honest hand-in as its notebook: full marks on every exercise', () => {
    const fromPdf = gradeDocument(withMargins, spec);
    const fromNotebook = gradeDocument(readNotebook(Buffer.from(notebookText(notebook)), 'good.ipynb'), spec);
    expect(fromPdf.score).toBe(100);
    expect(summary(fromPdf)).toEqual(summary(fromNotebook));
  });
});
