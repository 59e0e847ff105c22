/**
 * numpy's float-to-text conversion (numpy/core/src/multiarray/dragon4.c, Ryan Juckett's Dragon4 as
 * numpy extended it), ported with BigInt: the digit generator plus the positional and scientific
 * layouts behind `np.format_float_positional` / `np.format_float_scientific`, which `str(array)` uses.
 *
 * Only the decisions that change the text are ported. numpy's own bigint normalisation (shifting so
 * the divisor's top block is in range) scales every quantity by the same power of two and is omitted.
 * Not a hot path: it runs a few times per graded notebook.
 */

export type FloatKind = 'float32' | 'float64';

/**
 * How trailing zeros and the decimal point are trimmed (numpy's `trim` argument):
 * 'k' keeps them, '.' trims zeros but keeps the point, '0' leaves one zero after the point,
 * '-' trims zeros and the point.
 */
export type TrimMode = 'k' | '.' | '0' | '-';

export interface Dragon4Options {
  /** Maximum digits (after the point for positional, after the first digit for scientific); -1: no cap. */
  precision: number;
  /** Minimum digits, printed even past uniqueness (numpy's min_digits); -1: none. */
  minDigits: number;
  /** Shortest digits that round-trip (true) or exact digits up to `precision` (false). */
  unique: boolean;
  trim: TrimMode;
  /** Print '+' for non-negative values. */
  sign: boolean;
  /** Pad with spaces on the left up to this many characters before the point (positional) or in front (scientific); -1: none. */
  padLeft: number;
}

export interface PositionalOptions extends Dragon4Options {
  /** true: `precision` counts digits after the point; false: total significant digits. */
  fractional: boolean;
  /** Pad with spaces on the right up to this many digits after the point; -1: none. */
  padRight: number;
}

export interface ScientificOptions extends Dragon4Options {
  /** Minimum exponent digits (numpy's exp_digits); -1 means numpy's default of 2. */
  expDigits: number;
}

/** The exact binary value: |x| = mantissa * 2**exponent, and what Dragon4 needs about its neighbours. */
interface Decoded {
  negative: boolean;
  mantissa: bigint;
  exponent: number;
  /** Index of the highest set bit of the mantissa. */
  mantissaBit: number;
  /** At a power of two the gap below is half the gap above. */
  unequalMargins: boolean;
}

const scratch = new DataView(new ArrayBuffer(8));

function decode(value: number, kind: FloatKind): Decoded {
  if (kind === 'float32') {
    scratch.setFloat32(0, value);
    const bits = scratch.getUint32(0);
    const biased = (bits >>> 23) & 0xff;
    const fraction = bits & 0x7fffff;
    const negative = bits >>> 31 === 1;
    if (biased !== 0) {
      return {
        negative,
        mantissa: BigInt((1 << 23) | fraction),
        exponent: biased - 127 - 23,
        mantissaBit: 23,
        unequalMargins: biased !== 1 && fraction === 0,
      };
    }
    return { negative, mantissa: BigInt(fraction), exponent: 1 - 127 - 23, mantissaBit: log2(fraction), unequalMargins: false };
  }
  scratch.setFloat64(0, value);
  const hi = scratch.getUint32(0);
  const lo = scratch.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  const negative = hi >>> 31 === 1;
  if (biased !== 0) {
    return {
      negative,
      mantissa: (1n << 52n) | fraction,
      exponent: biased - 1023 - 52,
      mantissaBit: 52,
      unequalMargins: biased !== 1 && fraction === 0n,
    };
  }
  return { negative, mantissa: fraction, exponent: 1 - 1023 - 52, mantissaBit: fraction.toString(2).length - 1, unequalMargins: false };
}

function log2(n: number): number {
  return 31 - Math.clz32(n);
}

/** numpy's output buffer size; only bounds the digit count of exact (non-unique) output. */
const BUFFER_SIZE = 16384;
const LOG10_2 = 0.30102999566398119521373889472449;

interface DigitRun {
  digits: string;
  /** Base-10 exponent of the first digit. */
  printExponent: number;
}

/** The Dragon4 digit generator with numpy's cutoff rules (cutoffMax/cutoffMin < 0: no cutoff). */
function dragon4(
  d: Decoded,
  unique: boolean,
  totalLength: boolean,
  cutoffMax: number,
  cutoffMin: number,
  bufferSize: number,
): DigitRun {
  const { mantissa, exponent, mantissaBit, unequalMargins } = d;
  if (mantissa === 0n) return { digits: '0', printExponent: 0 };
  const isEven = (mantissa & 1n) === 0n;

  // value = scaledValue / scale; the margins are half the gaps to the neighbouring floats, all
  // doubled (quadrupled with unequal margins) so they stay integers.
  let scaledValue: bigint;
  let scale: bigint;
  let marginLow: bigint;
  if (unequalMargins) {
    if (exponent > 0) {
      scaledValue = mantissa << BigInt(exponent + 2);
      scale = 4n;
      marginLow = 1n << BigInt(exponent);
    } else {
      scaledValue = mantissa << 2n;
      scale = 1n << BigInt(-exponent + 2);
      marginLow = 1n;
    }
  } else if (exponent > 0) {
    scaledValue = mantissa << BigInt(exponent + 1);
    scale = 2n;
    marginLow = 1n << BigInt(exponent);
  } else {
    scaledValue = mantissa << 1n;
    scale = 1n << BigInt(-exponent + 1);
    marginLow = 1n;
  }
  const highFactor = unequalMargins ? 2n : 1n;

  // Burger & Dybvig estimate of floor(log10(v)) + 1, correct or one too low (same double arithmetic as C).
  let digitExponent = Math.ceil((mantissaBit + exponent) * LOG10_2 - 0.69);
  if (cutoffMax >= 0 && !totalLength && digitExponent <= -cutoffMax) digitExponent = -cutoffMax + 1;
  if (digitExponent > 0) {
    scale *= 10n ** BigInt(digitExponent);
  } else if (digitExponent < 0) {
    const pow10 = 10n ** BigInt(-digitExponent);
    scaledValue *= pow10;
    marginLow *= pow10;
  }
  if (scaledValue >= scale) {
    digitExponent += 1;
  } else {
    scaledValue *= 10n;
    marginLow *= 10n;
  }

  let cutoffMaxExponent = digitExponent - bufferSize;
  if (cutoffMax >= 0) {
    const desired = totalLength ? digitExponent - cutoffMax : -cutoffMax;
    if (desired > cutoffMaxExponent) cutoffMaxExponent = desired;
  }
  let cutoffMinExponent = digitExponent;
  if (cutoffMin >= 0) {
    const desired = totalLength ? digitExponent - cutoffMin : -cutoffMin;
    if (desired < cutoffMinExponent) cutoffMinExponent = desired;
  }
  let printExponent = digitExponent - 1;

  const digits: number[] = [];
  let low = false;
  let high = false;
  let outputDigit = 0;
  if (unique) {
    for (;;) {
      digitExponent -= 1;
      outputDigit = Number(scaledValue / scale);
      scaledValue %= scale;
      const scaledValueHigh = scaledValue + marginLow * highFactor;
      // Within half a gap of the neighbours: the digits so far already identify the value. The
      // boundary itself counts for even mantissas (round-half-even reading back).
      low = isEven ? scaledValue <= marginLow : scaledValue < marginLow;
      high = isEven ? scaledValueHigh >= scale : scaledValueHigh > scale;
      if (((low || high) && digitExponent <= cutoffMinExponent) || digitExponent === cutoffMaxExponent) break;
      digits.push(outputDigit);
      scaledValue *= 10n;
      marginLow *= 10n;
    }
  } else {
    for (;;) {
      digitExponent -= 1;
      outputDigit = Number(scaledValue / scale);
      scaledValue %= scale;
      if (scaledValue === 0n || digitExponent === cutoffMaxExponent) break;
      digits.push(outputDigit);
      scaledValue *= 10n;
    }
  }

  // Round the last digit: down if only that is allowed, else to nearest, ties to the even digit.
  let roundDown = low;
  if (low === high) {
    const doubled = scaledValue * 2n;
    roundDown = doubled < scale || (doubled === scale && (outputDigit & 1) === 0);
  }
  if (roundDown) {
    digits.push(outputDigit);
  } else if (outputDigit < 9) {
    digits.push(outputDigit + 1);
  } else {
    // Carry: drop trailing nines, bump the first other digit, or become "1" one decade up.
    while (digits.length > 0 && digits[digits.length - 1] === 9) digits.pop();
    if (digits.length === 0) {
      digits.push(1);
      printExponent += 1;
    } else {
      digits[digits.length - 1] += 1;
    }
  }
  return { digits: digits.join(''), printExponent };
}

function signOf(d: Decoded, sign: boolean): string {
  return d.negative ? '-' : sign ? '+' : '';
}

/** Trailing-zero and decimal-point trimming of the positional layout (fraction digits only). */
function trimFraction(fraction: string, hasPoint: boolean, trim: TrimMode): { fraction: string; hasPoint: boolean } {
  if (trim === 'k' || fraction.length === 0) return { fraction, hasPoint };
  const trimmed = fraction.replace(/0+$/, '');
  if (trimmed.length > 0) return { fraction: trimmed, hasPoint };
  if (trim === '0') return { fraction: '0', hasPoint };
  if (trim === '-') return { fraction: '', hasPoint: false };
  return { fraction: '', hasPoint };
}

/** numpy's PrintInfNan: no padding, and a sign only on infinities. */
function nonFinite(value: number, sign: boolean): string {
  if (Number.isNaN(value)) return 'nan';
  return (value < 0 ? '-' : sign ? '+' : '') + 'inf';
}

/** `np.format_float_positional` (numpy's FormatPositional). */
export function formatPositional(value: number, kind: FloatKind, o: PositionalOptions): string {
  if (!Number.isFinite(value)) return nonFinite(value, o.sign);
  const d = decode(value, kind);
  const signText = signOf(d, o.sign);
  const run = dragon4(d, o.unique, !o.fractional, o.precision, o.minDigits, BUFFER_SIZE - signText.length - 1);

  let whole: string;
  let fraction: string;
  if (run.printExponent >= 0) {
    const wholeDigits = run.printExponent + 1;
    whole = run.digits.slice(0, wholeDigits).padEnd(wholeDigits, '0');
    fraction = run.digits.slice(wholeDigits);
  } else {
    whole = '0';
    fraction = '0'.repeat(-(run.printExponent + 1)) + run.digits;
  }
  let hasPoint = fraction.length > 0 || o.trim !== '-';

  const addDigits = o.unique ? o.minDigits : o.precision;
  const desiredFraction = o.fractional ? Math.max(addDigits, 0) : addDigits - whole.length;
  if (o.trim === '0') {
    if (fraction.length === 0) fraction = '0';
  } else if (o.trim === 'k' && desiredFraction > fraction.length) {
    fraction = fraction.padEnd(desiredFraction, '0');
  }
  ({ fraction, hasPoint } = trimFraction(fraction, hasPoint, o.trim));

  let text = signText + whole + (hasPoint ? '.' : '') + fraction;
  if (o.padRight >= fraction.length) {
    if (o.trim === '-' && fraction.length === 0) text += ' ';
    text += ' '.repeat(o.padRight - fraction.length);
  }
  const leftUsed = whole.length + signText.length;
  if (o.padLeft > leftUsed) text = ' '.repeat(o.padLeft - leftUsed) + text;
  return text;
}

/** `np.format_float_scientific` (numpy's FormatScientific). */
export function formatScientific(value: number, kind: FloatKind, o: ScientificOptions): string {
  if (!Number.isFinite(value)) return nonFinite(value, o.sign);
  const d = decode(value, kind);
  const signText = signOf(d, o.sign);
  const leftChars = 1 + signText.length;
  const padding = o.padLeft > leftChars ? ' '.repeat(o.padLeft - leftChars) : '';
  const run = dragon4(
    d,
    o.unique,
    true,
    o.precision < 0 ? -1 : o.precision + 1,
    o.minDigits < 0 ? -1 : o.minDigits + 1,
    BUFFER_SIZE - padding.length - signText.length,
  );

  const first = run.digits[0];
  let fraction = run.digits.slice(1);
  const hasPoint = fraction.length > 0 || o.trim !== '-';
  const addDigits = Math.max(o.unique ? o.minDigits : o.precision, 0);
  if (o.trim === '0') {
    if (fraction.length === 0) fraction = '0';
  } else if (o.trim === 'k' && addDigits > fraction.length) {
    fraction = fraction.padEnd(addDigits, '0');
  }
  // Unlike the positional layout, numpy keeps the point here even when '-' trims every digit.
  if (o.trim !== 'k' && fraction.length > 0) {
    fraction = fraction.replace(/0+$/, '');
    if (fraction.length === 0 && o.trim === '0') fraction = '0';
  }

  let expDigits = o.expDigits;
  if (expDigits > 5) expDigits = 5;
  if (expDigits < 0) expDigits = 2;
  const exponentText =
    (run.printExponent >= 0 ? '+' : '-') + String(Math.abs(run.printExponent)).padStart(expDigits, '0');
  return padding + signText + first + (hasPoint ? '.' : '') + fraction + 'e' + exponentText;
}
