/**
 * `grade read FILE [--json]`: what the reader saw in a hand-in, cell by cell, for a TA asking why it
 * scored as it did. Reads only (no lesson, no grading, no database).
 */
import { type SubmissionDocument, UnreadableSubmissionError } from '../ingest/document.js';
import { loadSubmissionFile, parseSubmission, type ReadLimits } from '../ingest/submission.reader.js';

/** The JSON `read --json` prints. Stable: fields are added, never renamed. */
export interface ReadReport {
  file: string;
  kind: 'ipynb' | 'pdf';
  /** PDF pages; null for a notebook. */
  pageCount: number | null;
  /** The layout the reader recognised (ReadingLayout). */
  layout: string;
  /** The reader's own confidence in [0, 1] (before any lesson is known). */
  confidence: number;
  warnings: string[];
  cells: {
    index: number;
    kind: string;
    /** PDF page on which the cell starts; null for a notebook. */
    page: number | null;
    source: string;
    outputs: { type: string; text: string }[];
  }[];
}

/** Throws UnreadableSubmissionError (file and reason) for anything that cannot be read, reader failures included. */
export async function readCommand(path: string, limits: ReadLimits): Promise<ReadReport> {
  const loaded = await loadSubmissionFile(path, limits);
  let document: SubmissionDocument;
  try {
    document = await parseSubmission(loaded, limits);
  } catch (error) {
    if (error instanceof UnreadableSubmissionError) throw error;
    throw new UnreadableSubmissionError(loaded.filename, `grader error while reading: ${(error as Error).message}`);
  }
  return toReadReport(document);
}

export function toReadReport(document: SubmissionDocument): ReadReport {
  return {
    file: document.filename,
    kind: document.kind,
    pageCount: document.pageCount,
    layout: document.reading.layout,
    confidence: document.reading.confidence,
    warnings: document.warnings,
    cells: document.cells.map((cell) => ({
      index: cell.index,
      kind: cell.kind,
      page: cell.page,
      source: cell.source,
      outputs: cell.outputs.map((output) => ({ type: output.type, text: output.text })),
    })),
  };
}

const SOURCE_INDENT = '    ';
const OUTPUT_INDENT = '      ';

/** The listing for a person: a header, the warnings, then every cell with its source and outputs. */
export function formatReading(report: ReadReport): string {
  const what = report.kind === 'pdf' ? `PDF, ${report.pageCount ?? '?'} page${report.pageCount === 1 ? '' : 's'}` : 'notebook';
  const lines = [
    `${report.file}: ${what}, layout ${report.layout}, reader confidence ${report.confidence.toFixed(2)}, ${report.cells.length} cell${report.cells.length === 1 ? '' : 's'}`,
  ];
  if (report.warnings.length === 0) lines.push('warnings: none');
  else lines.push(`warnings (${report.warnings.length}):`, ...report.warnings.map((w) => `  - ${w}`));
  for (const cell of report.cells) {
    lines.push('', `[${cell.index}] ${cell.kind}${cell.page !== null ? ` · page ${cell.page}` : ''}`);
    lines.push(cell.source.trim() ? indent(cell.source, SOURCE_INDENT) : `${SOURCE_INDENT}(no source read)`);
    cell.outputs.forEach((output, i) => {
      lines.push(`  >> output ${i + 1} (${output.type})`);
      if (output.text.trim()) lines.push(indent(output.text.replace(/\n$/, ''), OUTPUT_INDENT));
      else lines.push(`${OUTPUT_INDENT}(no text)`);
    });
  }
  return lines.join('\n');
}

/** Control characters a PDF's unmapped glyphs can leave (NUL…) would garble a terminal: shown as �. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

const indent = (text: string, prefix: string) =>
  text
    .replace(CONTROL, '\uFFFD')
    .split('\n')
    .map((line) => (line ? `${prefix}${line}` : ''))
    .join('\n');
