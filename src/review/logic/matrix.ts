/**
 * The class matrix (students × exercises): one row per student, built from what the matrix query
 * loaded, then filtered and sorted. Pure, so the rules are tested without a database.
 */
import type { ExerciseStatus, Flag } from '../../grading/grade.types.js';

/**
 * A stored flag; names outside FLAG_NAMES may appear in grades made by a newer grader, and grades made
 * before exercise ids lack `exerciseId` (their `exercise` number was the id).
 */
export type StoredFlag = Omit<Flag, 'name' | 'exerciseId'> & { name: string; exerciseId?: string | null };
import { type Attempt, chooseCounted, type CountedReason, type StudentStatus } from './counted.js';
import { effectiveScores, type ExerciseScoreRow, type ScoredCheck } from './effective.js';
import { compareExerciseIds } from '../../grading/exercise-id.js';

export interface ClassAttempt extends Attempt {
  score: number | null;
  maxScore: number | null;
  flags: StoredFlag[] | null;
  specVersion: string | null;
  gradedAt: Date | null;
}

export interface ClassMember {
  personId: string;
  email: string;
  name: string | null;
  section: string | null;
  /** false: submitted but not on the course roster. */
  enrolled: boolean;
  pinnedSubmissionId: string | null;
  attempts: ClassAttempt[];
}

/** The counted grade's rows, loaded in one query for the whole class. */
export interface GradeDetail {
  exercises: ExerciseScoreRow[];
  /**
   * At least the checks of every exercise (and of the preliminaries) where an override is in force;
   * exercises without one are shown as the grader scored them.
   */
  checks: ScoredCheck[];
}

export interface MatrixCell {
  /** The exercise's id ("2A"): what the column is. */
  id: string;
  /** Its leading integer. */
  number: number;
  score: number | null;
  maxScore: number | null;
  status: ExerciseStatus | 'not_submitted';
  overridden: boolean;
}

export interface MatrixRow {
  personId: string;
  email: string;
  name: string | null;
  section: string | null;
  enrolled: boolean;
  status: StudentStatus;
  attempts: number;
  submissionId: string | null;
  counted: CountedReason | null;
  /** A newer attempt than the counted one is still being graded. */
  gradingNewer: boolean;
  gradeId: string | null;
  specVersion: string | null;
  gradedAt: string | null;
  /** Effective total (overrides applied); null when nothing counts yet. */
  score: number | null;
  originalScore: number | null;
  maxScore: number | null;
  overriddenChecks: number;
  exercises: MatrixCell[];
  flags: string[];
}

/** The counted attempt of each member, before the grade details are loaded. */
export function countedGradeIds(members: ClassMember[]): string[] {
  return members.flatMap((m) => chooseCounted(m.attempts, m.pinnedSubmissionId).counted?.gradeId ?? []);
}

/** A column of the matrix: an exercise of the current spec. */
export interface ExerciseColumn {
  id: string;
  number: number;
}

export function buildRow(member: ClassMember, columns: ExerciseColumn[], details: Map<string, GradeDetail>): MatrixRow {
  const choice = chooseCounted(member.attempts, member.pinnedSubmissionId);
  const counted = choice.counted;
  const detail = counted?.gradeId ? details.get(counted.gradeId) : undefined;
  const base = {
    personId: member.personId,
    email: member.email,
    name: member.name,
    section: member.section,
    enrolled: member.enrolled,
    status: choice.status,
    attempts: member.attempts.length,
    submissionId: counted?.submissionId ?? null,
    counted: choice.reason,
    gradingNewer: choice.gradingNewer,
    gradeId: counted?.gradeId ?? null,
    specVersion: counted?.specVersion ?? null,
    gradedAt: counted?.gradedAt?.toISOString() ?? null,
  };
  if (!counted || !detail || counted.score === null || counted.maxScore === null) {
    const empty = columns.map(({ id, number }) => ({
      id, number, score: null, maxScore: null, status: 'not_submitted' as const, overridden: false,
    }));
    return { ...base, score: null, originalScore: null, maxScore: null, overriddenChecks: 0, exercises: empty, flags: [] };
  }
  const effective = effectiveScores({ score: counted.score, maxScore: counted.maxScore }, detail.exercises, detail.checks);
  const byId = new Map(effective.exercises.map((e) => [e.id, e]));
  const numberOf = new Map(columns.map((c) => [c.id, c.number]));
  // Columns follow the current spec, in its order; a grade by an older spec may lack an exercise
  // (shown as missing) or have one the spec no longer has (after the spec's, in course order).
  const specIds = new Set(columns.map((c) => c.id));
  const ids = [...specIds, ...[...byId.keys()].filter((id) => !specIds.has(id)).sort(compareExerciseIds)];
  const exercises = ids.map((id): MatrixCell => {
    const e = byId.get(id);
    return e
      ? { id, number: e.number, score: e.score, maxScore: e.maxScore, status: e.status, overridden: e.overridden }
      : { id, number: numberOf.get(id) ?? 0, score: null, maxScore: null, status: 'missing', overridden: false };
  });
  return {
    ...base,
    score: effective.score,
    originalScore: effective.originalScore,
    maxScore: effective.maxScore,
    overriddenChecks: effective.overriddenChecks,
    exercises,
    flags: [...new Set((counted.flags ?? []).map((f) => f.name))].sort(),
  };
}

export interface MatrixFilter {
  flag?: string;
  status?: StudentStatus;
  section?: string;
  q?: string;
  sort: 'name' | 'score';
  order?: 'asc' | 'desc';
}

export function filterRows(rows: MatrixRow[], filter: MatrixFilter): MatrixRow[] {
  const q = filter.q?.trim().toLowerCase();
  const section = filter.section?.trim().toLowerCase();
  return rows.filter(
    (row) =>
      (!filter.flag || row.flags.includes(filter.flag)) &&
      (!filter.status || row.status === filter.status) &&
      (!section || (row.section ?? '').toLowerCase() === section) &&
      (!q || row.email.includes(q) || (row.name ?? '').toLowerCase().includes(q)),
  );
}

const displayName = (row: MatrixRow) => row.name ?? row.email;
const byName = (a: MatrixRow, b: MatrixRow) =>
  displayName(a).localeCompare(displayName(b), 'en', { sensitivity: 'base' }) || a.email.localeCompare(b.email);

/**
 * By name (A→Z), or by effective score (lowest first, so the students who need attention lead).
 * Students with nothing counted sort below every score; `order: 'desc'` reverses either.
 */
export function sortRows(rows: MatrixRow[], sort: MatrixFilter['sort'], order: MatrixFilter['order'] = 'asc'): MatrixRow[] {
  const sign = order === 'desc' ? -1 : 1;
  const compare =
    sort === 'name'
      ? byName
      : (a: MatrixRow, b: MatrixRow) => (a.score ?? -Infinity) - (b.score ?? -Infinity) || byName(a, b);
  return [...rows].sort((a, b) => sign * compare(a, b));
}
