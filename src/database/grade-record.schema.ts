/**
 * What the repository accepts, checked before anything is written: a bad value is reported with its
 * path instead of surfacing later as a constraint error from the database.
 * Unknown extra fields are allowed (the report contract grows by adding fields).
 */
import { z } from 'zod';
import { idOf } from '../grading/exercise-id.js';

const sha256 = z
  .string()
  .regex(/^[0-9a-f]{64}$/i, 'must be 64 hexadecimal characters (sha256)')
  .transform((hex) => hex.toLowerCase());
const score = z.number().min(0);
const text = z.string().min(1);

export const submissionInputSchema = z.object({
  sha256,
  kind: z.enum(['ipynb', 'pdf']),
  filename: text,
  sizeBytes: z.number().int().min(0).max(2 ** 31 - 1),
  storedPath: text,
  assignmentSpecId: text,
  /** Shown for the assignment when it is first recorded; defaults to the spec id. */
  assignmentTitle: text.optional(),
  studentEmail: z
    .email()
    .transform((email) => email.toLowerCase())
    .nullish(),
});
export type SubmissionInput = z.input<typeof submissionInputSchema>;

const checkSchema = z.looseObject({
  id: text,
  description: z.string(),
  status: z.enum(['pass', 'fail', 'skip', 'error']),
  points: z.number(),
  maxPoints: score,
  evidence: z.string(),
});

/** The parts of a GradeReport (src/grading/grade.types.ts) that become columns and rows. */
export const gradeReportSchema = z.looseObject({
  status: z.literal('graded'),
  sha256,
  spec: z.looseObject({ id: text, version: text, hash: sha256 }),
  graderVersion: text,
  score: z.number(),
  maxScore: score,
  preliminaries: z.array(checkSchema),
  exercises: z
    .array(
      z.looseObject({
        /** Absent in reports made before exercise ids: the number was then the id. */
        id: z.string().min(1).optional(),
        number: z.number().int(),
        title: z.string(),
        score: z.number(),
        maxScore: score,
        status: z.enum(['pass', 'partial', 'fail', 'missing', 'error']),
        checks: z.array(checkSchema),
      }),
    )
    .refine((exercises) => new Set(exercises.map((e) => idOf(e))).size === exercises.length, {
      message: 'exercise ids must be unique',
    }),
  flags: z.array(
    z.looseObject({ name: text, exercise: z.number().int().nullable(), exerciseId: z.string().min(1).nullish(), detail: z.string() }),
  ),
});

/** "path: message; path: message", for error texts. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}
