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
