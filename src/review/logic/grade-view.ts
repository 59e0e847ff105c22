/**
 * A stored grade as staff and exports see it: the report the grader wrote, each check joined with its
 * CheckResult row (whose id the override endpoints take) and its overrides, and the scores with the
 * overrides in force. The report is not modified: original points stay beside effective ones.
 */
import type { CheckResult, ExerciseResult, GradeReport } from '../../grading/grade.types.js';
import { activeOverride, effectiveExercise, effectivePoints, type OverrideRecord, round } from './effective.js';

export interface CheckRow {
  id: string;
  ordinal: number;
  checkId: string;
  overrides: OverrideRecord[];
}

export interface ReviewedCheck extends CheckResult {
  checkResultId: string;
  /** Points after the override in force (the original `points` stays as the grader gave them). */
  effectivePoints: number;
  override: OverrideRecord | null;
  /** Every override ever made on this check, oldest first, revoked ones included. */
  overrides: OverrideRecord[];
}

export interface ReviewedExercise extends Omit<ExerciseResult, 'checks'> {
  originalScore: number;
  originalStatus: ExerciseResult['status'];
  overridden: boolean;
  checks: ReviewedCheck[];
}

export interface ReviewedGrade {
  score: number;
  originalScore: number;
  maxScore: number;
  preliminaries: ReviewedCheck[];
  exercises: ReviewedExercise[];
}

export class GradeViewError extends Error {}

export function reviewGrade(gradeId: string, report: GradeReport, rows: CheckRow[]): ReviewedGrade {
  const flat = [...report.preliminaries, ...report.exercises.flatMap((e) => e.checks)];
  if (flat.length !== rows.length) {
    throw new GradeViewError(`grade ${gradeId}: the report has ${flat.length} checks but ${rows.length} are stored`);
  }
  const ordered = [...rows].sort((a, b) => a.ordinal - b.ordinal);
  const reviewed = flat.map((check, i): ReviewedCheck => {
    const row = ordered[i];
    if (row.checkId !== check.id) {
      throw new GradeViewError(`grade ${gradeId}: stored check ${i} is ${row.checkId}, the report says ${check.id}`);
    }
    const override = activeOverride(row.overrides);
    return {
      ...check,
      checkResultId: row.id,
      effectivePoints: override ? override.points : check.points,
      override,
      overrides: row.overrides,
    };
  });
  const preliminaries = reviewed.slice(0, report.preliminaries.length);
  let next = report.preliminaries.length;
  const exercises = report.exercises.map((exercise): ReviewedExercise => {
    const checks = reviewed.slice(next, next + exercise.checks.length);
    next += exercise.checks.length;
    const scored = checks.map((c) => ({
      exerciseNumber: exercise.number,
      exerciseId: exercise.id,
      status: c.status,
      points: c.points,
      maxPoints: c.maxPoints,
      overridePoints: c.override?.points ?? null,
    }));
    const effective = effectiveExercise(exercise, scored);
    return { ...exercise, ...effective, checks };
  });
  const delta = reviewed.reduce((total, c) => total + effectivePoints({ points: c.points, overridePoints: c.override?.points ?? null }) - c.points, 0);
  return { score: round(report.score + delta), originalScore: report.score, maxScore: report.maxScore, preliminaries, exercises };
}
