/**
 * The notebook as handed in, for the submission page: cells in order with their printed outputs,
 * errors and figures. The grading Document drops image bytes, so this reads the stored .ipynb JSON
 * again (validated loosely: a cell or output we cannot make sense of is shown as a note, not fatal).
 */
import { z } from 'zod';
import { stripAnsi } from '../ingest/ansi.js';

const text = z.union([z.string(), z.array(z.string())]).transform((t) => (Array.isArray(t) ? t.join('') : t));

const outputSchema = z
  .object({
    output_type: z.string(),
    name: z.string().optional(),
    text: text.optional(),
    data: z.record(z.string(), z.unknown()).optional(),
    ename: z.string().optional(),
    evalue: z.string().optional(),
    traceback: z.array(z.string()).optional(),
  })
  .loose();

const cellSchema = z
  .object({
    cell_type: z.string(),
    source: text.default(''),
    execution_count: z.number().nullable().optional(),
    outputs: z.array(z.unknown()).optional(),
  })
  .loose();

const notebookSchema = z.object({ cells: z.array(z.unknown()) }).loose();

export type ViewOutput =
  | { kind: 'text'; stream: 'stdout' | 'stderr' | null; text: string }
  | { kind: 'error'; name: string; value: string; traceback: string }
  | { kind: 'image'; mime: 'image/png' | 'image/jpeg'; base64: string }
  | { kind: 'note'; text: string };

export interface ViewCell {
  index: number;
  kind: string;
  /** PDF page (1-based) where the cell starts; null for a notebook. */
  page: number | null;
  source: string;
  executionCount: number | null;
  outputs: ViewOutput[];
}

/** Base64 of a PNG or JPEG as notebooks store it (line breaks allowed); anything else is refused. */
const BASE64 = /^[A-Za-z0-9+/=\s]+$/;

export function readNotebookView(bytes: Uint8Array, filename: string): ViewCell[] {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new Error(`${filename}: not JSON, cannot show the notebook`);
  }
  const notebook = notebookSchema.safeParse(json);
  if (!notebook.success) throw new Error(`${filename}: no "cells" list, cannot show the notebook`);
  return notebook.data.cells.map((value, index): ViewCell => {
    const cell = cellSchema.safeParse(value);
    if (!cell.success) return { index, kind: 'unknown', page: null, source: '', executionCount: null, outputs: [{ kind: 'note', text: 'unreadable cell' }] };
    return {
      index,
      kind: cell.data.cell_type,
      page: null,
      source: cell.data.source,
      executionCount: cell.data.execution_count ?? null,
      outputs: (cell.data.outputs ?? []).flatMap(viewOutputs),
    };
  });
}

function viewOutputs(value: unknown): ViewOutput[] {
  const parsed = outputSchema.safeParse(value);
  if (!parsed.success) return [{ kind: 'note', text: 'unreadable output' }];
  const output = parsed.data;
  if (output.output_type === 'stream') {
    const stream = output.name === 'stderr' ? 'stderr' : output.name === 'stdout' ? 'stdout' : null;
    return [{ kind: 'text', stream, text: stripAnsi(output.text ?? '') }];
  }
  if (output.output_type === 'error') {
    return [
      {
        kind: 'error',
        name: output.ename ?? 'Error',
        value: output.evalue ?? '',
        traceback: stripAnsi((output.traceback ?? []).join('\n')),
      },
    ];
  }
  const data = output.data ?? {};
  const image = (['image/png', 'image/jpeg'] as const).find((mime) => typeof data[mime] === 'string' && BASE64.test(data[mime] as string));
  if (image) return [{ kind: 'image', mime: image, base64: (data[image] as string).replace(/\s+/g, '') }];
  const plain = data['text/plain'];
  if (plain !== undefined) {
    const parsedText = text.safeParse(plain);
    if (parsedText.success) return [{ kind: 'text', stream: null, text: stripAnsi(parsedText.data) }];
  }
  return [];
}
