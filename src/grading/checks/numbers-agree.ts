import type { CheckSpec } from '../../specs/spec.schema.js';
import { parsePythonNumber, regex } from '../patterns.js';
import { absenceReason, type CheckContext, type CheckOutcome, fail, pass } from './check.types.js';
import { evaluate } from './expression.js';

type NumbersAgree = Extract<CheckSpec, { kind: 'numbers_agree' }>;

/** Printed numbers that must agree with each other (speedup = latency ratio, accuracies equal...). */
export function numbersAgree(check: NumbersAgree, context: CheckContext): CheckOutcome {
  const values: Record<string, number> = {};
  const seen: string[] = [];
  const missing: string[] = [];
  for (const [name, source] of Object.entries(check.values)) {
    const match = regex(source).exec(context.evidence.output);
    if (!match) {
      missing.push(name);
      continue;
    }
    values[name] = parsePythonNumber(match[1]);
    seen.push(`${name} = ${match[1]}`);
  }
  if (missing.length > 0) {
    return fail(`${missing.join(', ')} not printed: ${absenceReason(context)}`, false);
  }
  const left = evaluate(check.left, values);
  const right = evaluate(check.right, values);
  const allowed = check.absTolerance + check.relTolerance * Math.max(Math.abs(left), Math.abs(right));
  const difference = Math.abs(left - right);
  // Quote what was printed; show the computed sides only when they are expressions.
  const computed = [check.left, check.right].filter((side) => !(side in values)).map((side) => `${side} = ${round(side === check.left ? left : right)}`);
  const summary = `printed ${seen.join(', ')}${computed.length ? ` (${computed.join(', ')})` : ''}`;
  if (difference <= allowed) return pass(summary);
  return fail(`${summary}: they differ by ${round(difference)} (allowed ${round(allowed)})`, true);
}

function round(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(6))) : String(value);
}
