/**
 * Which attempt counts. Every upload is kept; for each student and assignment the latest graded
 * attempt counts, unless staff pinned another one. Pure: the callers load the attempts.
 */
export type AttemptStatus = 'received' | 'graded' | 'rejected' | 'error';

export interface Attempt {
  submissionId: string;
  receivedAt: Date;
  status: AttemptStatus;
  /** The attempt's current grade (its newest), or null when it has none. */
  gradeId: string | null;
}

export type CountedReason = 'latest' | 'pinned';

/** What the class matrix says about a student: graded, or why there is no grade to show. */
export const STUDENT_STATUSES = ['graded', 'missing', 'pending', 'rejected', 'error'] as const;
export type StudentStatus = (typeof STUDENT_STATUSES)[number];

export interface CountedChoice<A extends Attempt> {
  counted: A | null;
  reason: CountedReason | null;
  /** The newest attempt, counted or not. */
  latest: A | null;
  status: StudentStatus;
  /** A newer attempt than the counted one is still being graded. */
  gradingNewer: boolean;
}

/** Newest first; uuid v7 ids break ties between attempts received in the same millisecond. */
export function newestFirst<A extends Attempt>(a: A, b: A): number {
  const dt = b.receivedAt.getTime() - a.receivedAt.getTime();
  return dt !== 0 ? dt : b.submissionId.localeCompare(a.submissionId);
}

export function chooseCounted<A extends Attempt>(attempts: A[], pinnedSubmissionId: string | null): CountedChoice<A> {
  const ordered = [...attempts].sort(newestFirst);
  const latest = ordered[0] ?? null;
  const pinned = pinnedSubmissionId ? ordered.find((a) => a.submissionId === pinnedSubmissionId && a.gradeId) : undefined;
  const counted = pinned ?? ordered.find((a) => a.status === 'graded' && a.gradeId !== null) ?? null;
  const reason: CountedReason | null = counted ? (pinned ? 'pinned' : 'latest') : null;
  const gradingNewer =
    counted !== null && ordered.some((a) => a.status === 'received' && newestFirst(a, counted) < 0);
  return { counted, reason, latest, status: studentStatus(counted, latest), gradingNewer };
}

function studentStatus(counted: Attempt | null, latest: Attempt | null): StudentStatus {
  if (counted) return 'graded';
  if (!latest) return 'missing';
  if (latest.status === 'rejected') return 'rejected';
  if (latest.status === 'error') return 'error';
  return 'pending';
}
