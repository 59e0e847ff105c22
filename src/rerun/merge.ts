import type { Flag, GradeReport } from '../grading/grade.types.js';
import type { RerunReport } from './rerun.types.js';

/**
 * A grade with a re-run's results beside it: the re-run's checks under `rerun`, its flags added to
 * the grade's (one per finding). Points stay the static rubric's: a re-run verifies, staff decide.
 */
export function withRerun(report: GradeReport, rerun: RerunReport): GradeReport & { rerun: RerunReport } {
  const seen = new Set(report.flags.map(flagKey));
  const flags: Flag[] = [...report.flags];
  for (const flag of rerun.flags) {
    if (!seen.has(flagKey(flag))) {
      seen.add(flagKey(flag));
      flags.push(flag);
    }
  }
  return { ...report, flags, rerun };
}

/** By exercise id; a flag stored before ids existed has only the number, which was then the id. */
const flagKey = (flag: Flag) => `${flag.name}:${flag.exerciseId ?? flag.exercise ?? '-'}`;
