/**
 * The queues and their jobs: one typed payload per queue, and job ids derived from what the job is
 * about, so that enqueueing the same work twice is a no-op (Bull keeps one job per id).
 */
import { z } from 'zod';

export const GRADE_QUEUE = 'grade';
/** Re-runs on a GPU worker; its processor comes with the re-run feature (src/rerun/). */
export const RERUN_QUEUE = 'rerun';

export const gradeJobSchema = z.object({
  submissionId: z.uuid(),
  /** The spec version current when enqueued, or 'auto' (whatever the registry recognises). */
  specVersion: z.string().min(1),
});
export type GradeJobData = z.infer<typeof gradeJobSchema>;

/** `grade:<submissionId>:<specVersion>`: a submission is graded once per spec version. */
export function gradeJobId(data: GradeJobData): string {
  return `grade:${data.submissionId}:${data.specVersion}`;
}

export type GradeJobResult =
  | { outcome: 'graded'; gradeId: string; created: boolean; score: number }
  | { outcome: 'rejected'; reason: string }
  | { outcome: 'gone' };
