/**
 * Effective scores: what a grade is worth once staff overrides are applied. An override replaces one
 * check's points; the check's original result is never changed and stays visible beside it.
 * Pure functions, shared by the matrix, the evidence view, the exports and the re-grade diff.
 */
import type { CheckStatus, ExerciseStatus } from '../../grading/grade.types.js';

export interface OverrideRecord {
  id: string;
  checkResultId: string;
  who: string;
  points: number;
  reason: string;
  createdAt: Date;
  revokedAt: Date | null;
  revokedBy: string | null;
  revokeReason: string | null;
}

/** The override in force on a check: the newest one not revoked (older ones stay as history). */
export function activeOverride<T extends Pick<OverrideRecord, 'id' | 'createdAt' | 'revokedAt'>>(overrides: T[]): T | null {
  let active: T | null = null;
  for (const override of overrides) {
    if (override.revokedAt) continue;
    // uuid v7 ids grow with time: they break ties between overrides made in the same millisecond.
    if (!active || later(override, active)) active = override;
  }
  return active;
}

function later(a: { id: string; createdAt: Date }, b: { id: string; createdAt: Date }): boolean {
  const dt = a.createdAt.getTime() - b.createdAt.getTime();
  return dt !== 0 ? dt > 0 : a.id > b.id;
}

/** One check as scored: its original points, and the override's points when one is in force. */
export interface ScoredCheck {
  exerciseNumber: number | null;
  /** The exercise's id ("2A"), which ties the check to its exercise row; null for the preliminaries. */
  exerciseId: string | null;
  status: CheckStatus;
  points: number;
  maxPoints: number;
  overridePoints: number | null;
}

export interface ExerciseScoreRow {
  /** The exercise's id ("2A"). */
  id: string;
  /** Its leading integer. */
  number: number;
  title: string;
  score: number;
  maxScore: number;
  status: ExerciseStatus;
}

export interface EffectiveExercise extends ExerciseScoreRow {
  /** The grader's own score and status, before overrides. */
  originalScore: number;
  originalStatus: ExerciseStatus;
  overridden: boolean;
}

export interface EffectiveScores {
  score: number;
  originalScore: number;
  maxScore: number;
  exercises: EffectiveExercise[];
  overriddenChecks: number;
}

export const effectivePoints = (check: Pick<ScoredCheck, 'points' | 'overridePoints'>): number =>
  check.overridePoints ?? check.points;

/**
 * The grade's total and per-exercise scores with overrides applied. The total is the grader's total
 * plus each override's change, so it stays right even for a grade whose report carries checks the
 * exercise rows do not (the preliminaries).
 */
export function effectiveScores(
  grade: { score: number; maxScore: number },
  exercises: ExerciseScoreRow[],
  checks: ScoredCheck[],
): EffectiveScores {
  const overridden = checks.filter((c) => c.overridePoints !== null);
  const delta = sum(overridden.map((c) => (c.overridePoints as number) - c.points));
  return {
    score: round(grade.score + delta),
    originalScore: grade.score,
    maxScore: grade.maxScore,
    exercises: exercises.map((exercise) => effectiveExercise(exercise, checks.filter((c) => c.exerciseId === exercise.id))),
    overriddenChecks: overridden.length,
  };
}

export function effectiveExercise(exercise: ExerciseScoreRow, checks: ScoredCheck[]): EffectiveExercise {
  const base = { ...exercise, originalScore: exercise.score, originalStatus: exercise.status };
  if (!checks.some((c) => c.overridePoints !== null)) return { ...base, overridden: false };
  const score = round(exercise.score + sum(checks.map((c) => effectivePoints(c) - c.points)));
  return { ...base, score, status: statusAfterOverrides(exercise, checks, score), overridden: true };
}

/**
 * The grader's rule (rubric.engine.ts: error if any check errored, pass at full marks, partial above
 * zero, else fail), where an overridden check counts as resolved by staff: it no longer errors.
 * A missing exercise stays missing unless staff gave it points.
 */
function statusAfterOverrides(exercise: ExerciseScoreRow, checks: ScoredCheck[], score: number): ExerciseStatus {
  if (checks.some((c) => c.status === 'error' && c.overridePoints === null)) return 'error';
  if (exercise.status === 'missing' && score === 0) return 'missing';
  if (score >= exercise.maxScore) return 'pass';
  return score > 0 ? 'partial' : 'fail';
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
/** Same rounding as the rubric engine: scores are sums of decimal points, kept to 3 places. */
export const round = (value: number) => Math.round(value * 1000) / 1000;
