/**
 * What the staff page shows of a PDF hand-in (the text the reader found per cell, with its pages, and
 * how it was read), stored by the grade worker when it reads the PDF, so that page views never read
 * the PDF again inside the api (a heavy or hostile PDF costs its reading once, in a worker, under the
 * reader's limits). Kept beside the file in the store, by sha256, replaced at each grading.
 */
import { z } from 'zod';
import type { SubmissionDocument } from '../ingest/document.js';

export const STORED_READING_VERSION = 1;

const storedReadingSchema = z.object({
  version: z.literal(STORED_READING_VERSION),
  cells: z.array(
    z.object({
      index: z.number().int(),
      kind: z.string(),
      page: z.number().int().nullable(),
      source: z.string(),
      executionCount: z.number().int().nullable(),
      outputs: z.array(z.object({ kind: z.literal('text'), stream: z.enum(['stdout', 'stderr']).nullable(), text: z.string() })),
    }),
  ),
  reading: z.object({ layout: z.string(), confidence: z.number(), warnings: z.array(z.string()) }),
});

export type StoredReading = z.infer<typeof storedReadingSchema>;

export function storedReadingOf(document: SubmissionDocument): StoredReading {
  return {
    version: STORED_READING_VERSION,
    cells: document.cells.map((cell) => ({
      index: cell.index,
      kind: cell.kind,
      page: cell.page,
      source: cell.source,
      executionCount: cell.executionCount,
      outputs: cell.outputs.map((o) => ({ kind: 'text' as const, stream: o.stream, text: o.text })),
    })),
    reading: { layout: document.reading.layout, confidence: document.reading.confidence, warnings: document.warnings },
  };
}

/** The stored reading, or null when there is none (or it is not one this version reads). */
export function parseStoredReading(text: string): StoredReading | null {
  try {
    const parsed = storedReadingSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
