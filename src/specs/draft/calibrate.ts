import type { SubmissionDocument } from '../../ingest/document.js';
import { runCheck } from '../../grading/checks/index.js';
import { expectedLinesShare } from '../../grading/checks/expected-output.js';
import { evidenceOf, locateExercises } from '../../grading/evidence.js';
import { checkSpecSchema, type CheckSpec } from '../spec.schema.js';
import { parseSpec } from '../spec.loader.js';
import { type DraftCheck, type DraftSpec, SIMILAR_SHARE } from './draft-spec.js';
import { specYaml } from './spec-yaml.js';

export interface CalibrationRun {
  name: string;
  document: SubmissionDocument;
}

/** Below this share of a block's lines found in a correct run, the block says too little to grade by. */
const LEAST_SHARE = 0.3;

/**
 * Correct a draft against the instructor's own executed runs of the lesson: an exercise the run
 * completed (its cells ran, no traceback) is right by definition, so every output or figure check it
 * fails was drafted wrong. An exact block becomes `similar`; a similar block asks for the share of
 * lines the run shows; a block or figure the run does not show at all is dropped, its points going
 * to running cleanly. Each change is noted above the exercise in the YAML. Mutates and returns `draft`.
 */
export function calibrate(draft: DraftSpec, runs: CalibrationRun[]): DraftSpec {
  for (const run of runs) {
    const loaded = parseSpec(specYaml(draft, []), `${draft.id} (draft)`);
    const located = locateExercises(run.document, loaded.spec);
    for (const exercise of draft.exercises) {
      const evidence = evidenceOf(located.get(exercise.id) ?? [], run.document);
      if (evidence.empty || !evidence.executed || evidence.errors.length > 0) continue;
      const context = { evidence, exercise: exercise.id };
      for (const check of [...exercise.checks]) {
        if (check.kind !== 'expected_output' && check.kind !== 'figure') continue;
        if (outcome(check, context).status === 'pass') continue;
        const change = adjust(check, context);
        if (change.drop) {
          exercise.checks = exercise.checks.filter((c) => c !== check);
          exercise.checks[0].points = Math.round((exercise.checks[0].points + check.points) * 100) / 100;
        }
        exercise.notes.push(`${run.name}: ${change.note}`);
      }
    }
  }
  return draft;
}

type Context = Parameters<typeof runCheck>[1];

function outcome(check: DraftCheck, context: Context) {
  return runCheck(checkSpecSchema.parse(check) as CheckSpec, context);
}

function adjust(check: DraftCheck, context: Context): { note: string; drop?: true } {
  if (check.kind === 'figure') {
    return { note: `shows no figure for ${check.id}: check dropped (${check.points} points moved to running cleanly)`, drop: true };
  }
  if (check.kind !== 'expected_output') return { note: `${check.id} unchanged` };
  if (check.match === 'exact') {
    const similar = { ...check, match: 'similar' as const };
    if (outcome(similar, context).status === 'pass') {
      check.match = 'similar';
      return { note: `${check.id} printed the lesson's lines with other values: exact → similar` };
    }
    check.match = 'similar';
    check.minShare = Math.min(check.minShare, SIMILAR_SHARE);
  }
  const share = expectedLinesShare(check.lines, 'similar', context.evidence.output);
  if (share >= LEAST_SHARE) {
    const lowered = Math.floor(share * 10) / 10;
    check.minShare = lowered;
    return { note: `${check.id} found ${Math.round(share * 100)}% of the lesson's lines: similar, minShare ${lowered}` };
  }
  return {
    note: `printed little of what the lesson shows for ${check.id} (${Math.round(share * 100)}%): check dropped (${check.points} points moved to running cleanly)`,
    drop: true,
  };
}
