/** What the review endpoints accept. Unknown fields are refused so a typo is not silently ignored. */
import { z } from 'zod';
import { STUDENT_STATUSES } from '../logic/counted.js';

export const uuidParam = z.uuid({ message: 'must be an id (uuid)' });
export const specIdParam = z.string().regex(/^[a-z0-9_]{1,64}$/, 'must be a spec id such as class_06_2');

const trimmedText = (what: string, max: number) =>
  z
    .string({ message: `${what} must be text` })
    .trim()
    .min(1, `${what} is required`)
    .max(max, `${what} is longer than ${max} characters`);

export const matrixQuery = z
  .object({
    flag: z.string().regex(/^[a-z0-9_]{1,64}$/, 'must be a flag name such as seed_is_42').optional(),
    status: z.enum(STUDENT_STATUSES).optional(),
    section: z.string().max(200).optional(),
    q: z.string().max(200).optional(),
    sort: z.enum(['name', 'score']).default('name'),
    order: z.enum(['asc', 'desc']).default('asc'),
  })
  .strict();

export const overrideBody = z
  .object({
    points: z.number({ message: 'points must be a number' }).finite(),
    reason: trimmedText('reason', 2000),
  })
  .strict();

export const revokeBody = z
  .object({ reason: trimmedText('reason', 2000).optional() })
  .strict()
  .default({});

export const pinBody = z
  .object({ reason: trimmedText('reason', 2000).optional() })
  .strict()
  .default({});

export const rerunBody = z
  .object({
    checkIds: z
      .array(z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must be a check id such as ex5.parity'))
      .min(1, 'name at least one check, or leave checkIds out to re-run the failed ones')
      .max(200)
      .optional(),
  })
  .strict()
  .default({});

export const canvasExportQuery = z
  .object({
    /** Overrides the stored Canvas assignment id for this export. */
    canvasAssignmentId: z.string().regex(/^\d{1,20}$/, 'must be Canvas\'s numeric assignment id').optional(),
    /** blank: Canvas keeps what it has for students with nothing graded; zero: they get 0. */
    missing: z.enum(['blank', 'zero']).default('blank'),
  })
  .strict();

export const canvasAssignmentBody = z
  .object({ canvasAssignmentId: z.string().regex(/^\d{1,20}$/, 'must be Canvas\'s numeric assignment id').nullable() })
  .strict();

export const jobParams = z.object({
  queue: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'must be a queue name such as rerun'),
  id: z.string().min(1).max(256),
});
