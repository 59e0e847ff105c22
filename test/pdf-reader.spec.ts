import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Cell, cellOutputText, type SubmissionDocument, UnreadableSubmissionError } from '../src/ingest/document.js';
import { NO_TEXT_REASON, readPdf } from '../src/ingest/pdf.reader.js';
import {
  EXERCISE_1,
  EXERCISE_2,
  EXERCISE_6,
  EXERCISE_7,
  EXERCISE_9,
  type FilledExercise,
  FILLED_EXERCISES,
  filledLessonNotebook,
  loadReference,
  smallNotebook,
  stdout,
} from './support/lesson-notebook.js';
import { printNotebookToPdf } from './support/print-pdf.js';
import { formBombPdf, tinyPdf } from './support/tiny-pdf.js';

/**
 * The PDF reader on real browser prints: the lesson notebook with exercises filled in and run,
 * printed by nbconvert + headless Chromium (cached under test/.cache/pdf), read back and compared
 * with the notebook it came from.
 */
const FILE = 'Class_06_2.smith.pdf';

/** Pages counted independently of pdf.js: Chromium (Skia) writes one `/Type /Page` per page. */
function countPages(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;
}

/** qpdf (Debian package qpdf) makes a really encrypted copy of a real print; the hand-made encrypted file is tested without it. */
const hasQpdf = (() => {
  try {
    execFileSync('qpdf', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

function exerciseCell(document: SubmissionDocument, exercise: FilledExercise): Cell {
  const first = exercise.code.split('\n')[0];
  const cells = document.cells.filter((c) => c.kind === 'code' && c.source.startsWith(first));
  expect(cells).toHaveLength(1);
  return cells[0];
}

/** Characters of code that fit in the printed input box; longer lines are clipped by the printer. */
const PRINTED_CODE_WIDTH = 75;

function expectCodeAsPrinted(cell: Cell, exercise: Pick<FilledExercise, 'code'>): void {
  const expected = exercise.code.split('\n');
  const printed = cell.source.split('\n');
  expect(printed).toHaveLength(expected.length);
  printed.forEach((line, i) => {
    if (expected[i].length <= PRINTED_CODE_WIDTH) {
      expect(line).toBe(expected[i]);
    } else {
      expect(expected[i].startsWith(line)).toBe(true);
      expect(line.length).toBeGreaterThanOrEqual(PRINTED_CODE_WIDTH);
    }
  });
}

function streamText(exercise: FilledExercise): string {
  return exercise.outputs.map((o) => (o as { text?: string }).text ?? '').join('');
}

function rejectionOf(promise: Promise<unknown>): Promise<UnreadableSubmissionError> {
  return promise.then(
    () => {
      throw new Error('expected the PDF to be refused');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(UnreadableSubmissionError);
      return error as UnreadableSubmissionError;
    },
  );
}

describe('PDF reader on a printed lesson notebook', () => {
  let pdf: Buffer;
  let document: SubmissionDocument;

  beforeAll(async () => {
    pdf = await printNotebookToPdf(filledLessonNotebook());
    document = await readPdf(pdf, FILE);
  });

  it('reads every page, warns about nothing, and says code may be truncated', () => {
    expect(document.kind).toBe('pdf');
    expect(document.filename).toBe(FILE);
    expect(document.pageCount).toBe(countPages(pdf));
    expect(document.pageCount).toBeGreaterThan(20);
    expect(document.codeMayBeTruncated).toBe(true);
    expect(document.warnings).toEqual([]);
    expect(document.metadata.producer).toMatch(/Skia/);
  });

  it('finds every code cell of the notebook, in order, with its execution count', () => {
    const notebookCode = loadReference().cells.filter((c) => c.cell_type === 'code');
    const code = document.cells.filter((c) => c.kind === 'code');
    expect(code).toHaveLength(notebookCode.length);
    const counts = new Map(FILLED_EXERCISES.map((e) => [e.code.split('\n')[0], e.executionCount]));
    for (const cell of code) expect(cell.executionCount).toBe(counts.get(cell.source.split('\n')[0]) ?? null);
  });

  it('puts each exercise heading at the start of its own markdown cell, in order, before its code', () => {
    const headingAt = (n: number) => document.cells.findIndex((c) => c.kind === 'markdown' && c.source.startsWith(`Exercise ${n}:`));
    const positions = Array.from({ length: 10 }, (_, i) => headingAt(i + 1));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(document.cells[positions[6]].source.split('\n')[0]).toBe('Exercise 7: Generate Random Testing Data');
    for (const exercise of FILLED_EXERCISES) {
      const at = document.cells.indexOf(exerciseCell(document, exercise));
      expect(at).toBeGreaterThan(positions[exercise.number - 1]);
      if (exercise.number < 10) expect(at).toBeLessThan(positions[exercise.number]);
    }
  });

  it('keeps code text and indentation, including blank lines and cells cut by a page break', () => {
    for (const exercise of FILLED_EXERCISES) expectCodeAsPrinted(exerciseCell(document, exercise), exercise);
    // Which cells a page break cuts depends on the browser's fonts and version, so the print is asked
    // rather than assumed: each code cell that runs onto the next page reads as the lesson's own code
    // (the document's code cells are the notebook's, in order: checked above).
    const handedIn = filledLessonNotebook() as { cells: { cell_type: string; source: string | string[] }[] };
    const notebookCode = handedIn.cells.filter((c) => c.cell_type === 'code').map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source));
    const code = document.cells.filter((c) => c.kind === 'code');
    const cut = code.filter((cell) => (document.cells[cell.index + 1]?.page ?? cell.page!) > cell.page!);
    expect(cut.length).toBeGreaterThan(0);
    // A blank line that falls exactly on the break leaves no text on either page and cannot be seen,
    // so these are compared without blank lines; every line of code must be there, in order.
    const withoutBlanks = (text: string) => text.split('\n').filter((line) => line.trim() !== '').join('\n');
    for (const cell of cut) {
      expectCodeAsPrinted({ ...cell, source: withoutBlanks(cell.source) }, { code: withoutBlanks(notebookCode[code.indexOf(cell)]) });
    }
  });

  it('attaches the printed outputs to their cell, in order, as printed (wrapped lines joined back)', () => {
    expect(exerciseCell(document, EXERCISE_1).outputs.map((o) => [o.type, o.stream, o.text])).toEqual([
      ['stream', 'stdout', streamText(EXERCISE_1)],
    ]);
    expect(exerciseCell(document, EXERCISE_2).outputs.map((o) => [o.type, o.stream, o.text])).toEqual([
      ['stream', 'stderr', (EXERCISE_2.outputs[0] as { text: string }).text],
      ['stream', 'stdout', (EXERCISE_2.outputs[1] as { text: string }).text],
    ]);
    const ex7 = exerciseCell(document, EXERCISE_7);
    expect(cellOutputText(ex7)).toBe(streamText(EXERCISE_7));
    expect(cellOutputText(ex7)).toContain(
      '[ 0.49671414 -0.1382643   0.64768857  1.5230298  -0.23415338 -0.23413695\n  1.5792128',
    );
  });

  it('detects the figures as images of the cell above them, and no others', () => {
    const figure = (width: number, height: number) =>
      expect.objectContaining({ type: 'display_data', images: [{ mime: 'image/pdf-xobject', bytes: null, width, height }] });
    expect(exerciseCell(document, EXERCISE_6).outputs).toEqual([figure(480, 240)]);
    const ex9 = exerciseCell(document, EXERCISE_9);
    expect(ex9.outputs).toEqual([figure(600, 250), expect.objectContaining({ type: 'stream', text: 'Agreement: 100.00%\n' })]);
    // The lesson's own pictures (expected-output screenshots under markdown text) are not figures.
    const images = document.cells.flatMap((c) => c.outputs.flatMap((o) => o.images));
    expect(images).toHaveLength(2);
  });

  it('reads the same cells from a print without background graphics (borders only)', async () => {
    const plain = await readPdf(await printNotebookToPdf(filledLessonNotebook(), { backgrounds: false }), FILE);
    expect(plain.warnings).toEqual([]);
    expect(plain.cells.map((c) => [c.kind, c.source, c.executionCount])).toEqual(
      document.cells.map((c) => [c.kind, c.source, c.executionCount]),
    );
    expect(plain.cells.map(cellOutputText)).toEqual(document.cells.map(cellOutputText));
  });

  it('drops the browser header and footer of a print that has them', async () => {
    const withMargins = await readPdf(await printNotebookToPdf(filledLessonNotebook(), { headerFooter: true }), FILE);
    expect(withMargins.metadata.marginLinesDropped).toBeGreaterThan(0);
    expect(withMargins.cells.map((c) => [c.kind, c.source, cellOutputText(c)])).toEqual(
      document.cells.map((c) => [c.kind, c.source, cellOutputText(c)]),
    );
  });

  it('refuses the same print cut short', async () => {
    const error = await rejectionOf(readPdf(pdf.subarray(0, Math.floor(pdf.length * 0.6)), FILE));
    expect(error.file).toBe(FILE);
    expect(error.reason).toBe('damaged PDF: truncated (no %%EOF end marker)');
  });

  (hasQpdf ? it : it.skip)('refuses the same print encrypted with a password (qpdf)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pdf-reader-'));
    try {
      await writeFile(join(dir, 'in.pdf'), pdf);
      await promisify(execFile)('qpdf', ['--encrypt', 'student-pw', 'owner-pw', '256', '--', join(dir, 'in.pdf'), join(dir, 'out.pdf')]);
      const error = await rejectionOf(readPdf(await readFile(join(dir, 'out.pdf')), FILE));
      expect(error.reason).toBe('encrypted PDF (password required)');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a document longer than the page limit', async () => {
    const error = await rejectionOf(readPdf(pdf, FILE, { maxPages: 10 }));
    expect(error.reason).toBe(`too long: ${countPages(pdf)} pages, limit 10`);
  });
});

describe('PDF reader on printed cells of every output kind', () => {
  it('reads results, tracebacks, unexecuted cells and blank lines in code and output', async () => {
    const notebook = smallNotebook([
      { cell_type: 'markdown', metadata: {}, source: '## Section A\n\nSome text.' },
      {
        cell_type: 'code', execution_count: 3, metadata: {}, source: 'values = [1, 2]\n\nsum(values)',
        outputs: [{ output_type: 'execute_result', execution_count: 3, metadata: {}, data: { 'text/plain': '3' } }],
      },
      {
        cell_type: 'code', execution_count: 4, metadata: {}, source: "print('a')\nprint()\nprint('b')\nraise ValueError('bad seed')",
        outputs: [
          stdout('a\n\nb\n'),
          {
            output_type: 'error', ename: 'ValueError', evalue: 'bad seed',
            traceback: [
              '\u001b[0;31m---------------------------------------------------------------------------\u001b[0m',
              '\u001b[0;31mValueError\u001b[0m                                Traceback (most recent call last)',
              "\u001b[0;32m<ipython-input-4>\u001b[0m in \u001b[0;36m<cell line: 0>\u001b[0;34m()\u001b[0m\n\u001b[0;32m----> 4\u001b[0;31m \u001b[0;32mraise\u001b[0m ValueError('bad seed')",
              '\u001b[0;31mValueError\u001b[0m: bad seed',
            ],
          },
        ],
      },
      { cell_type: 'code', execution_count: null, metadata: {}, source: '# not run yet', outputs: [] },
    ]);
    const document = await readPdf(await printNotebookToPdf(notebook), 'cells.pdf');
    expect(document.warnings).toEqual([]);
    expect(document.pageCount).toBe(1);
    expect(document.cells.map((c) => [c.kind, c.source, c.executionCount])).toEqual([
      ['markdown', 'Section A\nSome text.', null],
      ['code', 'values = [1, 2]\n\nsum(values)', 3],
      ['code', "print('a')\nprint()\nprint('b')\nraise ValueError('bad seed')", 4],
      ['code', '# not run yet', null],
    ]);
    expect(document.cells[1].outputs).toEqual([expect.objectContaining({ type: 'execute_result', text: '3\n' })]);
    const [printed, error] = document.cells[2].outputs;
    expect(printed).toEqual(expect.objectContaining({ type: 'stream', stream: 'stdout', text: 'a\n\nb\n' }));
    expect(error).toEqual(expect.objectContaining({ type: 'error', errorName: 'ValueError', errorValue: 'bad seed' }));
    expect(error.text).toContain('Traceback (most recent call last)');
    expect(document.cells[3].outputs).toEqual([]);
  });
});

describe('PDF reader on files that are not readable PDFs', () => {
  const reasonFor = async (bytes: Uint8Array, options?: { maxPages?: number; timeoutMs?: number }) =>
    (await rejectionOf(readPdf(bytes, 'bad.pdf', options))).reason;

  it('names the reason for each kind of bad file', async () => {
    expect(await reasonFor(new Uint8Array())).toBe('empty file');
    expect(await reasonFor(Buffer.from('PK\u0003\u0004 this is a zip file, not a PDF'))).toBe('not a PDF: missing %PDF header');
    expect(await reasonFor(tinyPdf({ encrypted: true }))).toBe('encrypted PDF (password required)');
    expect(await reasonFor(tinyPdf({ pages: [], count: 0 }))).toBe('PDF has no pages');
    expect(await reasonFor(tinyPdf({ pages: ['', '', '', ''] }), { maxPages: 3 })).toBe('too long: 4 pages, limit 3');
    expect(await reasonFor(Buffer.from('%PDF-1.7\nnothing but a header\n%%EOF\n'))).toMatch(/^damaged PDF: /);
  });

  it('rejects a PDF without text (a scan, a photograph, a rasterised print) with its own reason', async () => {
    // A page that is one picture (an inline 2×2 grey image scaled over the whole page).
    const picture = 'q 612 0 0 792 0 0 cm BI /W 2 /H 2 /CS /G /BPC 8 ID \x10\x80\xf0\x40 EI Q';
    const scannerFooter = 'BT /F1 8 Tf 200 20 Td (Scanned with CamScanner) Tj ET';
    expect(await reasonFor(tinyPdf({ pages: [picture, picture] }))).toBe(NO_TEXT_REASON);
    expect(await reasonFor(tinyPdf({ pages: [`${picture} ${scannerFooter}`, `${picture} ${scannerFooter}`] }))).toBe(NO_TEXT_REASON);
    expect(await reasonFor(tinyPdf({ pages: ['', ''] }))).toBe(NO_TEXT_REASON);
    expect(NO_TEXT_REASON).toMatch(/File → Print/);
    // A print with a figure on one page of two is a print.
    const text = 'BT /F1 12 Tf 72 720 Td (Exercise 1: Load the model) Tj ET';
    await expect(readPdf(tinyPdf({ pages: [text, picture] }), 'print.pdf')).resolves.toMatchObject({ kind: 'pdf' });
  });

  it('gives up on a PDF bomb at the time limit, then reads the next file normally', async () => {
    const started = Date.now();
    expect(await reasonFor(formBombPdf(), { timeoutMs: 1500 })).toBe('PDF too complex: not read within 1.5 s');
    expect(Date.now() - started).toBeLessThan(4000);
    const next = await readPdf(tinyPdf(), 'next.pdf');
    expect(next.cells.map((c) => c.source)).toEqual(['Hello']);
  });

  it('reads several files at once (one at a time in the extraction thread)', async () => {
    const documents = await Promise.all([1, 2, 3].map((n) => readPdf(tinyPdf({ pages: [`BT /F1 12 Tf 72 720 Td (File ${n}) Tj ET`] }), `${n}.pdf`)));
    expect(documents.map((d) => d.cells[0].source)).toEqual(['File 1', 'File 2', 'File 3']);
  });

  it('prints nothing, even for a damaged file that pdf.js complains about', async () => {
    const writes: string[] = [];
    const original = { out: process.stdout.write, err: process.stderr.write };
    const capture = (chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    };
    process.stdout.write = capture as typeof process.stdout.write;
    process.stderr.write = capture as typeof process.stderr.write;
    try {
      // Wrong cross-reference offsets and an unknown operator: pdf.js rebuilds the table and warns.
      const broken = Buffer.from(tinyPdf({ pages: ['BT /F1 12 Tf 72 720 Td (Hi) Tj ET bogus_operator'] }).toString('latin1').replace(/0000000\d\d\d 00000 n/g, '0000000001 00000 n'), 'latin1');
      await readPdf(broken, 'broken.pdf').catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      process.stdout.write = original.out;
      process.stderr.write = original.err;
    }
    expect(writes).toEqual([]);
  });
});
