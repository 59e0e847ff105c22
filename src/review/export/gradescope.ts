/**
 * Gradescope's autograder `results.json` (gradescope-autograders.readthedocs.io, "Autograder
 * Specifications"), so a grade here can be handed to Gradescope as its autograder's output:
 *
 *   { "score": 95, "output": "...", "tests": [ { "name", "number", "score", "max_score",
 *     "status": "passed" | "failed", "output", "visibility" } ], "extra_data": { ... } }
 *
 * One test per check, numbered "<exercise id>.<n>" ("2A.1"; "0.<n>" for the identity and runtime checks), with
 * effective points (an override shows in the test's output, original points included).
 */
import type { CheckResult, GradeReport } from '../../grading/grade.types.js';
import { flagExerciseId } from '../../grading/stored-report.js';
import { formatPoints } from './csv.js';

export type GradescopeVisibility = 'hidden' | 'after_due_date' | 'after_published' | 'visible';

export interface GradescopeTest {
  name: string;
  number: string;
  score: number;
  max_score: number;
  status: 'passed' | 'failed';
  output: string;
  visibility: GradescopeVisibility;
}

export interface GradescopeResults {
  score: number;
  output: string;
  tests: GradescopeTest[];
  extra_data: Record<string, unknown>;
}

/** A check of the report with the override in force, if any. */
export interface ExportCheck extends CheckResult {
  override: { points: number; reason: string; who: string } | null;
}

export interface GradescopeInput {
  submissionId: string;
  report: Pick<GradeReport, 'spec' | 'graderVersion' | 'maxScore' | 'flags' | 'file'>;
  preliminaries: ExportCheck[];
  exercises: { id: string; number: number; title: string; checks: ExportCheck[] }[];
  /** Effective total (overrides applied). */
  score: number;
  gradedAt: Date;
  visibility?: GradescopeVisibility;
}

export function formatGradescopeResults(input: GradescopeInput): GradescopeResults {
  const visibility = input.visibility ?? 'visible';
  const tests = [
    ...input.preliminaries.map((check, i) => test(check, `0.${i + 1}`, 'Before the exercises', visibility)),
    ...input.exercises.flatMap((exercise) =>
      exercise.checks.map((check, i) => test(check, `${exercise.id}.${i + 1}`, `Exercise ${exercise.id}`, visibility)),
    ),
  ];
  const flags = input.report.flags.map((f) => {
    const exercise = flagExerciseId(f);
    return `${f.name}${exercise === null ? '' : ` (Exercise ${exercise})`}: ${f.detail}`;
  });
  const output = [
    `${input.report.file}: ${formatPoints(input.score)} / ${formatPoints(input.report.maxScore)} points.`,
    `Graded ${input.gradedAt.toISOString()} by rubric ${input.report.spec.id} ${input.report.spec.version} (grader ${input.report.graderVersion}).`,
    ...(flags.length > 0 ? ['Flags:', ...flags.map((f) => `- ${f}`)] : []),
  ].join('\n');
  return {
    score: input.score,
    output,
    tests,
    extra_data: {
      submission_id: input.submissionId,
      spec_id: input.report.spec.id,
      spec_version: input.report.spec.version,
      spec_hash: input.report.spec.hash,
      grader_version: input.report.graderVersion,
      flags: input.report.flags.map((f) => f.name),
    },
  };
}

function test(check: ExportCheck, number: string, where: string, visibility: GradescopeVisibility): GradescopeTest {
  const score = check.override?.points ?? check.points;
  const lines = [check.evidence];
  if (check.hint && !passed(check)) lines.push(`Hint: ${check.hint}`);
  if (check.override) {
    lines.push(
      `Points changed by ${check.override.who} from ${formatPoints(check.points)} to ${formatPoints(check.override.points)}: ${check.override.reason}`,
    );
  }
  return {
    name: `${where}: ${check.description} [${check.id}]`,
    number,
    score,
    max_score: check.maxPoints,
    status: passed(check) ? 'passed' : 'failed',
    output: lines.join('\n'),
    visibility,
  };
}

/**
 * An overridden check passes when staff gave it full marks; otherwise the grader's status decides,
 * and a skipped check passes only when it was worth nothing (informational).
 */
function passed(check: ExportCheck): boolean {
  if (check.override) return check.override.points >= check.maxPoints;
  if (check.status === 'skip') return check.maxPoints === 0;
  return check.status === 'pass';
}
