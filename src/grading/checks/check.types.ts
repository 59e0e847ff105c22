import type { CheckStatus, Flag } from '../grade.types.js';
import type { CellOutput } from '../../ingest/document.js';
import type { SectionEvidence } from '../evidence.js';

export interface CheckContext {
  evidence: SectionEvidence;
  /** Exercise id ("2A"), or null for a preliminary section. */
  exercise: string | null;
}

export interface CheckOutcome {
  status: CheckStatus;
  /** What was seen, quoted, so an instructor can verify it against the hand-in. */
  evidence: string;
  /**
   * The hand-in shows the thing checked, and it is wrong (vs. simply absent). Flags declared without
   * a `when` pattern are raised only then: a missing exercise is `exercise_missing`, not `parity_failed`.
   */
  contradicted: boolean;
  /** Points when not all-or-nothing (e.g. code hidden in a PDF and the spec says award). */
  points?: number;
  /** Flags the check itself determines (seed reproduction tells which flag applies). */
  flags?: Omit<Flag, 'exercise' | 'exerciseId'>[];
}

export function pass(evidence: string, extra: Partial<CheckOutcome> = {}): CheckOutcome {
  return { status: 'pass', evidence, contradicted: false, ...extra };
}

export function fail(evidence: string, contradicted: boolean, extra: Partial<CheckOutcome> = {}): CheckOutcome {
  return { status: 'fail', evidence, contradicted, ...extra };
}

/** Why there is nothing to look at, when a check found nothing. */
export function absenceReason(context: CheckContext): string {
  const { evidence } = context;
  if (evidence.cells.length === 0) return 'no cell found for it';
  if (evidence.empty) return 'the cell is empty';
  if (!evidence.executed) return 'the cell was never run (no output)';
  if (evidence.errors.length > 0) {
    return `the cell stopped with ${describeError(evidence.errors[0])}`;
  }
  return 'not in the printed output';
}

/** `InvalidArgument: [ONNXRuntimeError] ...` on one line, short enough for a table cell. */
export function describeError(error: CellOutput): string {
  const message = (error.errorValue ?? '').replace(/\s+/g, ' ').trim();
  const text = `${error.errorName ?? 'an error'}${message ? `: ${message}` : ''}`;
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
