/**
 * Raw SQL rows are not type-checked by Prisma: each is parsed here, so a schema change shows up as a
 * clear error naming the query and the field instead of as wrong numbers on a page.
 */
import { z } from 'zod';

export class QueryShapeError extends Error {}

export function parseRows<S extends z.ZodType>(schema: S, rows: unknown, query: string): z.output<S>[] {
  const parsed = z.array(schema).safeParse(rows);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new QueryShapeError(`${query}: unexpected row shape at ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

/** Timestamps arrive as Date from columns and as ISO text from json_agg. */
export const timestamp = z.union([z.date(), z.string()]).transform((v) => (v instanceof Date ? v : new Date(v)));
export const checkStatus = z.enum(['pass', 'fail', 'skip', 'error']);
export const exerciseStatus = z.enum(['pass', 'partial', 'fail', 'missing', 'error']);
export const submissionStatus = z.enum(['received', 'graded', 'rejected', 'error']);
/** Stored flags; one stored before exercise ids gets its id from its number (which was then the id). */
export const flagList = z.array(
  z
    .object({ name: z.string(), exercise: z.number().nullable(), exerciseId: z.string().nullish(), detail: z.string() })
    .transform((flag) => ({ ...flag, exerciseId: flag.exerciseId ?? (flag.exercise === null ? null : String(flag.exercise)) })),
);
