/**
 * What changed in the checks between two gradings: two attempts of a student, or the accepted grade
 * and a re-grade with a new spec. Checks are matched by id (a spec's check ids are stable; a new spec
 * may add or drop some).
 */
import type { CheckStatus } from '../../grading/grade.types.js';

export interface CheckOutcome {
  checkId: string;
  exerciseNumber: number | null;
  status: CheckStatus;
  points: number;
  maxPoints: number;
}

export interface CheckChange {
  checkId: string;
  exerciseNumber: number | null;
  change: 'changed' | 'added' | 'removed';
  before: { status: CheckStatus; points: number; maxPoints: number } | null;
  after: { status: CheckStatus; points: number; maxPoints: number } | null;
}

/** The checks that differ in status, points or maximum; in the order of `after`, then removed ones. */
export function diffChecks(before: CheckOutcome[], after: CheckOutcome[]): CheckChange[] {
  const old = new Map(before.map((c) => [c.checkId, c]));
  const changes: CheckChange[] = [];
  for (const check of after) {
    const previous = old.get(check.checkId);
    old.delete(check.checkId);
    if (!previous) {
      changes.push({ checkId: check.checkId, exerciseNumber: check.exerciseNumber, change: 'added', before: null, after: outcome(check) });
    } else if (previous.status !== check.status || previous.points !== check.points || previous.maxPoints !== check.maxPoints) {
      changes.push({
        checkId: check.checkId,
        exerciseNumber: check.exerciseNumber,
        change: 'changed',
        before: outcome(previous),
        after: outcome(check),
      });
    }
  }
  for (const removed of old.values()) {
    changes.push({ checkId: removed.checkId, exerciseNumber: removed.exerciseNumber, change: 'removed', before: outcome(removed), after: null });
  }
  return changes;
}

const outcome = (c: CheckOutcome) => ({ status: c.status, points: c.points, maxPoints: c.maxPoints });

/** A report's checks in stored order: the preliminaries (no exercise), then each exercise's. */
export function reportChecks(report: {
  preliminaries: { id: string; status: CheckStatus; points: number; maxPoints: number }[];
  exercises: { number: number; checks: { id: string; status: CheckStatus; points: number; maxPoints: number }[] }[];
}): CheckOutcome[] {
  const toOutcome = (exerciseNumber: number | null) => (c: { id: string; status: CheckStatus; points: number; maxPoints: number }) => ({
    checkId: c.id,
    exerciseNumber,
    status: c.status,
    points: c.points,
    maxPoints: c.maxPoints,
  });
  return [...report.preliminaries.map(toOutcome(null)), ...report.exercises.flatMap((e) => e.checks.map(toOutcome(e.number)))];
}
