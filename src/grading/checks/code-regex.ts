import type { CheckSpec } from '../../specs/spec.schema.js';
import { quote, regex } from '../patterns.js';
import { absenceReason, type CheckContext, type CheckOutcome, fail, pass } from './check.types.js';

type CodeRegex = Extract<CheckSpec, { kind: 'code_regex' }>;

/**
 * A pattern in the student's code. A PDF print cuts long code lines, so where the code may be hidden
 * the check falls back to printed output, and says so in the evidence. With `requireRun` (the
 * default) it pays only when the cell ran: outputs or an execution count.
 */
export function codeRegex(check: CodeRegex, context: CheckContext): CheckOutcome {
  const { evidence } = context;
  const match = regex(check.pattern).exec(evidence.code);
  if (check.requireRun && !evidence.empty && !evidence.executed) {
    // Code that never ran proves nothing (a notebook saved with its outputs cleared still shows it).
    const seen = match ? `code contains ${quote(match[0])}, but` : `code has no /${check.pattern}/ and`;
    return fail(`${seen} ${absenceReason(context)}: code-only checks pay for code that ran`, false);
  }
  if (match) return pass(`code contains ${quote(match[0])}`);
  if (!evidence.codeMayBeHidden) {
    return fail(`code has no /${check.pattern}/${evidence.empty ? ': the cell is empty' : ''}`, !evidence.empty);
  }
  if (check.fallbackOutputPattern) {
    const printed = regex(check.fallbackOutputPattern).exec(evidence.output);
    if (printed) {
      return pass(`code not visible in the PDF (long lines are cut by the printer); output ${quote(printed[0])} shows it`);
    }
  }
  if (evidence.empty || !evidence.executed) {
    return fail(`code not found and ${absenceReason(context)}`, false);
  }
  const award = check.whenCodeHidden === 'award';
  return {
    status: 'skip',
    evidence:
      `/${check.pattern}/ not found in the PDF's code (the printer cuts long lines, so it may be hidden); ` +
      (award ? 'points awarded on the strength of the printed outputs' : 'points withheld until the .ipynb is checked'),
    contradicted: false,
    points: award ? check.points : 0,
    flags: [{ name: 'code_truncated', detail: `${check.id}: code not visible in the PDF` }],
  };
}
