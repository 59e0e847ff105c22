import { escapeRegex } from './exercise-id.js';

/**
 * Spec patterns are JavaScript regular expressions matched against whole texts in multi-line mode
 * (`^` and `$` match at line boundaries). Compiled once per source and reused: a spec runs hundreds
 * of patterns per hand-in and the class has hundreds of hand-ins.
 */
const cache = new Map<string, RegExp>();

/**
 * `{n}` in a pattern stands for the exercise's id, as a literal ("2A"; escaped, so an id is never read
 * as regular-expression syntax). Whether "Exercise 2" may also match "Exercise 2A" is the pattern's
 * business: the spec's `locate` patterns end `{n}` with `\b` or `[ \t]*:`, so it does not.
 */
export function regex(source: string, exerciseId?: string): RegExp {
  const resolved = exerciseId === undefined ? source : source.replaceAll('{n}', escapeRegex(exerciseId));
  let compiled = cache.get(resolved);
  if (!compiled) {
    compiled = compilePattern(resolved);
    cache.set(resolved, compiled);
  }
  return compiled;
}

/**
 * How drafted heading patterns start (draft-spec.ts): a line's start, markdown's `#`, `**` and `_`, or a
 * code cell's `# @title`.
 */
export const HEADING_LINE_START = String.raw`^[ \t#*_]*(?:@title[ \t]+[*_]*[ \t]*)?`;

const IGNORE_CASE = '(?i)';
/** Between two words of a drafted heading (draft-spec.ts): anything but letters and digits. */
const WORD_GAP = String.raw`[\W_]+`;
const HEADING_WORDS = /^[A-Za-z0-9]+(?:\[\\W_\]\+[A-Za-z0-9]+)*$/;

/** How a pattern is tested against a whole text: cheap necessary conditions first, then the pattern. */
interface TextPlan {
  full: RegExp;
  ignoreCase: boolean;
  /** A drafted heading's words: all but the last appear in the text as whole words, the last as a word's start. */
  words: string[] | null;
  /** For a pattern that starts with HEADING_LINE_START: the rest of it, global. */
  rest: RegExp | null;
  /** For a drafted heading: the whole pattern, sticky, tried only at the starts of lines where the rest matches. */
  sticky: RegExp | null;
}

const plans = new Map<string, TextPlan>();

function planFor(source: string): TextPlan {
  let plan = plans.get(source);
  if (!plan) {
    const ignoreCase = source.startsWith(IGNORE_CASE);
    const body = ignoreCase ? source.slice(IGNORE_CASE.length) : source;
    const rest = body.startsWith(HEADING_LINE_START) ? body.slice(HEADING_LINE_START.length) : '';
    const words = HEADING_WORDS.test(rest) ? rest.split(WORD_GAP).map((w) => (ignoreCase ? w.toLowerCase() : w)) : null;
    plan = {
      full: regex(source),
      ignoreCase,
      words,
      rest: rest ? compilePattern(`${ignoreCase ? IGNORE_CASE : ''}${rest}`, 'g') : null,
      sticky: words ? compilePattern(source, 'y') : null,
    };
    plans.set(source, plan);
  }
  return plan;
}

/**
 * A long text (a whole hand-in) that many spec patterns are tested against (recognition tests every
 * lesson's headings, some 1,600 patterns): `test(source)` is `regex(source).test(text)`, faster.
 *
 * Drafted heading patterns start with HEADING_LINE_START, which is all optional: V8 has no literal to
 * scan for and tries the pattern at every character (~0.3 ms on an 85 KB hand-in, so ~0.5 s a hand-in
 * for the course). Whatever matches such a pattern matches its rest where the start ends, so the rest
 * is a necessary condition (it starts with a word V8 finds fast). Where the rest is words joined by
 * `[\W_]+` (every drafted heading), each word but the last is a whole word of the text (letters and
 * digits between non-word characters) and the last starts one, which a set of the text's words answers
 * at once; and since the start never crosses a line, the pattern can only match from the start of a
 * line where the rest matches: it is tried there alone. Same answers, always.
 */
export class SearchableText {
  private words: Set<string> | null = null;
  private lowerWords: Set<string> | null = null;
  private lower: string | null = null;

  constructor(readonly text: string) {}

  test(source: string): boolean {
    const plan = planFor(source);
    if (plan.words) return this.hasWords(plan.words, plan.ignoreCase) && this.fromLineStarts(plan.rest!, plan.sticky!);
    if (plan.rest) {
      plan.rest.lastIndex = 0;
      if (!plan.rest.test(this.text)) return false;
    }
    return plan.full.test(this.text);
  }

  private hasWords(words: string[], ignoreCase: boolean): boolean {
    const known = ignoreCase ? (this.lowerWords ??= new Set([...this.wordSet()].map((w) => w.toLowerCase()))) : this.wordSet();
    for (let i = 0; i < words.length - 1; i++) if (!known.has(words[i])) return false;
    const last = words[words.length - 1];
    return ignoreCase ? (this.lower ??= this.text.toLowerCase()).includes(last) : this.text.includes(last);
  }

  private wordSet(): Set<string> {
    return (this.words ??= new Set(this.text.split(/[^A-Za-z0-9]+/)));
  }

  /** Whether `sticky` matches at the start of a line where `rest` matches (every place `rest` starts a match). */
  private fromLineStarts(rest: RegExp, sticky: RegExp): boolean {
    const { text } = this;
    let tried = -1;
    rest.lastIndex = 0;
    for (let match = rest.exec(text); match; match = rest.exec(text)) {
      let line = match.index;
      while (line > 0 && !LINE_TERMINATORS.has(text[line - 1])) line--;
      if (line !== tried) {
        sticky.lastIndex = line;
        if (sticky.test(text)) return true;
        tried = line;
      }
      rest.lastIndex = match.index + 1;
    }
    return false;
  }
}

/** Where `^` matches in multi-line mode (after these). */
const LINE_TERMINATORS = new Set(['\n', '\r', '\u2028', '\u2029']);

/**
 * A spec pattern as a RegExp, multi-line, plus `extraFlags`. A pattern that starts with `(?i)` (as in
 * Python) ignores case: lessons head the same step `Step 4`, `STEP 4` and `step 4`.
 */
export function compilePattern(source: string, extraFlags = ''): RegExp {
  const ignoreCase = source.startsWith('(?i)');
  return new RegExp(ignoreCase ? source.slice(4) : source, `m${ignoreCase ? 'i' : ''}${extraFlags}`);
}

/** Longest quote used in evidence: enough to recognise the line, short enough to read in a table. */
const MAX_QUOTE = 160;

export function quote(text: string): string {
  const oneLine = text.replace(/\s*\n\s*/g, ' ⏎ ').trim();
  return `"${oneLine.length > MAX_QUOTE ? `${oneLine.slice(0, MAX_QUOTE - 1)}…` : oneLine}"`;
}

/** Lines (up to `limit`) of `text` matching `pattern`, for evidence when the expected line is absent. */
export function matchingLines(text: string, pattern: RegExp, limit = 2): string[] {
  const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  const found: string[] = [];
  for (const match of text.matchAll(global)) {
    if (match[0].trim()) found.push(match[0].trim());
    if (found.length >= limit) break;
  }
  return found;
}

/** Parse a number as Python prints it (1e-05, 0.00000286, nan, inf). */
export function parsePythonNumber(text: string): number {
  const lowered = text.trim().toLowerCase();
  if (lowered === 'nan') return Number.NaN;
  if (lowered === 'inf' || lowered === '+inf') return Number.POSITIVE_INFINITY;
  if (lowered === '-inf') return Number.NEGATIVE_INFINITY;
  return lowered === '' ? Number.NaN : Number(lowered);
}

/**
 * The literal text a pattern starts with ('Max difference:\s+([-+0-9.eE]+)' → 'Max difference:'),
 * escapes undone; '' when the pattern has alternatives at its top level (no single line to expect).
 */
export function literalStart(pattern: string): string {
  if (hasTopLevelAlternative(pattern)) return '';
  const quantifier = (ch: string | undefined) => ch !== undefined && '?*+{'.includes(ch);
  let text = '';
  for (let i = pattern.startsWith('^') ? 1 : 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      const next = pattern[i + 1];
      if (next === undefined || /[A-Za-z0-9]/.test(next) || quantifier(pattern[i + 2])) break; // \s, \d, \b… or optional
      text += next;
      i += 1;
      continue;
    }
    if ('^$.|?*+()[]{}'.includes(ch) || quantifier(pattern[i + 1])) break;
    text += ch;
  }
  return text.trim();
}

function hasTopLevelAlternative(pattern: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      i += 1;
    } else if (inClass) {
      if (ch === ']') inClass = false;
    } else if (ch === '[') {
      inClass = true;
    } else if (ch === '(') {
      depth += 1;
    } else if (ch === ')') {
      depth -= 1;
    } else if (ch === '|' && depth === 0) {
      return true;
    }
  }
  return false;
}
