/**
 * The normalized form of a hand-in, whatever it came as (.ipynb or a PDF print of it).
 * Readers produce it; evidence extraction and checks only ever read it.
 */

export type SubmissionKind = 'ipynb' | 'pdf';

export type CellKind = 'markdown' | 'code' | 'raw';

export type OutputType = 'stream' | 'execute_result' | 'display_data' | 'error';

export interface CellImage {
  /** MIME type as the notebook names it (image/png, image/jpeg, image/svg+xml), or 'image/pdf-xobject' for PDFs. */
  mime: string;
  /** Size in bytes of the encoded image when known (notebooks), else null. */
  bytes: number | null;
  /** Pixel or point size when known. */
  width: number | null;
  height: number | null;
}

export interface CellOutput {
  type: OutputType;
  /** stdout / stderr for streams; null otherwise. */
  stream: 'stdout' | 'stderr' | null;
  /** Plain text of the output with ANSI escapes removed (for errors: the traceback). */
  text: string;
  images: CellImage[];
  /** For `error` outputs: exception class and message. */
  errorName: string | null;
  errorValue: string | null;
}

export interface Cell {
  /** Position in the hand-in (0-based), stable for evidence. */
  index: number;
  kind: CellKind;
  /** Source text with '\n' line ends. For PDFs, code lines cut by the printer are simply absent. */
  source: string;
  /** Execution count as printed (`In [7]`); null when never run or unknown. */
  executionCount: number | null;
  outputs: CellOutput[];
  /** Notebook cell id when present. */
  id: string | null;
  /** PDF page (1-based) on which the cell starts; null for notebooks. */
  page: number | null;
}

export interface SubmissionDocument {
  kind: SubmissionKind;
  filename: string;
  cells: Cell[];
  /** Number of PDF pages; null for notebooks. */
  pageCount: number | null;
  /**
   * True when code text may be incomplete (PDF prints cut long lines):
   * checks needing code must then fall back to printed outputs and say so.
   */
  codeMayBeTruncated: boolean;
  /** Notebook-level metadata worth keeping as evidence (accelerator, colab gpuType, nbformat...). */
  metadata: Record<string, unknown>;
  /** Non-fatal oddities found while reading (shown to staff). */
  warnings: string[];
  /** How the file was read and how sure the reader is of it (see ReadingReport). */
  reading: ReadingReport;
}

/**
 * Which layout the reader recognised: a notebook file, a browser print of nbconvert's HTML (with
 * `In [n]:` prompts), or one of Colab's own File → Print layouts (no prompts): `colab-indented`
 * (2020–2024: outputs indented right of the code), `colab-boxed` (2025+: each cell in a rounded box,
 * code and output at the same x), `colab-plain` (a Colab print whose cells show no structure to
 * read, told apart by fonts and spacing only).
 */
export type ReadingLayout = 'notebook' | 'nbconvert' | 'colab-indented' | 'colab-boxed' | 'colab-plain' | 'unknown';

/**
 * The reader's own view of how well it read the file, before any lesson is known. `confidence` is
 * in [0, 1]: 1 for a notebook file; for a PDF, the share of its text whose kind (markdown, code,
 * output) the page's drawing confirmed, lowered for every warning that says something was lost.
 * Grading combines it with what the lesson expects to find (lesson-aware confidence) and flags
 * `read_uncertain` for staff when either is low; a low confidence never lowers a score by itself.
 */
export interface ReadingReport {
  layout: ReadingLayout;
  confidence: number;
}

/** Thrown by readers for input that cannot be read at all. Carries the file and the reason. */
export class UnreadableSubmissionError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'UnreadableSubmissionError';
  }
}

/** All text a cell printed, outputs joined in order. */
export function cellOutputText(cell: Cell): string {
  return cell.outputs.map((o) => o.text).join('');
}

export function emptyOutput(type: OutputType, text = ''): CellOutput {
  return { type, stream: null, text, images: [], errorName: null, errorValue: null };
}
