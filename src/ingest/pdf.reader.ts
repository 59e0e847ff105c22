import { type SubmissionDocument, UnreadableSubmissionError } from './document.js';
import { assembleCells } from './pdf/cells.js';
import { type ExtractedPdf, extractPdfLayout, PdfExtractionError } from './pdf/extract.js';
import { layoutPage, measureDocument, splitPageLines } from './pdf/layout.js';
import { repeatedMarginLines } from './pdf/margins.js';
import type { RawPage } from './pdf/raw-page.js';
import { readColabPrint } from './pdf/colab/reader.js';

export interface PdfReadOptions {
  /** Longer documents are refused (a hand-in prints to about 40 pages). */
  maxPages?: number;
  /** Hard limit on reading the file, in ms; the pdf.js thread is terminated when it is up. */
  timeoutMs?: number;
}

export const PDF_DEFAULTS = { maxPages: 300, timeoutMs: 30_000 } as const;

/**
 * Read a PDF print of a notebook into the normalized Document. Throws UnreadableSubmissionError
 * (file name + short reason) for anything that is not a readable PDF.
 */
export async function readPdf(bytes: Uint8Array, filename: string, opts: PdfReadOptions = {}): Promise<SubmissionDocument> {
  checkEnvelope(bytes, filename);
  let extracted: ExtractedPdf;
  try {
    extracted = await extractPdfLayout(bytes, {
      maxPages: opts.maxPages ?? PDF_DEFAULTS.maxPages,
      timeoutMs: opts.timeoutMs ?? PDF_DEFAULTS.timeoutMs,
    });
  } catch (error) {
    if (error instanceof PdfExtractionError) throw new UnreadableSubmissionError(filename, reasonFor(error));
    throw error;
  }
  if (extracted.pages.length === 0) {
    const first = extracted.pageErrors[0];
    throw new UnreadableSubmissionError(filename, `damaged PDF: no page could be read${first ? ` (${first.message})` : ''}`);
  }
  if (hasNoTextLayer(extracted)) throw new UnreadableSubmissionError(filename, NO_TEXT_REASON);
  return pdfDocument(extracted, filename);
}

/** The Document for pages already extracted: pure, so the layout rules are testable without pdf.js. */
export function pdfDocument(extracted: ExtractedPdf, filename: string): SubmissionDocument {
  const margins = repeatedMarginLines(extracted.pages);
  const pageLines = extracted.pages.map((page) => splitPageLines(page, margins));
  // nbconvert prints carry `In [n]:` prompts; Colab's own File → Print carries none.
  if (!pageLines.some((page) => page.prompts.some((prompt) => prompt.kind === 'In'))) return colabDocument(extracted, filename);
  const metrics = measureDocument(pageLines);
  const { cells, warnings } = assembleCells(
    pageLines.map((page) => layoutPage(page, metrics)),
    metrics,
  );
  const allWarnings = [
    ...pageErrorWarnings(extracted),
    ...(metrics.inputStyles.size === 0 && cells.some((c) => c.kind === 'code')
      ? ['no input cell boxes in this print: code and output were told apart by line spacing only']
      : []),
    ...(cells.every((c) => c.kind !== 'code') ? ['no In [ ] prompts found: not a notebook print in the expected layout; all text was read as markdown'] : []),
    ...warnings,
  ];
  return {
    kind: 'pdf',
    filename,
    cells,
    pageCount: extracted.numPages,
    // The printer clips long code lines at the cell's edge; what is cut is not in the PDF at all.
    codeMayBeTruncated: true,
    metadata: { ...extracted.info, marginLinesDropped: margins.size },
    warnings: allWarnings,
    reading: {
      layout: cells.some((c) => c.kind === 'code') ? 'nbconvert' : 'unknown',
      // Each warning says something was lost or guessed; a print with no code read is not trusted.
      confidence: cells.some((c) => c.kind === 'code') ? Math.max(0, 1 - 0.1 * allWarnings.length) : 0,
    },
  };
}

/** One warning for each page pdf.js could not read. */
function pageErrorWarnings(extracted: ExtractedPdf): string[] {
  return extracted.pageErrors.map((e) => `page ${e.page} could not be read (${e.message}); its content is missing`);
}

/** A print without prompts, read as Colab's own File → Print layout. */
function colabDocument(extracted: ExtractedPdf, filename: string): SubmissionDocument {
  const read = readColabPrint(extracted);
  const warnings = [
    ...pageErrorWarnings(extracted),
    ...(read.cells.every((c) => c.kind !== 'code') ? ['no code cells found: all text was read as markdown'] : []),
    ...(read.layout === 'colab-plain' && read.cells.some((c) => c.kind === 'code')
      ? ['no cell boxes in this print: code and output were told apart by position and spacing only']
      : []),
    ...read.warnings,
  ];
  const lostPages = extracted.pageErrors.length / Math.max(1, extracted.numPages);
  return {
    kind: 'pdf',
    filename,
    cells: read.cells,
    pageCount: extracted.numPages,
    codeMayBeTruncated: true,
    metadata: { ...extracted.info, chromeLinesDropped: read.chromeLines },
    warnings,
    reading: { layout: read.layout, confidence: Math.round(read.confidence * (1 - lostPages) * 1000) / 1000 },
  };
}

export const NO_TEXT_REASON =
  'this PDF has no text: print the notebook again with File → Print and save it as PDF; do not scan or photograph it';

/**
 * A scan, a photograph or a print rasterised by its driver holds pictures of text, not text: no
 * page has any, or more than half of its pages are one big picture with at most a scanner app's footer on it.
 */
export function hasNoTextLayer({ pages }: ExtractedPdf): boolean {
  const chars = (page: RawPage) => page.text.reduce((sum, item) => sum + item.str.replace(/\s/g, '').length, 0);
  if (pages.every((page) => chars(page) === 0)) return true;
  const scanned = pages.filter((page) => {
    const area = page.width * page.height;
    return chars(page) < 30 && page.images.some((image) => (image.x1 - image.x0) * (image.y1 - image.y0) >= area * 0.5);
  });
  return scanned.length > pages.length / 2;
}

/** Cheap checks before pdf.js sees the bytes: they give the clearest reasons. */
function checkEnvelope(bytes: Uint8Array, filename: string): void {
  if (bytes.length === 0) throw new UnreadableSubmissionError(filename, 'empty file');
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  if (!head.includes('%PDF-')) throw new UnreadableSubmissionError(filename, 'not a PDF: missing %PDF header');
  // Every PDF writer ends the file with %%EOF; without it the upload or download was cut short.
  const tail = Buffer.from(bytes.subarray(Math.max(0, bytes.length - 1024))).toString('latin1');
  if (!tail.includes('%%EOF')) {
    throw new UnreadableSubmissionError(filename, 'damaged PDF: truncated (no %%EOF end marker)');
  }
}

function reasonFor(error: PdfExtractionError): string {
  switch (error.kind) {
    case 'password':
      return 'encrypted PDF (password required)';
    case 'no-pages':
      return 'PDF has no pages';
    case 'too-many-pages':
      return `too long: ${error.message}`;
    case 'timeout':
    case 'out-of-memory':
      return `PDF too complex: ${error.message}`;
    case 'invalid':
      return `damaged PDF: ${error.message}`;
  }
}
