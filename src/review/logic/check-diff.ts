/**
 * What changed in the checks between two gradings: two attempts of a student, or the accepted grade
 * and a re-grade with a new spec. Checks are matched by id (a spec's check ids are stable; a new spec
 * may add or drop some).
 */
import { idOf } from '../../grading/exercise-id.js';
import type { CheckStatus } from '../../grading/grade.types.js';

export interface CheckOutcome {
  checkId: string;
  /** The leading integer of the exercise's id; null for the preliminaries. */
  exerciseNumber: number | null;
  /** The exercise's id ("2A"); null for the preliminaries. */
  exerciseId: string | null;
  status: CheckStatus;
  points: number;
  maxPoints: number;
}

export interface CheckChange {
  checkId: string;
  exerciseNumber: number | null;
  /** The exercise's id ("2A"); null for the preliminaries. Absent in diffs stored before ids (see withChangeExerciseIds). */
  exerciseId: string | null;
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
      changes.push({ checkId: check.checkId, exerciseNumber: check.exerciseNumber, exerciseId: check.exerciseId, change: 'added', before: null, after: outcome(check) });
    } else if (previous.status !== check.status || previous.points !== check.points || previous.maxPoints !== check.maxPoints) {
      changes.push({
        checkId: check.checkId,
        exerciseNumber: check.exerciseNumber,
        exerciseId: check.exerciseId,
        change: 'changed',
        before: outcome(previous),
        after: outcome(check),
      });
    }
  }
  for (const removed of old.values()) {
    changes.push({ checkId: removed.checkId, exerciseNumber: removed.exerciseNumber, exerciseId: removed.exerciseId, change: 'removed', before: outcome(removed), after: null });
  }
  return changes;
}

const outcome = (c: CheckOutcome) => ({ status: c.status, points: c.points, maxPoints: c.maxPoints });

/** A report's checks in stored order: the preliminaries (no exercise), then each exercise's. */
export function reportChecks(report: {
  preliminaries: { id: string; status: CheckStatus; points: number; maxPoints: number }[];
  exercises: { id?: string; number: number; checks: { id: string; status: CheckStatus; points: number; maxPoints: number }[] }[];
}): CheckOutcome[] {
  type Check = { id: string; status: CheckStatus; points: number; maxPoints: number };
  const toOutcome = (exercise: { id?: string; number: number } | null) => (c: Check): CheckOutcome => ({
    checkId: c.id,
    exerciseNumber: exercise?.number ?? null,
    exerciseId: exercise ? idOf(exercise) : null,
    status: c.status,
    points: c.points,
    maxPoints: c.maxPoints,
  });
  return [...report.preliminaries.map(toOutcome(null)), ...report.exercises.flatMap((e) => e.checks.map(toOutcome(e)))];
}

/** Changes stored before exercise ids carry only the number, which was then the id. */
export function withChangeExerciseIds<C extends Omit<CheckChange, 'exerciseId'> & { exerciseId?: string | null }>(change: C): C & CheckChange {
  return { ...change, exerciseId: change.exerciseId ?? (change.exerciseNumber === null ? null : String(change.exerciseNumber)) };
}
