import {
  type Cell,
  type CellImage,
  type CellKind,
  type CellOutput,
  type SubmissionDocument,
  UnreadableSubmissionError,
} from './document.js';
import { stripAnsi } from './ansi.js';
import {
  joinMultiline,
  type NotebookCellJson,
  notebookOutputSchema,
  notebookSchema,
  type NotebookOutputJson,
} from './notebook.schema.js';

/** Read an .ipynb hand-in into the normalized Document. Throws UnreadableSubmissionError with a reason. */
export function readNotebook(bytes: Uint8Array, filename: string): SubmissionDocument {
  const json = parseJson(bytes, filename);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new UnreadableSubmissionError(filename, 'not a notebook: the JSON top level is not an object');
  }
  const record = json as Record<string, unknown>;
  if (!('cells' in record) || !('nbformat' in record)) {
    throw new UnreadableSubmissionError(filename, 'not a notebook: no "cells" or "nbformat" field');
  }
  if (typeof record.nbformat === 'number' && record.nbformat < 4) {
    throw new UnreadableSubmissionError(
      filename,
      `notebook format ${record.nbformat} is too old (nbformat 4 expected; re-save it from Colab or Jupyter)`,
    );
  }
  const parsed = notebookSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.join('.') || '(top level)';
    throw new UnreadableSubmissionError(filename, `not a valid nbformat 4 notebook: ${where}: ${issue.message}`);
  }
  const warnings: string[] = [];
  const cells = parsed.data.cells.map((cell, index) => toCell(cell, index, warnings));
  const metadata = parsed.data.metadata;
  return {
    kind: 'ipynb',
    filename,
    cells,
    pageCount: null,
    codeMayBeTruncated: false,
    metadata: {
      nbformat: `${parsed.data.nbformat}.${parsed.data.nbformat_minor ?? 0}`,
      accelerator: metadata.accelerator ?? null,
      colabGpuType: (metadata.colab as Record<string, unknown> | undefined)?.gpuType ?? null,
      kernel: (metadata.kernelspec as Record<string, unknown> | undefined)?.name ?? null,
    },
    warnings,
    reading: { layout: 'notebook', confidence: 1 },
  };
}

function parseJson(bytes: Uint8Array, filename: string): unknown {
  let text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new UnreadableSubmissionError(filename, 'empty file');
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const truncated = /end of (JSON )?input|Unterminated/i.test(message);
    throw new UnreadableSubmissionError(
      filename,
      truncated ? `truncated notebook: the JSON ends early (${message})` : `not valid JSON (${message})`,
    );
  }
}

function toCell(cell: NotebookCellJson, index: number, warnings: string[]): Cell {
  const kind: CellKind =
    cell.cell_type === 'code' || cell.cell_type === 'markdown' ? cell.cell_type : 'raw';
  const outputs: CellOutput[] = [];
  for (const [outputIndex, raw] of (cell.outputs ?? []).entries()) {
    const parsed = notebookOutputSchema.safeParse(raw);
    if (!parsed.success) {
      warnings.push(`cell ${index}: output ${outputIndex} has an unknown shape and was ignored`);
      continue;
    }
    outputs.push(toOutput(parsed.data));
  }
  return {
    index,
    kind,
    source: joinMultiline(cell.source).replace(/\r\n?/g, '\n'),
    executionCount: kind === 'code' ? (cell.execution_count ?? null) : null,
    outputs: kind === 'code' ? outputs : [],
    // nbformat 4.5 has top-level ids; Colab (4.0) keeps them in metadata.id.
    id: cell.id ?? (typeof cell.metadata?.id === 'string' ? cell.metadata.id : null),
    page: null,
  };
}

function toOutput(output: NotebookOutputJson): CellOutput {
  switch (output.output_type) {
    case 'stream':
      return {
        type: 'stream',
        stream: output.name === 'stderr' ? 'stderr' : 'stdout',
        text: stripAnsi(joinMultiline(output.text)),
        images: [],
        errorName: null,
        errorValue: null,
      };
    case 'error': {
      const traceback = (output.traceback ?? []).map(stripAnsi).join('\n');
      const headline = `${output.ename ?? 'Error'}: ${output.evalue ?? ''}`;
      return {
        type: 'error',
        stream: null,
        text: traceback.includes(headline) ? traceback : `${traceback}\n${headline}`.trim(),
        images: [],
        errorName: output.ename ?? null,
        errorValue: output.evalue ?? null,
      };
    }
    default: {
      const data = output.data ?? {};
      const text = typeof data['text/plain'] === 'string' || Array.isArray(data['text/plain'])
        ? stripAnsi(joinMultiline(data['text/plain'] as string | string[]))
        : '';
      return {
        type: output.output_type === 'execute_result' ? 'execute_result' : 'display_data',
        stream: null,
        // Rich results print their text/plain form; a trailing newline keeps joined output line-based.
        text: text && !text.endsWith('\n') ? `${text}\n` : text,
        images: imagesOf(data),
        errorName: null,
        errorValue: null,
      };
    }
  }
}

const IMAGE_MIMES = ['image/png', 'image/jpeg', 'image/gif', 'image/svg+xml'];

function imagesOf(data: Record<string, unknown>): CellImage[] {
  const images: CellImage[] = [];
  for (const mime of IMAGE_MIMES) {
    const value = data[mime];
    if (value === undefined) continue;
    const encoded = joinMultiline(value as string | string[]);
    const bytes = mime === 'image/svg+xml' ? encoded.length : base64Length(encoded);
    const size = mime === 'image/png' ? pngSize(encoded) : null;
    images.push({ mime, bytes, width: size?.width ?? null, height: size?.height ?? null });
  }
  return images;
}

function base64Length(encoded: string): number {
  const compact = encoded.replace(/\s/g, '');
  const padding = compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0;
  return Math.floor((compact.length * 3) / 4) - padding;
}

/** Width and height from a base64 PNG's IHDR chunk, without decoding the whole image. */
function pngSize(base64: string): { width: number; height: number } | null {
  const head = Buffer.from(base64.replace(/\s/g, '').slice(0, 44), 'base64');
  if (head.length < 24 || head.readUInt32BE(0) !== 0x89504e47) return null;
  return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
}
