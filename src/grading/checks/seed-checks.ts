import type { CheckSpec, SeedSource } from '../../specs/spec.schema.js';
import { firstNormals, labelsByResolution, MAX_EXERCISE7_NORMALS, parseNumpyArray } from '../../numpy-random/index.js';
import { quote, regex, compilePattern } from '../patterns.js';
import { evaluatePythonInteger } from './expression.js';
import type { SectionEvidence } from '../evidence.js';
import { absenceReason, type CheckContext, type CheckOutcome, fail, pass } from './check.types.js';

type SeedNotForbidden = Extract<CheckSpec, { kind: 'seed_not_forbidden' }>;
type SeedReproduction = Extract<CheckSpec, { kind: 'seed_reproduction' }>;

interface ClaimedSeed {
  seed: number;
  /** How we know, for the evidence. */
  source: string;
  /** Code and output name different seeds: the code was edited after the run. */
  conflict: string | null;
}

/**
 * The seed the student used. The printed `Random seed set to N` comes first: it survives a PDF print
 * (code lines may not) and it is what the data was generated with. The code is the fallback.
 * The code's seed is the value its expression computes (`seed_val = 6*7` is 42); code the grader
 * cannot evaluate (`int(time.time())`) names no seed, so it never contradicts the printed one.
 */
export function claimedSeed(source: SeedSource, evidence: SectionEvidence): ClaimedSeed | null {
  const printed = regex(source.outputPattern).exec(evidence.output);
  const coded = codeSeed(source.codePattern, evidence.code);
  const codeValue = coded?.seed ?? null;
  if (printed) {
    const seed = Number(printed[1]);
    const conflict =
      codeValue !== null && codeValue !== seed ? `the code now sets ${codeValue} but the output says ${seed}` : null;
    return { seed, source: `printed ${quote(printed[0])}`, conflict };
  }
  if (coded && codeValue !== null) {
    const note = evidence.codeMayBeHidden ? ' (no printed seed in the PDF; read from the code)' : '';
    return { seed: codeValue, source: `code ${quote(coded.text)}${coded.computed ? ` (= ${codeValue})` : ''}${note}`, conflict: null };
  }
  return null;
}

/** numpy's legacy RandomState accepts seeds in [0, 2**32 - 1]. */
const MAX_SEED = 2n ** 32n - 1n;

/**
 * The seed the code sets: the last assignment the pattern finds (Python runs them in order), its
 * right-hand side evaluated as a constant integer expression. The capture group is where the
 * expression starts; a pattern that captures only digits (`(\d+)`) still gets the whole expression,
 * up to the end of the line or a comment. `seed: null` when it cannot be evaluated.
 */
export function codeSeed(pattern: string, code: string): { seed: number | null; text: string; computed: boolean } | null {
  let last: RegExpExecArray | null = null;
  const global = compilePattern(pattern, 'gd');
  for (const match of code.matchAll(global)) last = match;
  if (!last || last[1] === undefined || !last.indices?.[1]) return null;
  const start = last.indices[1][0];
  const lineEnd = code.indexOf('\n', start);
  const line = code.slice(start, lineEnd < 0 ? code.length : lineEnd);
  const expression = stripComment(line).trim();
  const value = evaluatePythonInteger(expression);
  const seed = value !== null && value >= 0n && value <= MAX_SEED ? Number(value) : null;
  const text = `${code.slice(last.index, start).trimStart()}${expression}`;
  return { seed, text, computed: seed !== null && String(seed) !== expression };
}

/** A Python line without its `# comment` (the seed line holds no strings, so a `#` starts one). */
function stripComment(line: string): string {
  const hash = line.indexOf('#');
  return hash < 0 ? line : line.slice(0, hash);
}

export function seedNotForbidden(check: SeedNotForbidden, context: CheckContext): CheckOutcome {
  const claimed = claimedSeed(check.seed, context.evidence);
  if (!claimed) return fail(`no seed found: ${absenceReason(context)}`, false);
  if (check.requireRun && !context.evidence.executed) {
    // A seed in code that never ran generated no data.
    return fail(`seed ${claimed.seed} in the code (${claimed.source}), but ${absenceReason(context)}`, false);
  }
  if (check.forbidden.includes(claimed.seed)) {
    return fail(`seed ${claimed.seed} is the example's seed (${claimed.source})`, true);
  }
  return pass(`seed ${claimed.seed} (${claimed.source})`);
}

/**
 * A printed numpy array agrees with the values expected, in order. A print clips long output lines
 * at the page's edge (`cut`: the PDF may have lost text there): a row that does not close the array
 * may end in a number that lost digits, and the numbers after it on that row are gone, so the next
 * row is matched a few values further on. `[-1.0856307  0.99734545  0.2829785  -1.50` then
 * `-2.4266791 …` agrees with seed 123 however much of the first row the page kept.
 */
export function printedArrayAgrees(
  printed: string,
  expected: number[],
  within: (expected: number, printed: number) => boolean,
  cut: boolean,
  wanted: number,
): boolean {
  const rows = printed
    .split('\n')
    .map((row) => {
      const tokens = [...row.matchAll(/[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?/gi)].map((m) => ({ text: m[0], end: m.index! + m[0].length }));
      return { tokens, open: tokens.length > 0 && !row.slice(tokens[tokens.length - 1].end).includes(']') };
    })
    .filter((row) => row.tokens.length > 0);
  let i = 0;
  let matched = 0;
  for (const [r, row] of rows.entries()) {
    if (cut && r > 0 && rows[r - 1].open) {
      // The page cut the row before: find where this row starts among the next few values.
      const first = Number(row.tokens[0].text);
      const start = expected.findIndex((v, k) => k >= i && k <= i + MAX_CUT_VALUES && within(v, first));
      if (start === -1) return matched >= wanted;
      i = start;
    }
    for (const [p, token] of row.tokens.entries()) {
      if (i >= expected.length || matched >= wanted) return matched >= wanted;
      const value = Number(token.text);
      const lastOfCutRow = cut && row.open && p === row.tokens.length - 1;
      const decimals = /e/i.test(token.text) ? null : (token.text.split('.')[1] ?? '').length;
      const agrees = within(expected[i], value) || (lastOfCutRow && decimals !== null && Math.abs(expected[i] - value) < Number(`1e-${decimals}`));
      if (!agrees) return false;
      i++;
      matched++;
    }
  }
  return matched >= wanted;
}

/** numpy prints 6 or 7 of these values a row: at most that many can be lost at a row's end. */
const MAX_CUT_VALUES = 8;

/**
 * Recompute with numpy's legacy generator what the cell must have printed for the seed and shape it
 * claims, and compare. Catches outputs edited after the run without re-executing anything; labels that
 * fit another resolution reveal the resolution really used.
 */
export function seedReproduction(check: SeedReproduction, context: CheckContext): CheckOutcome {
  const { evidence } = context;
  const claimed = claimedSeed(check.seed, evidence);
  if (!claimed) return fail(`no seed found: ${absenceReason(context)}`, false);
  const shape = regex(check.shapePattern).exec(evidence.output);
  const valuesText = regex(check.valuesPattern).exec(evidence.output);
  const labelsText = regex(check.labelsPattern).exec(evidence.output);
  if (!shape || !valuesText || !labelsText) {
    const missing = [!shape && 'data shape', !valuesText && 'sample values', !labelsText && 'sample labels'].filter(Boolean);
    return fail(`${missing.join(', ')} not printed: ${absenceReason(context)}`, false);
  }
  const samples = Number(shape[1]);
  const size = Number(shape[2]);
  if (Number(shape[3]) !== size || samples < 5 || size < 1 || samples * size * size * 3 > MAX_EXERCISE7_NORMALS) {
    return fail(`cannot reproduce data of shape ${quote(shape[0])}`, true);
  }
  let printedValues: number[];
  let printedLabels: number[];
  try {
    printedValues = parseNumpyArray(valuesText[1]);
    printedLabels = parseNumpyArray(labelsText[1]);
  } catch (error) {
    return fail(`printed arrays unreadable: ${(error as Error).message}`, true);
  }
  const flags: NonNullable<CheckOutcome['flags']> = [];
  if (claimed.conflict) flags.push({ name: 'outputs_inconsistent', detail: claimed.conflict });

  // A PDF print may have clipped the array's rows at the page's edge (printedArrayAgrees).
  const cut = evidence.codeMayBeHidden;
  // A notebook shows every value the lesson prints; a clipped print, what the page kept of them.
  const wanted = cut ? Math.min(check.printedValues, printedValues.length) : check.printedValues;
  const within = (v: number, printed: number) => Math.abs(v - printed) <= check.valueTolerance + 1e-6 * Math.abs(v);
  const valuesMatch = (seed: number) =>
    printedArrayAgrees(valuesText[1], firstNormals(seed, check.printedValues + (cut ? 4 * MAX_CUT_VALUES : 0)), within, cut, wanted);

  const claimedFirst = firstNormals(claimed.seed, check.printedValues);
  if (!valuesMatch(claimed.seed)) {
    const actualSeed = check.suspectSeeds.find((s) => s !== claimed.seed && valuesMatch(s));
    const detail = actualSeed !== undefined
      ? `printed sample values are those of seed ${actualSeed}, not of the claimed seed ${claimed.seed}`
      : `printed sample values are not what numpy gives for seed ${claimed.seed}`;
    flags.push({ name: 'outputs_inconsistent', detail });
    if (actualSeed !== undefined) {
      flags.push({ name: 'seed_is_42', detail: `data generated with seed ${actualSeed}` });
    }
    return fail(`${detail} (${claimed.source}); printed ${quote(valuesText[1])}, expected starts ${claimedFirst.slice(0, 3).map(f32).join(' ')}`, true, { flags });
  }

  const [expected] = labelsByResolution(claimed.seed, [size], samples, check.numClasses);
  // The lesson prints five labels; a student who printed more is compared on those five.
  const labelsMatch = (labels: number[]) => printedLabels.length > 0 && printedLabels.slice(0, labels.length).every((l, i) => labels[i] === l);
  if (labelsMatch(expected.labels5)) {
    const passFlags = flags.length > 0 ? { flags } : {};
    return {
      ...pass(`seed ${claimed.seed}, ${samples}×${size}×${size}×3: printed values and labels ${quote(labelsText[1])} are what numpy gives (${claimed.source})`),
      ...passFlags,
    };
  }
  // One pass walks the generator for every candidate resolution (smaller data is a prefix of larger).
  const otherSize = labelsByResolution(claimed.seed, check.candidateSizes.filter((s) => s !== size), samples, check.numClasses)
    .find((candidate) => labelsMatch(candidate.labels5))?.size;
  if (otherSize !== undefined) {
    flags.push({ name: 'wrong_resolution', detail: `labels ${labelsText[1]} are those of ${otherSize} px data, not the ${size} px the output claims` });
    return fail(`printed labels ${quote(labelsText[1])} match ${otherSize}×${otherSize} data, not the claimed ${size}×${size} (numpy gives ${expected.labels5Printed})`, true, { flags });
  }
  flags.push({ name: 'outputs_inconsistent', detail: `labels ${labelsText[1]} are not what numpy gives for seed ${claimed.seed} at ${size} px (${expected.labels5Printed})` });
  return fail(`printed labels ${quote(labelsText[1])}, numpy gives ${expected.labels5Printed} for seed ${claimed.seed} at ${size} px`, true, { flags });
}

function f32(value: number): string {
  return Number(Math.fround(value).toPrecision(8)).toString();
}
