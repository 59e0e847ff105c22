/**
 * The `rerun` queue's job, as the TA's request enqueues it; the GPU worker's processor (built with
 * the re-run feature) consumes it. Kept here, free of Nest and Bull, so both sides share one type.
 */
import { createHash } from 'node:crypto';

export const RERUN_QUEUE = 'rerun';
/** Bull runs lower numbers first; 1 is the highest priority, ahead of re-runs of new uploads. */
export const RERUN_PRIORITY = 1;

export interface RerunJobData {
  submissionId: string;
  /** The grade whose checks are re-run; the processor writes the re-run's results against it. */
  gradeId: string;
  specId: string;
  specVersion: string;
  /** Sorted, without duplicates. */
  checkIds: string[];
  requestedBy: string;
  requestedAt: string;
}

/**
 * The same submission and checks give the same job id, so a second click while the job waits or runs
 * is a no-op. Check ids are hashed: a job id stays short whatever their number.
 */
export function rerunJobId(submissionId: string, checkIds: string[]): string {
  const checks = createHash('sha256').update([...new Set(checkIds)].sort().join('\n')).digest('hex').slice(0, 16);
  return `rerun:${submissionId}:${checks}`;
}

/** Without an explicit list, a re-run covers what went wrong: the failed and errored checks. */
export function checksToRerun(
  checks: { id: string; status: string }[],
  requested: string[] | undefined,
): { checkIds: string[]; unknown: string[] } {
  if (requested) {
    const known = new Set(checks.map((c) => c.id));
    const unique = [...new Set(requested)].sort();
    return { checkIds: unique.filter((id) => known.has(id)), unknown: unique.filter((id) => !known.has(id)) };
  }
  const failed = checks.filter((c) => c.status === 'fail' || c.status === 'error').map((c) => c.id);
  return { checkIds: [...new Set(failed)].sort(), unknown: [] };
}
