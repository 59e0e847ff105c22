import type { CheckSpec } from '../../specs/spec.schema.js';
import { parseNumpyArray } from '../../numpy-random/index.js';
import { parsePythonNumber, quote, regex } from '../patterns.js';
import { absenceReason, type CheckContext, type CheckOutcome, fail, pass } from './check.types.js';

type AllClose = Extract<CheckSpec, { kind: 'allclose' }>;

/**
 * A printed max |a − b| judged as the lesson judges it, `np.allclose(a, b, atol, rtol)`
 * (|a − b| ≤ atol + rtol·|b| elementwise), and by what float32 really gives across runtimes:
 * - within atol, or within atol + rtol·max|b| when the reference values are printed: passes;
 * - beyond that, the lesson's own printed verdict (computed on the real values, which the grader
 *   does not see) decides, provided the difference is one float32 explains (≤ float32Tolerance);
 * - beyond float32Tolerance: fails with parity_failed (the models really disagree);
 * - a verdict the printed difference rules out (False with every difference ≤ atol; True beyond
 *   atol + rtol·max|b|) is outputs_inconsistent.
 */
export function allClose(check: AllClose, context: CheckContext): CheckOutcome {
  const { output } = context.evidence;
  const match = regex(check.pattern).exec(output);
  if (!match) return fail(`no difference matching /${check.pattern}/: ${absenceReason(context)}`, false);
  const difference = parsePythonNumber(match[1]);
  const seen = `${quote(match[0])} (${where(context)})`;
  if (!Number.isFinite(difference) || difference < 0) {
    return fail(`${seen}: not a difference`, true, { flags: [{ name: 'parity_failed', detail: `${check.id}: printed ${quote(match[0])}` }] });
  }
  const verdictMatch = check.verdictPattern ? regex(check.verdictPattern).exec(output) : null;
  const verdict = verdictMatch ? verdictMatch[1] === check.verdictTrue : null;
  const said = verdictMatch ? `, ${quote(verdictMatch[0])}` : '';
  let bound: number | null = null;
  if (check.referencePattern) {
    const reference = regex(check.referencePattern).exec(output);
    try {
      const values = reference ? parseNumpyArray(reference[1]) : [];
      if (values.length > 0) bound = check.atol + check.rtol * Math.max(...values.map(Math.abs));
    } catch {
      bound = null; // unreadable reference values: judged without them
    }
  }
  const rule = `np.allclose(atol=${fmt(check.atol)}, rtol=${fmt(check.rtol)})`;
  const inconsistent = (detail: string): CheckOutcome =>
    fail(`${seen}${said}: ${detail}`, true, { flags: [{ name: 'outputs_inconsistent', detail: `${check.id}: ${detail}` }] });
  if (verdict === false && difference <= check.atol) {
    return inconsistent(`${rule} cannot be False when the largest difference, ${match[1]}, is within atol`);
  }
  if (verdict === true && bound !== null && difference > bound) {
    return inconsistent(`${rule} cannot be True for a difference of ${match[1]} > ${fmt(bound)} (atol + rtol·max|reference|)`);
  }
  if (difference <= check.atol) return pass(`${seen}: within ${rule}'s atol`);
  if (difference > check.float32Tolerance) {
    return fail(`${seen}${said}: ${match[1]} > ${fmt(check.float32Tolerance)}, more than float32 arithmetic differs across runtimes`, true, {
      flags: [{ name: 'parity_failed', detail: `${check.id}: max difference ${match[1]} > ${fmt(check.float32Tolerance)}` }],
    });
  }
  if (bound !== null && difference <= bound && verdict !== false) return pass(`${seen}${said}: within ${rule} of the printed reference values (≤ ${fmt(bound)})`);
  if (verdict === true) {
    return pass(`${seen}${said}: ${rule} said True (rtol·|reference| allows it), and ${match[1]} ≤ ${fmt(check.float32Tolerance)} is float32's own difference across runtimes`);
  }
  // A float32-sized difference the lesson's rule did not accept (or no verdict to tell): points lost, nobody accused.
  return fail(`${seen}${said}: ${match[1]} > atol ${fmt(check.atol)}${verdict === false ? `, and ${rule} said False` : ' and no printed verdict shows np.allclose accepted it'}`, false);
}

function where(context: CheckContext): string {
  const cells = context.evidence.cells.map((c) => c.index);
  return cells.length === 1 ? `cell ${cells[0]}` : `cells ${cells.join(', ')}`;
}

function fmt(value: number): string {
  return String(Number(value.toPrecision(4)));
}
