/**
 * Statistics of a re-run, all pure: parity between two sets of logits, accuracy and confusion matrices,
 * latency percentiles, a distribution-free confidence interval of the median, the "measure until the
 * interval is tight" driver and the ratio of two medians.
 *
 * Where numpy defines the semantics (allclose, percentile) we follow numpy exactly, because the student
 * computed the same numbers with numpy and the comparison must not differ by convention.
 */

export type Numeric = ArrayLike<number>;

// ---------------------------------------------------------------------------------------------------
// Parity
// ---------------------------------------------------------------------------------------------------

export interface Tolerance {
  readonly atol: number;
  readonly rtol: number;
}

export interface ParityStats {
  readonly count: number;
  /** max |a - b| (NaN when any value is NaN, as numpy's max would be). */
  readonly maxAbsDiff: number;
  /** max |a - b| / |b| over b != 0, as numpy.testing.assert_allclose reports it (Infinity when all b are 0 and a differs). */
  readonly maxRelDiff: number;
  /** numpy.allclose(a, b, rtol, atol): every |a - b| <= atol + rtol * |b|, NaN never close. */
  readonly allclose: boolean;
  readonly tolerance: Tolerance;
  /** Elements outside the tolerance. */
  readonly mismatched: number;
  readonly nonFinite: number;
}

function assertSameLength(a: Numeric, b: Numeric, what: string): void {
  if (a.length !== b.length) throw new RangeError(`${what}: lengths differ (${a.length} vs ${b.length})`);
}

/** Element-wise comparison of `a` (e.g. ONNX Runtime) against the reference `b` (e.g. PyTorch). */
export function parityStats(a: Numeric, b: Numeric, tolerance: Tolerance): ParityStats {
  assertSameLength(a, b, 'parityStats');
  let maxAbsDiff = a.length === 0 ? 0 : -Infinity;
  let maxRelDiff = 0;
  let anyReferenceNonZero = false;
  let mismatched = 0;
  let nonFinite = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    const diff = Math.abs(x - y);
    if (!Number.isFinite(x) || !Number.isFinite(y)) nonFinite++;
    // NaN propagates through Math.max, like numpy's max.
    maxAbsDiff = Math.max(maxAbsDiff, diff);
    if (y !== 0) {
      anyReferenceNonZero = true;
      maxRelDiff = Math.max(maxRelDiff, diff / Math.abs(y));
    }
    // `!(diff <= ...)` so that NaN counts as a mismatch (numpy's equal_nan=False).
    if (!(diff <= tolerance.atol + tolerance.rtol * Math.abs(y))) mismatched++;
  }
  if (!anyReferenceNonZero && maxAbsDiff > 0) maxRelDiff = Infinity;
  return { count: a.length, maxAbsDiff, maxRelDiff, allclose: mismatched === 0, tolerance, mismatched, nonFinite };
}

/** Index of the largest value of each row of a row-major [rows, classes] matrix; ties go to the first (numpy). */
export function argmaxRows(logits: Numeric, classes: number): number[] {
  if (!Number.isInteger(classes) || classes <= 0 || logits.length % classes !== 0) {
    throw new RangeError(`argmaxRows: ${logits.length} values do not form rows of ${classes} classes`);
  }
  const rows = logits.length / classes;
  const result = new Array<number>(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    let bestValue = logits[r * classes];
    for (let c = 1; c < classes; c++) {
      const value = logits[r * classes + c];
      // numpy's argmax treats NaN as the maximum; keep the first NaN, like it does.
      if (value > bestValue || (Number.isNaN(value) && !Number.isNaN(bestValue))) {
        best = c;
        bestValue = value;
      }
    }
    result[r] = best;
  }
  return result;
}

export interface ArgmaxAgreement {
  readonly rows: number;
  readonly agreeing: number;
  /** Row indices whose predicted class differs. */
  readonly disagreeingRows: number[];
}

export function argmaxAgreement(a: Numeric, b: Numeric, classes: number): ArgmaxAgreement {
  assertSameLength(a, b, 'argmaxAgreement');
  const pa = argmaxRows(a, classes);
  const pb = argmaxRows(b, classes);
  const disagreeingRows = pa.flatMap((p, i) => (p === pb[i] ? [] : [i]));
  return { rows: pa.length, agreeing: pa.length - disagreeingRows.length, disagreeingRows };
}

// ---------------------------------------------------------------------------------------------------
// Accuracy and confusion
// ---------------------------------------------------------------------------------------------------

/** Fraction of predictions equal to their label (0..1), as sklearn's accuracy_score. */
export function accuracy(predictions: readonly number[], labels: readonly number[]): number {
  assertSameLength(predictions, labels, 'accuracy');
  if (labels.length === 0) throw new RangeError('accuracy: no labels');
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predictions[i] === labels[i]) correct++;
  return correct / labels.length;
}

/** classes × classes counts, rows = true label, columns = prediction (sklearn's confusion_matrix). */
export function confusionMatrix(labels: readonly number[], predictions: readonly number[], classes: number): number[][] {
  assertSameLength(predictions, labels, 'confusionMatrix');
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i];
    const p = predictions[i];
    if (!Number.isInteger(t) || t < 0 || t >= classes || !Number.isInteger(p) || p < 0 || p >= classes) {
      throw new RangeError(`confusionMatrix: label ${t} or prediction ${p} outside 0..${classes - 1}`);
    }
    matrix[t][p]++;
  }
  return matrix;
}

export function matricesEqual(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): boolean {
  return a.length === b.length && a.every((row, i) => row.length === b[i].length && row.every((v, j) => v === b[i][j]));
}

// ---------------------------------------------------------------------------------------------------
// Percentiles and the confidence interval of the median
// ---------------------------------------------------------------------------------------------------

function sortedCopy(values: Numeric): number[] {
  const sorted = Array.from(values);
  if (sorted.some((v) => Number.isNaN(v))) throw new RangeError('percentile: NaN in the samples');
  return sorted.sort((x, y) => x - y);
}

/**
 * numpy.percentile(values, q) with the default method 'linear', reproducing numpy 1.22+'s arithmetic
 * (virtual index (n - 1) * (q / 100), and its two-sided lerp) so that results agree to the last bit.
 */
export function percentile(values: Numeric, q: number): number {
  return percentileOfSorted(sortedCopy(values), q);
}

export function percentileOfSorted(sorted: readonly number[], q: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('percentile: no samples');
  if (!(q >= 0 && q <= 100)) throw new RangeError(`percentile: q must be within 0..100, got ${q}`);
  const fraction = q / 100;
  const virtualIndex = (n - 1) * fraction;
  const previous = Math.min(Math.max(Math.floor(virtualIndex), 0), n - 1);
  const next = Math.min(Math.max(Math.floor(virtualIndex) + 1, 0), n - 1);
  const gamma = virtualIndex - Math.floor(virtualIndex);
  const a = sorted[previous];
  const b = sorted[next];
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

export interface ConfidenceInterval {
  readonly low: number;
  readonly high: number;
  /** 1-based order statistics used as bounds. */
  readonly lowRank: number;
  readonly highRank: number;
  /** Exact coverage of [X(lowRank), X(highRank)] for a continuous distribution (>= the level asked). */
  readonly coverage: number;
}

/** P(B <= k) for B ~ Binomial(n, 1/2), summed in log space so that n in the thousands stays exact enough. */
function binomialHalfCdf(n: number, k: number): number {
  let logChoose = 0; // log C(n, 0)
  const logHalfPowN = n * Math.log(0.5);
  let sum = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logChoose += Math.log(n - i + 1) - Math.log(i);
    sum += Math.exp(logChoose + logHalfPowN);
  }
  return Math.min(sum, 1);
}

/**
 * Distribution-free confidence interval of the median from order statistics: the number of samples below
 * the true median is Binomial(n, 1/2), so [X(l), X(n+1-l)] covers it with probability 1 - 2 P(B <= l-1).
 * Takes the tightest symmetric pair reaching `level`; null when n is too small (n < 6 at 95%).
 */
export function medianConfidenceInterval(values: Numeric, level = 0.95): ConfidenceInterval | null {
  return medianConfidenceIntervalOfSorted(sortedCopy(values), level);
}

export function medianConfidenceIntervalOfSorted(sorted: readonly number[], level = 0.95): ConfidenceInterval | null {
  const n = sorted.length;
  const alpha = 1 - level;
  let best: { rank: number; coverage: number } | null = null;
  // Walk l upwards while the two tails together stay within alpha; the cdf only grows with l.
  for (let l = 1; l <= Math.floor((n + 1) / 2); l++) {
    const tails = 2 * binomialHalfCdf(n, l - 1);
    if (tails > alpha) break;
    best = { rank: l, coverage: 1 - tails };
  }
  if (best === null) return null;
  const highRank = n + 1 - best.rank;
  return {
    low: sorted[best.rank - 1],
    high: sorted[highRank - 1],
    lowRank: best.rank,
    highRank,
    coverage: best.coverage,
  };
}

export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly min: number;
  readonly max: number;
  readonly medianCi: ConfidenceInterval | null;
  /** max(median - low, high - median) / median; Infinity while there is no interval yet. */
  readonly relativeHalfWidth: number;
}

export function summarizeLatencies(samples: Numeric, level = 0.95): LatencySummary {
  const sorted = sortedCopy(samples);
  const p50 = percentileOfSorted(sorted, 50);
  const medianCi = medianConfidenceIntervalOfSorted(sorted, level);
  const relativeHalfWidth =
    medianCi === null || p50 <= 0 ? Infinity : Math.max(p50 - medianCi.low, medianCi.high - p50) / p50;
  return {
    count: sorted.length,
    p50,
    p95: percentileOfSorted(sorted, 95),
    p99: percentileOfSorted(sorted, 99),
    min: sorted[0],
    max: sorted[sorted.length - 1],
    medianCi,
    relativeHalfWidth,
  };
}

// ---------------------------------------------------------------------------------------------------
// The benchmark loop
// ---------------------------------------------------------------------------------------------------

export interface MeasureOptions {
  /** Untimed calls first (JIT, allocator, caches, cuDNN autotuning). */
  readonly warmup: number;
  readonly minIterations: number;
  readonly maxIterations: number;
  /** Wall-clock budget for the timed part, checked between samples. */
  readonly maxSeconds: number;
  /** Stop once the 95% interval of the median is within ± this fraction of it (0.02 = ±2%). */
  readonly targetRelativeHalfWidth: number;
  readonly confidenceLevel?: number;
  /** Milliseconds clock, injectable for tests; performance.now by default. */
  readonly now?: () => number;
}

export type StopReason = 'stable' | 'max_iterations' | 'max_seconds';

export interface MeasureResult extends LatencySummary {
  readonly samplesMs: number[];
  readonly iterations: number;
  readonly stopReason: StopReason;
  readonly elapsedSeconds: number;
}

function validateMeasureOptions(o: MeasureOptions): void {
  const ok =
    Number.isInteger(o.warmup) &&
    o.warmup >= 0 &&
    Number.isInteger(o.minIterations) &&
    o.minIterations >= 1 &&
    Number.isInteger(o.maxIterations) &&
    o.maxIterations >= o.minIterations &&
    o.maxSeconds > 0 &&
    o.targetRelativeHalfWidth > 0;
  if (!ok) throw new RangeError(`measureUntilStable: invalid options ${JSON.stringify(o)}`);
}

/**
 * Calls `sampleFn` (which returns one latency in ms) after `warmup` discarded calls, at least
 * `minIterations` times, and stops as soon as the median's interval is tight enough, or at the caps.
 * The caps are what keeps a noisy machine from running forever; `stopReason` says which one ended it.
 */
export async function measureUntilStable(
  sampleFn: () => number | Promise<number>,
  options: MeasureOptions,
): Promise<MeasureResult> {
  validateMeasureOptions(options);
  const now = options.now ?? (() => performance.now());
  const level = options.confidenceLevel ?? 0.95;
  for (let i = 0; i < options.warmup; i++) await sampleFn();

  const samplesMs: number[] = [];
  const start = now();
  let stopReason: StopReason | null = null;
  while (stopReason === null) {
    const sample = await sampleFn();
    if (!Number.isFinite(sample) || sample < 0) throw new RangeError(`measureUntilStable: bad sample ${sample}`);
    samplesMs.push(sample);
    const elapsedMs = now() - start;
    if (samplesMs.length >= options.minIterations) {
      if (summarizeLatencies(samplesMs, level).relativeHalfWidth <= options.targetRelativeHalfWidth) {
        stopReason = 'stable';
      } else if (samplesMs.length >= options.maxIterations) {
        stopReason = 'max_iterations';
      } else if (elapsedMs >= options.maxSeconds * 1000) {
        stopReason = 'max_seconds';
      }
    }
  }
  return {
    ...summarizeLatencies(samplesMs, level),
    samplesMs,
    iterations: samplesMs.length,
    stopReason,
    elapsedSeconds: (now() - start) / 1000,
  };
}

// ---------------------------------------------------------------------------------------------------
// Ratio of two medians
// ---------------------------------------------------------------------------------------------------

export interface MedianWithInterval {
  readonly median: number;
  readonly low: number;
  readonly high: number;
}

export interface RatioInterval {
  readonly ratio: number;
  readonly low: number;
  readonly high: number;
  /** Lower bound of the joint coverage (Bonferroni: both intervals hold at once). */
  readonly coverageAtLeast: number;
}

/**
 * numerator.median / denominator.median with a conservative interval: the extreme ratios of the two
 * intervals' ends. If each interval has coverage c, both hold together with probability >= 2c - 1
 * (0.90 for two 95% intervals), and then the true ratio lies inside. For the lesson's speedup the
 * numerator is PyTorch's latency and the denominator ONNX Runtime's.
 */
export function ratioOfMedians(
  numerator: MedianWithInterval,
  denominator: MedianWithInterval,
  coverageEach = 0.95,
): RatioInterval {
  for (const [name, m] of [
    ['numerator', numerator],
    ['denominator', denominator],
  ] as const) {
    if (!(m.low > 0 && m.low <= m.median && m.median <= m.high)) {
      throw new RangeError(`ratioOfMedians: ${name} needs 0 < low <= median <= high, got ${JSON.stringify(m)}`);
    }
  }
  return {
    ratio: numerator.median / denominator.median,
    low: numerator.low / denominator.high,
    high: numerator.high / denominator.low,
    coverageAtLeast: Math.max(0, 2 * coverageEach - 1),
  };
}

/** A summary's median and its interval, or null when there were too few samples for one (n < 6 at 95%). */
export function medianWithInterval(summary: LatencySummary): MedianWithInterval | null {
  return summary.medianCi === null
    ? null
    : { median: summary.p50, low: summary.medianCi.low, high: summary.medianCi.high };
}
