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

/** How many leading bytes decide what a file is. */
const SNIFF_BYTES = 1024;

/**
 * What the content says a file is, 2 (sure) to 0 (no sign): a PDF starts with `%PDF-` (2), or has it
 * a few bytes in (1: readers accept junk before the header); a notebook is a JSON object (1) whose
 * first KB shows a notebook key, `"cells"` or `"nbformat"` (2).
 */
function contentEvidence(bytes: Uint8Array): Record<SubmissionKind, number> {
  const head = Buffer.from(bytes.subarray(0, SNIFF_BYTES)).toString('latin1');
  const pdf = head.startsWith('%PDF-') ? 2 : head.includes('%PDF-') ? 1 : 0;
  const trimmed = head.replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart();
  const ipynb = !trimmed.startsWith('{') ? 0 : /"(?:cells|nbformat)"\s*:/.test(trimmed) ? 2 : 1;
  return { pdf, ipynb };
}

/**
 * What a hand-in is, by its content whatever its name (`Class_06_2.ipynb.json` from a browser, a
 * `.txt`, no extension at all); the name only breaks a tie the first KB leaves open (JSON that
 * mentions `%PDF-` before any notebook key).
 */
export function detectKind(bytes: Uint8Array, filename = ''): SubmissionKind | 'unknown' {
  const { pdf, ipynb } = contentEvidence(bytes);
  if (pdf === 0 && ipynb === 0) return 'unknown';
  if (pdf !== ipynb) return pdf > ipynb ? 'pdf' : 'ipynb';
  return EXTENSIONS[extname(filename).toLowerCase()] === 'pdf' ? 'pdf' : 'ipynb';
}

/** What the first bytes say the file is, whatever its name claims (the upload path's sniffing). */
export function sniffKind(bytes: Uint8Array, filename = ''): SubmissionKind | 'unknown' {
  return detectKind(bytes, filename);
}

/**
 * Load a hand-in from disk, refusing what cannot be one: oversize, empty, or content that is
 * neither a notebook nor a PDF. The content decides the kind; the name is kept as given.
 */
export async function loadSubmissionFile(path: string, limits: ReadLimits): Promise<LoadedSubmission> {
  const filename = basename(path);
  const extension = extname(filename).toLowerCase();
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
  const head = await readWhole(path, Math.min(info.size, SNIFF_BYTES));
  const kind = detectKind(head, filename);
  if (kind === 'unknown') {
    throw new UnreadableSubmissionError(
      filename,
      EXTENSIONS[extension]
        ? `content is neither a notebook nor a PDF (despite the ${extension} extension)`
        : `unsupported file type '${extension || '(none)'}' (expected .ipynb or .pdf)`,
    );
  }
  const bytes = await readWhole(path, info.size);
  return { path, filename, kind, bytes };
}

export async function parseSubmission(loaded: LoadedSubmission, limits: ReadLimits): Promise<SubmissionDocument> {
  return loaded.kind === 'ipynb'
    ? readNotebook(loaded.bytes, loaded.filename)
    : readPdf(loaded.bytes, loaded.filename, { timeoutMs: limits.pdfTimeoutMs, maxPages: limits.maxPdfPages });
}

/** The first `size` bytes of the file (all of it when `size` is its length). */
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
