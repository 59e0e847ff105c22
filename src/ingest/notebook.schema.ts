import { z } from 'zod';

/**
 * The subset of nbformat 4 the grader relies on, written loosely on purpose:
 * Colab, VS Code and Jupyter all write slightly different notebooks (missing kernelspec.language,
 * widget metadata, source as a string or a list of lines), and none of that should reject a hand-in.
 */
const multiline = z.union([z.string(), z.array(z.string())]);

const streamOutput = z.object({
  output_type: z.literal('stream'),
  name: z.string().optional(),
  text: multiline.optional(),
});

const dataOutput = z.object({
  output_type: z.enum(['execute_result', 'display_data', 'update_display_data']),
  data: z.record(z.string(), z.unknown()).optional(),
  execution_count: z.number().int().nullable().optional(),
});

const errorOutput = z.object({
  output_type: z.literal('error'),
  ename: z.string().optional(),
  evalue: z.string().optional(),
  traceback: z.array(z.string()).optional(),
});

export const notebookOutputSchema = z.union([streamOutput, dataOutput, errorOutput]);

export const notebookCellSchema = z.object({
  cell_type: z.string(),
  id: z.string().optional(),
  source: multiline.default(''),
  metadata: z.record(z.string(), z.unknown()).optional(),
  execution_count: z.number().int().nullable().optional(),
  outputs: z.array(z.unknown()).optional(),
});

export const notebookSchema = z.object({
  nbformat: z.number().int(),
  nbformat_minor: z.number().int().optional(),
  metadata: z.record(z.string(), z.unknown()).default({}),
  cells: z.array(notebookCellSchema),
});

export type NotebookJson = z.infer<typeof notebookSchema>;
export type NotebookCellJson = z.infer<typeof notebookCellSchema>;
export type NotebookOutputJson = z.infer<typeof notebookOutputSchema>;

export function joinMultiline(value: string | string[] | undefined): string {
  if (value === undefined) return '';
  return Array.isArray(value) ? value.join('') : value;
}
