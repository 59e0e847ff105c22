import { open, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { type SubmissionDocument, type SubmissionKind, UnreadableSubmissionError } from './document.js';
import { readNotebook } from './notebook.reader.js';
import { readPdf } from './pdf.reader.js';

export interface ReadLimits {
  /** Largest file accepted, in bytes: a hand-in is a few MB, a 2 GB file is a mistake. */
  maxBytes: number;
  pdfTimeoutMs: number;
  maxPdfPages: number;
}

export interface LoadedSubmission {
  path: string;
  filename: string;
  kind: SubmissionKind;
  bytes: Buffer;
}

const EXTENSIONS: Record<string, SubmissionKind> = { '.ipynb': 'ipynb', '.pdf': 'pdf' };

/** What the first bytes say the file is, whatever its name claims. */
export function sniffKind(bytes: Uint8Array): SubmissionKind | 'unknown' {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  if (head.startsWith('%PDF-')) return 'pdf';
  const trimmed = head.replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart();
  if (trimmed.startsWith('{')) return 'ipynb';
  return 'unknown';
}

/**
 * Load a hand-in from disk, refusing what cannot be one before reading it whole:
 * wrong extension, oversize, or content that is neither a notebook nor a PDF.
 */
export async function loadSubmissionFile(path: string, limits: ReadLimits): Promise<LoadedSubmission> {
  const filename = basename(path);
  const extension = extname(filename).toLowerCase();
  const claimed = EXTENSIONS[extension];
  if (!claimed) {
    throw new UnreadableSubmissionError(
      filename,
      `unsupported file type '${extension || '(none)'}' (expected .ipynb or .pdf)`,
    );
  }
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new UnreadableSubmissionError(filename, `cannot read file (${error.code ?? error.message})`);
  });
  if (!info.isFile()) throw new UnreadableSubmissionError(filename, 'not a regular file');
  if (info.size > limits.maxBytes) {
    throw new UnreadableSubmissionError(
      filename,
      `file too large: ${formatBytes(info.size)} (limit ${formatBytes(limits.maxBytes)})`,
    );
  }
  if (info.size === 0) throw new UnreadableSubmissionError(filename, 'empty file');
  const bytes = await readWhole(path, info.size);
  const sniffed = sniffKind(bytes);
  if (sniffed === 'unknown') {
    throw new UnreadableSubmissionError(filename, `content is neither a notebook nor a PDF (despite the ${extension} extension)`);
  }
  if (sniffed !== claimed) {
    throw new UnreadableSubmissionError(filename, `content is a ${sniffed === 'pdf' ? 'PDF' : 'notebook'} but the name says ${extension}`);
  }
  return { path, filename, kind: claimed, bytes };
}

export async function parseSubmission(loaded: LoadedSubmission, limits: ReadLimits): Promise<SubmissionDocument> {
  return loaded.kind === 'ipynb'
    ? readNotebook(loaded.bytes, loaded.filename)
    : readPdf(loaded.bytes, loaded.filename, { timeoutMs: limits.pdfTimeoutMs, maxPages: limits.maxPdfPages });
}

async function readWhole(path: string, size: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(size);
    let offset = 0;
    while (offset < size) {
      const { bytesRead } = await handle.read(buffer, offset, size - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    return buffer.subarray(0, offset);
  } finally {
    await handle.close();
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}
