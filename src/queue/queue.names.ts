/**
 * The queues and their jobs: one typed payload per queue, and job ids derived from what the job is
 * about, so that enqueueing the same work twice is a no-op (Bull keeps one job per id).
 */
import { createHash } from 'node:crypto';
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

/** The `rerun` job as a TA's request (src/review/rerun.service.ts) enqueues it; parsed by the worker. */
export const rerunJobSchema = z.object({
  submissionId: z.uuid(),
  /** The grade whose checks are re-run; the processor writes the re-run's results against it. */
  gradeId: z.string().min(1),
  specId: z.string().min(1),
  specVersion: z.string().min(1),
  /** Sorted, without duplicates. */
  checkIds: z.array(z.string().min(1)),
  requestedBy: z.string().min(1),
  requestedAt: z.string().min(1),
});
export type RerunJobData = z.infer<typeof rerunJobSchema>;

/** Bull runs lower numbers first; 1 is the highest priority, ahead of re-runs of new uploads. */
export const RERUN_PRIORITY = 1;

/**
 * The same submission and checks give the same job id, so a second click while the job waits or runs
 * is a no-op. Check ids are hashed: a job id stays short whatever their number.
 */
export function rerunJobId(submissionId: string, checkIds: string[]): string {
  const checks = createHash('sha256').update([...new Set(checkIds)].sort().join('\n')).digest('hex').slice(0, 16);
  return `rerun:${submissionId}:${checks}`;
}
