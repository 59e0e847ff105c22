import type { CheckSpec } from '../../specs/spec.schema.js';
import { literalStart, matchingLines, parsePythonNumber, quote, regex } from '../patterns.js';
import { absenceReason, describeError, type CheckContext, type CheckOutcome, fail, pass } from './check.types.js';

type Of<K extends CheckSpec['kind']> = Extract<CheckSpec, { kind: K }>;

/** Where the evidence was found, for the instructor. */
function where(context: CheckContext): string {
  const cells = context.evidence.cells.map((c) => c.index);
  return cells.length === 1 ? `cell ${cells[0]}` : `cells ${cells.join(', ')}`;
}

export function outputRegex(check: Of<'output_regex'>, context: CheckContext): CheckOutcome {
  const match = regex(check.pattern).exec(context.evidence.output);
  if (match) return pass(`${quote(match[0])} printed by ${where(context)}`);
  const near = check.near ? matchingLines(context.evidence.output, regex(check.near)) : [];
  if (near.length > 0) {
    return fail(`expected ${inWords(check)}, but ${where(context)} printed ${near.map(quote).join(', ')}`, true);
  }
  return fail(`expected ${inWords(check)}: ${absenceReason(context)}`, false);
}

/**
 * What a pattern looks for, in words a student reads: the line it starts with ("a line starting
 * "PyTorch GPU available: True"") and what the check is for. A regular expression is never shown.
 */
export function inWords(check: { pattern: string; description: string }): string {
  const start = literalStart(check.pattern);
  return start.length >= 4 ? `a line starting ${quote(start)} (${lowerFirst(check.description)})` : lowerFirst(check.description);
}

/** "The verdict…" → "the verdict…"; a name ("PyTorch", "ONNX") keeps its capitals. */
const lowerFirst = (text: string) => (/^[A-Z][a-z]+\b/.test(text) ? `${text[0].toLowerCase()}${text.slice(1)}` : text);

export function outputAbsent(check: Of<'output_absent'>, context: CheckContext): CheckOutcome {
  const match = regex(check.pattern).exec(context.evidence.output);
  if (match) return fail(`${where(context)} printed ${quote(match[0])}`, true);
  if (!context.evidence.executed) return fail(`nothing to inspect: ${absenceReason(context)}`, false);
  return pass(`no /${check.pattern}/ in the output of ${where(context)}`);
}

export function outputNumber(check: Of<'output_number'>, context: CheckContext): CheckOutcome {
  const match = regex(check.pattern).exec(context.evidence.output);
  if (!match) return fail(`expected ${inWords(check)}: ${absenceReason(context)}`, false);
  const value = parsePythonNumber(match[1]);
  const problems: string[] = [];
  if (Number.isNaN(value)) problems.push('is not a number');
  if (check.min !== undefined && !(value >= check.min - check.tolerance)) problems.push(`< ${check.min}`);
  if (check.max !== undefined && !(value <= check.max + check.tolerance)) problems.push(`> ${check.max}`);
  if (check.equals !== undefined && !(Math.abs(value - check.equals) <= check.tolerance)) {
    problems.push(`≠ ${check.equals}${check.tolerance ? ` ± ${check.tolerance}` : ''}`);
  }
  const seen = `${quote(match[0])} (${where(context)})`;
  return problems.length === 0 ? pass(seen) : fail(`${seen}: ${match[1]} ${problems.join(' and ')}`, true);
}

export function figure(check: Of<'figure'>, context: CheckContext): CheckOutcome {
  const count = context.evidence.imageCount;
  if (count >= check.minImages) return pass(`${count} figure(s) in the output of ${where(context)}`);
  return fail(
    `${count} figure(s), ${check.minImages} expected: ${count === 0 ? absenceReason(context) : 'too few'}`,
    false,
  );
}

export function noError(_check: Of<'no_error'>, context: CheckContext): CheckOutcome {
  const [error] = context.evidence.errors;
  if (error) {
    return fail(`${where(context)} stopped with ${describeError(error)}`, true);
  }
  if (!context.evidence.executed) return fail(absenceReason(context), false);
  return pass(`${where(context)} ran without an error output`);
}

export function email(check: Of<'email'>, context: CheckContext): CheckOutcome {
  const match = regex(check.pattern).exec(context.evidence.output);
  if (match) return pass(`${quote(match[0])} printed by ${where(context)}`);
  const warning = matchingLines(context.evidence.output, /WARNING.*/);
  if (warning.length > 0) return fail(`no address; ${where(context)} printed ${warning.map(quote).join(', ')}`, true);
  return fail(`no ${/gmail/i.test(check.pattern) ? 'Gmail ' : 'e-mail '}address printed: ${absenceReason(context)}`, context.evidence.executed);
}

/** The address an `email` check would credit, for the grade's student field. */
export function extractEmail(pattern: string, text: string): string | null {
  return regex(pattern).exec(text)?.[0].toLowerCase() ?? null;
}
