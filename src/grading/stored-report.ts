/**
 * A GradeReport read back from storage (Grade.report, RegradeItem.report) may predate exercise ids:
 * its exercises, flags and holds then carry only numbers, which were the ids. Everything that reads
 * a stored report goes through here, so the rest of the code can key exercises by id alone.
 */
import type { Flag, GradeReport, Hold } from './grade.types.js';

type StoredFlag = Omit<Flag, 'exerciseId'> & { exerciseId?: string | null };
type StoredHold = Omit<Hold, 'exerciseId' | 'exerciseIds'> & { exerciseId?: string | null; exerciseIds?: string[] };

/** The flag's exercise id; String(exercise) for a flag stored before ids. */
export function flagExerciseId(flag: Pick<StoredFlag, 'exercise' | 'exerciseId'>): string | null {
  if (typeof flag.exerciseId === 'string') return flag.exerciseId;
  return flag.exercise === null || flag.exercise === undefined ? null : String(flag.exercise);
}

export function withFlagExerciseId<F extends Pick<StoredFlag, 'exercise' | 'exerciseId'>>(flag: F): F & { exerciseId: string | null } {
  return typeof flag.exerciseId === 'string' || flag.exerciseId === null
    ? (flag as F & { exerciseId: string | null })
    : { ...flag, exerciseId: flagExerciseId(flag) };
}

/** The report with `id` on every exercise, `exerciseId` on every flag and hold, `exerciseIds` on every hold. */
export function withExerciseIds<R extends GradeReport>(report: R): R {
  const exercises = report.exercises.map((exercise) =>
    typeof exercise.id === 'string' ? exercise : Object.assign({ id: String(exercise.number) }, exercise),
  );
  const flags = (report.flags as StoredFlag[]).map((flag) => withFlagExerciseId(flag)) as Flag[];
  const holds = (report.holds as StoredHold[] | undefined)?.map(
    (hold): Hold => ({
      ...hold,
      exerciseId: flagExerciseId(hold),
      exerciseIds: hold.exerciseIds ?? hold.exercises.map(String),
    }),
  );
  return { ...report, exercises, flags, ...(holds ? { holds } : {}) };
}
