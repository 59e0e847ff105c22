import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { readPdf } from '../src/ingest/pdf.reader.js';
import { closePdfExtraction } from '../src/ingest/pdf/extract.js';

/**
 * Time to read PDF hand-ins, per page, against poppler's `pdftotext` on the same files (text only,
 * no layout: the floor for "get the text out of this PDF"). Both are measured the way they run in
 * grading: pdftotext as a process per file, the reader through readPdf with its extraction thread
 * already running (cold: the first file, thread and pdf.js starting, reported apart).
 */
export interface PdfReaderBench {
  file: string;
  pages: number;
  /** First read with a fresh extraction thread (thread start, pdf.js load, unoptimised code). */
  coldMs: number;
  /** Median of the warm reads. */
  readerMs: number;
  /** Median wall time of `pdftotext file -`; null when poppler-utils is not installed. */
  pdftotextMs: number | null;
  readerMsPerPage: number;
  pdftotextMsPerPage: number | null;
  /** readerMs / pdftotextMs (target: under 15). */
  ratio: number | null;
}

/**
 * Bench the given PDFs; without any, a complete hand-in of the lesson (every cell run, 40+ pages)
 * printed with nbconvert and Chromium (needs both installed; the print is cached).
 */
export async function benchPdfReader(pdfs?: string[], options: { runs?: number } = {}): Promise<PdfReaderBench[]> {
  if (pdfs === undefined || pdfs.length === 0) return withLessonPrint((path) => benchPdfReader([path], options));
  const runs = options.runs ?? 7;
  const results: PdfReaderBench[] = [];
  for (const path of pdfs) {
    const bytes = await readFile(path);
    const name = basename(path);
    await closePdfExtraction();
    const cold = await timed(() => readPdf(bytes, name));
    const pages = cold.value.pageCount ?? 0;
    const reader: number[] = [];
    const pdftotext: number[] = [];
    for (let run = 0; run < runs; run++) {
      // Interleaved, so a busy machine slows both alike.
      reader.push((await timed(() => readPdf(bytes, name))).ms);
      const poppler = await timed(() => runPdftotext(path));
      if (poppler.value) pdftotext.push(poppler.ms);
    }
    const readerMs = median(reader);
    const pdftotextMs = pdftotext.length > 0 ? median(pdftotext) : null;
    results.push({
      file: name,
      pages,
      coldMs: round(cold.ms),
      readerMs: round(readerMs),
      pdftotextMs: pdftotextMs === null ? null : round(pdftotextMs),
      readerMsPerPage: round(readerMs / pages),
      pdftotextMsPerPage: pdftotextMs === null ? null : round(pdftotextMs / pages),
      ratio: pdftotextMs === null ? null : round(readerMs / pdftotextMs),
    });
  }
  return results;
}

async function withLessonPrint<T>(work: (path: string) => Promise<T>): Promise<T> {
  const { printNotebookToPdf } = await import('../test/support/print-pdf.js');
  const { completeLessonNotebook } = await import('../test/support/lesson-notebook.js');
  const dir = await mkdtemp(join(tmpdir(), 'pdf-bench-'));
  try {
    const path = join(dir, 'Class_06_2.complete.pdf');
    await writeFile(path, await printNotebookToPdf(completeLessonNotebook()));
    return await work(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

/** True when pdftotext ran, false when it is not installed. */
async function runPdftotext(path: string): Promise<boolean> {
  try {
    await promisify(execFile)('pdftotext', ['-q', path, '-'], { maxBuffer: 64 * 1024 * 1024 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
