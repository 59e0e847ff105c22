import type { CheckSpec } from '../../specs/spec.schema.js';
import { quote } from '../patterns.js';
import { absenceReason, type CheckContext, type CheckOutcome, fail, pass } from './check.types.js';

type ExpectedOutputCheck = Extract<CheckSpec, { kind: 'expected_output' }>;

/**
 * The lessons show what a correct cell prints: "you should see the following output" (the lines
 * themselves) or "something _similar_ to the following output" (numbers, timings, paths, addresses
 * and random values differ from run to run). This compares such a block with what the cell printed.
 *
 * Both modes compare line by line after the normalisation that survives notebooks and PDF prints
 * (spaces collapsed, every kind of quote and backtick made one: the lessons' markdown writes
 * `var2` where Python prints 'var2'). `similar` also replaces each number, hex address, path, URL
 * and e-mail address by a placeholder, so "Epoch 3/10 loss: 0.2311" matches "Epoch 1/10 loss: 0.9".
 * A line counts as found when its normalised form occurs inside a printed line (prints wrap and
 * prefix lines). The check passes when the share of expected lines found reaches `minShare`.
 */
export function expectedOutput(check: ExpectedOutputCheck, context: CheckContext): CheckOutcome {
  const expected = comparableLines(check.lines, check.match);
  if (expected.length === 0) return pass('the lesson shows no line to compare');
  if (!context.evidence.executed || context.evidence.output.trim() === '') {
    return fail(`expected ${describeExpected(check)}: ${absenceReason(context)}`, false);
  }
  // A PDF print cuts an output line at the page's edge: a printed start of the line counts.
  const result = compareLines(expected, context.evidence.output, check.match, context.evidence.codeMayBeHidden);
  const share = result.found / expected.length;
  const summary = `${result.found} of ${expected.length} expected line${expected.length === 1 ? '' : 's'} ${check.match === 'similar' ? 'similar' : 'found'}`;
  const cut = result.clipped > 0 ? ` (${result.clipped} cut at the page's edge by the print, counted by what shows)` : '';
  if (share + 1e-9 >= check.minShare) return pass(`${summary} in the output${cut}`);
  const missing = result.missing.slice(0, 2).map((line) => quote(line.original));
  const printedSample = firstPrintedLines(context.evidence.output);
  return fail(
    `${summary} (${Math.round(check.minShare * 100)}% needed); not found: ${missing.join(', ')}` +
      (printedSample ? `; the cell printed ${printedSample}` : ''),
    true,
  );
}

/** The share of the block's lines that `output` shows (1 for a block with nothing to compare). */
export function expectedLinesShare(lines: readonly string[], match: 'exact' | 'similar', output: string): number {
  const expected = comparableLines(lines, match);
  if (expected.length === 0) return 1;
  return compareLines(expected, output, match).found / expected.length;
}

export interface ComparableLine {
  original: string;
  key: string;
}

/** Lines worth comparing, each with its comparison key. Blank lines and rules (`----`) carry nothing. */
export function comparableLines(lines: readonly string[], match: 'exact' | 'similar'): ComparableLine[] {
  const out: ComparableLine[] = [];
  for (const line of lines) {
    const key = lineKey(line, match);
    if (key.replace(/[-=_~*#|+.<>\s]/g, '') === '') continue;
    out.push({ original: line.trim(), key });
  }
  return out;
}

const QUOTES = /[`'"\u2018\u2019\u201C\u201D\u00B4]/g;

/** The normalised form a line is compared by (see expectedOutput). */
export function lineKey(line: string, match: 'exact' | 'similar'): string {
  let text = line.replace(QUOTES, "'").replace(/\s+/g, ' ').trim();
  if (match === 'similar') {
    text = text
      .replace(/\b[\w.%+-]+@[\w-]+(?:\.[\w-]+)+\b/g, '<email>')
      .replace(/\bhttps?:\/\/\S+/g, '<url>')
      .replace(/(?:[A-Za-z]:\\|~?\/)[^\s'"),;]*/g, '<path>')
      .replace(/\b0x[0-9a-fA-F]+\b/g, '<n>')
      .replace(/[-+]?(?:\d[\d,_]*)?\.?\d+(?:[eE][-+]?\d+)?/g, '<n>')
      .replace(/(?:<n>[\s:/.x×-]*)+<n>/g, '<n>')
      // Words glued to numbers ("12ms", "3s/step") keep their unit only.
      .replace(/\s*<n>\s*/g, '<n>');
  }
  return text;
}

/**
 * How many expected lines occur in some printed line (each printed line may serve one expected line).
 * A line not found so is looked for in the whole output with its line breaks and spaces taken out: a
 * PDF print wraps a long line ("[{'entity_group': 'PER', 'score': …") wherever the page ends.
 */
function compareLines(
  expected: ComparableLine[],
  output: string,
  match: 'exact' | 'similar',
  printCutsLines = false,
): { found: number; missing: ComparableLine[]; clipped: number } {
  const printed = comparableLines(output.split('\n'), match);
  let unwrapped: string | null = null;
  const used = new Set<number>();
  const missing: ComparableLine[] = [];
  let found = 0;
  let clipped = 0;
  for (const line of expected) {
    let at = printed.findIndex((p, i) => !used.has(i) && p.key === line.key);
    // Inside a longer printed line only when the line says enough: "2" is not found in "12".
    const partOfLine = line.key.length >= MIN_PART_OF_LINE;
    if (at < 0 && partOfLine) at = printed.findIndex((p, i) => !used.has(i) && p.key.includes(line.key));
    if (at < 0 && partOfLine) at = printed.findIndex((p) => p.key.includes(line.key));
    if (at >= 0) {
      used.add(at);
      found += 1;
      continue;
    }
    // Only a long line can have been wrapped; a short one found across line breaks is a coincidence.
    unwrapped ??= squash(lineKey(output.split('\n').join(''), match));
    if (line.key.length >= MIN_CLIPPED && unwrapped.includes(squash(line.key))) {
      found += 1;
    } else if (printCutsLines && printed.some((p) => p.key.length >= MIN_CLIPPED && line.key.startsWith(p.key))) {
      found += 1;
      clipped += 1;
    } else {
      missing.push(line);
    }
  }
  return { found, missing, clipped };
}

/** The shortest expected line looked for inside longer printed lines (shorter ones must be a whole line). */
const MIN_PART_OF_LINE = 8;

/** The shortest printed start of a line that stands for the whole line when the print clipped it. */
const MIN_CLIPPED = 30;

const squash = (text: string) => text.replace(/\s+/g, '');

function describeExpected(check: ExpectedOutputCheck): string {
  const first = check.lines.find((l) => l.trim() !== '');
  return first ? `output like ${quote(first)}` : 'output';
}

function firstPrintedLines(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines.length === 0 ? '' : quote(lines.slice(0, 2).join('\n'));
}
