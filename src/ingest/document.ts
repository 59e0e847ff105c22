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
