/**
 * `str(array)` for 1-D numpy arrays with default print options, and a reader for such text.
 *
 * Port of numpy/core/arrayprint.py (array2string, _formatArray, FloatingFormat, IntegerFormat) for the
 * 1-D case: precision 8, floatmode 'maxprec', sign '-', linewidth 75, threshold 1000, edgeitems 3,
 * suppress off, nan 'nan', inf 'inf'. The printed values come from dragon4.ts.
 */
import { type FloatKind, formatPositional, formatScientific } from './dragon4.js';

export interface PrintOptions {
  /** Digits after the point at most (numpy's precision). */
  precision: number;
  /** Characters per line (numpy's linewidth). */
  linewidth: number;
  /** Arrays with more elements are summarised with '...' (numpy's threshold). */
  threshold: number;
  /** Elements kept at each end of a summarised array (numpy's edgeitems). */
  edgeitems: number;
}

export const DEFAULT_PRINT_OPTIONS: Readonly<PrintOptions> = Object.freeze({
  precision: 8,
  linewidth: 75,
  threshold: 1000,
  edgeitems: 3,
});

/** The elements that decide the layout and get printed: all, or the two ends when summarised. */
interface Shown<T> {
  leading: T[];
  trailing: T[];
  summarised: boolean;
}

function shownElements<T>(values: ArrayLike<T>, options: PrintOptions): Shown<T> {
  const all = Array.from(values);
  if (all.length > options.threshold && 2 * options.edgeitems < all.length) {
    return {
      leading: all.slice(0, options.edgeitems),
      trailing: all.slice(all.length - options.edgeitems),
      summarised: true,
    };
  }
  return { leading: [], trailing: all, summarised: false };
}

/** numpy's _formatArray for one axis: wrap words at the line width with a one-space hanging indent. */
function layout(shown: Shown<string>, linewidth: number): string {
  const hangingIndent = ' ';
  const separator = ' ';
  // Every element must leave room for ']' (or the trimmed separator) after it on its line.
  const elementWidth = linewidth - Math.max(separator.trimEnd().length, 1);
  let text = '';
  let line = hangingIndent;
  const extend = (word: string): void => {
    // Wrapping a line that holds nothing but the indent would not help, so numpy does not.
    if (line.length + word.length > elementWidth && line.length > hangingIndent.length) {
      text += line.trimEnd() + '\n';
      line = hangingIndent;
    }
    line += word;
  };
  const words = [...shown.leading, ...(shown.summarised ? ['...'] : []), ...shown.trailing];
  words.forEach((word, index) => {
    extend(word);
    if (index < words.length - 1) line += separator;
  });
  text += line;
  return '[' + text.slice(hangingIndent.length) + ']';
}

function merged<T>(shown: Shown<T>): T[] {
  return [...shown.leading, ...shown.trailing];
}

/**
 * numpy's FloatingFormat: choose positional or scientific from the finite non-zero magnitudes, do a
 * first pass to find the widest integer and fraction parts, then print every element padded to them.
 */
function floatFormatter(data: number[], kind: FloatKind, precision: number): (x: number) => string {
  const finite = data.filter((x) => Number.isFinite(x));
  const nonZero = finite.filter((x) => x !== 0).map(Math.abs);
  // numpy divides in the array's dtype: for float32 data the ratio is rounded to float32.
  const ratio = (a: number, b: number): number => (kind === 'float32' ? Math.fround(a / b) : a / b);
  let scientific = false;
  if (nonZero.length > 0) {
    const max = Math.max(...nonZero);
    const min = Math.min(...nonZero);
    scientific = max >= 1e8 || min < 0.0001 || ratio(max, min) > 1000;
  }

  let padLeft = 0;
  let padRight = 0;
  let expSize = -1;
  let formatOne: (x: number) => string;
  if (finite.length === 0) {
    formatOne = () => '';
  } else if (scientific) {
    const first = finite.map((x) =>
      formatScientific(x, kind, { precision, minDigits: -1, unique: true, trim: '.', sign: false, padLeft: -1, expDigits: -1 }),
    );
    const parts = first.map((s) => {
      const [mantissa, exponent] = s.split('e');
      const [whole, fraction] = mantissa.split('.');
      return { whole, fraction, exponent };
    });
    expSize = Math.max(...parts.map((p) => p.exponent.length)) - 1;
    const digits = Math.max(...parts.map((p) => p.fraction.length));
    padLeft = Math.max(...parts.map((p) => p.whole.length));
    padRight = expSize + 2 + digits;
    formatOne = (x) =>
      formatScientific(x, kind, { precision: digits, minDigits: digits, unique: true, trim: 'k', sign: false, padLeft, expDigits: expSize });
  } else {
    const first = finite.map((x) =>
      formatPositional(x, kind, { precision, minDigits: -1, unique: true, fractional: true, trim: '.', sign: false, padLeft: -1, padRight: -1 }),
    );
    const parts = first.map((s) => s.split('.'));
    padLeft = Math.max(...parts.map((p) => p[0].length));
    padRight = Math.max(...parts.map((p) => p[1].length));
    formatOne = (x) =>
      formatPositional(x, kind, { precision, minDigits: 0, unique: true, fractional: true, trim: '.', sign: false, padLeft, padRight });
  }

  if (finite.length !== data.length) {
    // Room for 'nan' / 'inf' / '-inf' in the same column.
    const negativeInfinity = data.some((x) => x === -Infinity) ? 1 : 0;
    const offset = padRight + 1;
    padLeft = Math.max(padLeft, 3 - offset, 3 + negativeInfinity - offset);
  }
  const width = padLeft + padRight + 1;
  return (x) => {
    if (Number.isNaN(x)) return 'nan'.padStart(width);
    if (!Number.isFinite(x)) return (x < 0 ? '-inf' : 'inf').padStart(width);
    return formatOne(x);
  };
}

/**
 * `str(arr)` for a 1-D float array, as numpy prints it with default options. Values are rounded to
 * the dtype first (float32 by default, as `.astype(np.float32)` does).
 */
export function formatFloatArray(
  values: ArrayLike<number>,
  kind: FloatKind = 'float32',
  options: Partial<PrintOptions> = {},
): string {
  const o = { ...DEFAULT_PRINT_OPTIONS, ...options };
  if (values.length === 0) return '[]';
  const typed = Array.from(values, (x) => (kind === 'float32' ? Math.fround(x) : x));
  const shown = shownElements(typed, o);
  const format = floatFormatter(merged(shown), kind, o.precision);
  return layout({ ...shown, leading: shown.leading.map(format), trailing: shown.trailing.map(format) }, o.linewidth);
}

/** `str(arr)` for a float32 array (the lesson's `.astype(np.float32)` data). */
export function formatFloat32Array(values: ArrayLike<number>, options: Partial<PrintOptions> = {}): string {
  return formatFloatArray(values, 'float32', options);
}

/** `str(arr)` for a 1-D integer array: right-aligned to the wider of str(max) and str(min). */
export function formatIntArray(values: ArrayLike<number>, options: Partial<PrintOptions> = {}): string {
  const o = { ...DEFAULT_PRINT_OPTIONS, ...options };
  const all = Array.from(values);
  if (all.length === 0) return '[]';
  for (const x of all) {
    if (!Number.isSafeInteger(x)) throw new RangeError(`formatIntArray: ${String(x)} is not a safe integer`);
  }
  const shown = shownElements(all, o);
  const data = merged(shown);
  const width = Math.max(String(Math.max(...data)).length, String(Math.min(...data)).length);
  const format = (x: number): string => String(x).padStart(width);
  return layout({ ...shown, leading: shown.leading.map(format), trailing: shown.trailing.map(format) }, o.linewidth);
}

const NUMBER_TOKEN = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const SPECIAL_TOKEN = /^([+-]?)(nan|inf)$/i;

/**
 * Read a printed 1-D numpy array back into numbers: `[ 0.5 -1.  2. ]`, wrapped over several lines,
 * with extra spaces, or with commas (repr style). Throws a RangeError naming the offending token.
 */
export function parseNumpyArray(text: string): number[] {
  const trimmed = text.trim();
  if (!trimmed.startsWith('[') || !trimmed.endsWith(']')) {
    throw new RangeError(`not a printed numpy array (expected [...]): ${JSON.stringify(text.slice(0, 60))}`);
  }
  const inner = trimmed.slice(1, -1);
  if (inner.includes('[') || inner.includes(']')) {
    throw new RangeError('only 1-D arrays can be read back: nested brackets found');
  }
  const tokens = inner.split(/[\s,]+/).filter((t) => t.length > 0);
  return tokens.map((token) => {
    if (token === '...') {
      throw new RangeError('the array was printed summarised ("..."): its values cannot be read back');
    }
    if (NUMBER_TOKEN.test(token)) return Number(token);
    const special = SPECIAL_TOKEN.exec(token);
    if (special) {
      if (special[2].toLowerCase() === 'nan') return Number.NaN;
      return special[1] === '-' ? -Infinity : Infinity;
    }
    throw new RangeError(`not a number in printed numpy array: ${JSON.stringify(token)}`);
  });
}
