import type { SubmissionDocument } from '../ingest/document.js';
import { evidenceOf, locateExercises } from '../grading/evidence.js';
import { parsePythonNumber, regex } from '../grading/patterns.js';
import { claimedSeed } from '../grading/checks/seed-checks.js';
import type { GradingSpec, RerunSpec } from '../specs/spec.schema.js';
import type { StudentClaims } from './claims.js';

/** What the student printed that a re-run can confirm or refute, read with the spec's patterns. */
export function readStudentClaims(document: SubmissionDocument, spec: GradingSpec, rerun: RerunSpec): StudentClaims {
  const located = locateExercises(document, spec);
  const output = (exercise: string) => evidenceOf(located.get(exercise) ?? [], document).output;
  const number = (source: { exercise: string; pattern: string } | undefined): number | null => {
    if (!source) return null;
    const match = regex(source.pattern).exec(output(source.exercise));
    const value = match ? parsePythonNumber(match[1]) : Number.NaN;
    return Number.isFinite(value) ? value : null;
  };
  const matrices = rerun.claims.matricesMatch;
  const matricesMatch = matrices ? regex(matrices.pattern).exec(output(matrices.exercise)) : null;
  return {
    maxDifference: number(rerun.claims.maxDifference),
    pytorchAccuracy: number(rerun.claims.pytorchAccuracy),
    onnxAccuracy: number(rerun.claims.onnxAccuracy),
    matricesMatch: matricesMatch ? matricesMatch[1] === matrices!.yes : null,
    speedup: number(rerun.claims.speedup),
  };
}

/** The seed the student's data was generated with (printed first, code as fallback). */
export function readStudentSeed(document: SubmissionDocument, spec: GradingSpec, rerun: RerunSpec): number | null {
  const cells = locateExercises(document, spec).get(rerun.data.exercise) ?? [];
  return claimedSeed(rerun.data.seed, evidenceOf(cells, document))?.seed ?? null;
}
