import {
  accuracy,
  argmaxAgreement,
  argmaxRows,
  confusionMatrix,
  matricesEqual,
  measureUntilStable,
  medianConfidenceInterval,
  medianWithInterval,
  parityStats,
  percentile,
  ratioOfMedians,
  summarizeLatencies,
} from './stats.js';

describe('percentile (numpy linear)', () => {
  // Expected values printed by numpy 1.24.2: np.percentile(v, q).
  const v = [12.5, 3.25, 7.0, 9.75, 1.5, 4.0, 15.125, 6.5, 8.0, 2.75, 11.0];
  it.each([
    [0, 1.5],
    [25, 3.625],
    [33.3, 4.824999999999999],
    [50, 7.0],
    [95, 13.8125],
    [99, 14.8625],
    [100, 15.125],
  ])('q=%p', (q, expected) => {
    expect(percentile(v, q)).toBe(expected);
  });

  it('agrees to the last bit on float rounding cases', () => {
    expect(percentile([0.1, 0.7, 0.2], 95)).toBe(0.6499999999999999);
    expect(percentile([0.1, 0.7, 0.2], 99)).toBe(0.69);
    // np.random.RandomState(0).rand(37) * 10
    const x = [
      5.4881350392732475, 7.151893663724195, 6.027633760716439, 5.448831829968968, 4.236547993389047,
      6.458941130666561, 4.375872112626925, 8.917730007820797, 9.636627605010293, 3.8344151882577773,
      7.917250380826646, 5.288949197529044, 5.680445610939323, 9.25596638292661, 0.7103605819788694,
      0.8712929970154071, 0.2021839744032572, 8.32619845547938, 7.781567509498505, 8.700121482468191,
      9.78618342232764, 7.9915856421672355, 4.6147936225293185, 7.805291762864554, 1.1827442586893322,
      6.399210213275238, 1.433532874090464, 9.446689170495839, 5.218483217500717, 4.146619399905235,
      2.64555612104627, 7.742336894342166, 4.5615033221654855, 5.684339488686485, 0.18789800436355142,
      6.176354970758771, 6.120957227224214,
    ];
    expect(percentile(x, 50)).toBe(5.684339488686485);
    expect(percentile(x, 95)).toBe(9.484676857398728);
    expect(percentile(x, 99)).toBe(9.732343328093396);
  });

  it('refuses empty input, NaN and q outside 0..100', () => {
    expect(() => percentile([], 50)).toThrow(/no samples/);
    expect(() => percentile([1, NaN], 50)).toThrow(/NaN/);
    expect(() => percentile([1], 101)).toThrow(/0\.\.100/);
  });
});

describe('parityStats (numpy allclose semantics)', () => {
  it('matches numpy on a failing and a passing case', () => {
    // numpy: allclose(a, b, atol=1e-5, rtol=1e-3) -> False, np.abs(a-b).max() -> 0.099999905 (float32)
    const a = new Float32Array([1.0, 2.0, 0.0, -3.0, 1e-9]);
    const b = new Float32Array([1.00001, 2.1, 0.0, -3.0, 0.0]);
    const failing = parityStats(a, b, { atol: 1e-5, rtol: 1e-3 });
    expect(failing.allclose).toBe(false);
    expect(failing.maxAbsDiff).toBeCloseTo(0.099999905, 8);
    expect(failing.mismatched).toBe(1);
    // assert_allclose's "Max relative difference" skips b == 0: 0.1 / 2.1
    expect(failing.maxRelDiff).toBeCloseTo(0.1 / 2.1, 6);

    // numpy: True, max abs diff 0.0009999275207519531
    const a2 = new Float32Array([1.0, 2.0, 0.0, -3.0, 1e-6]);
    const b2 = new Float32Array([1.0005, 2.001, 0.0, -3.0, 0.0]);
    const passing = parityStats(a2, b2, { atol: 1e-5, rtol: 1e-3 });
    expect(passing.allclose).toBe(true);
    expect(passing.maxAbsDiff).toBe(0.0009999275207519531);
  });

  it('uses |b| (the reference) on the right-hand side, like numpy (asymmetric)', () => {
    // |1 - 2| = 1 <= 0 + 0.5 * |2| but not <= 0.5 * |1|.
    expect(parityStats([1], [2], { atol: 0, rtol: 0.5 }).allclose).toBe(true);
    expect(parityStats([2], [1], { atol: 0, rtol: 0.5 }).allclose).toBe(false);
  });

  it('treats NaN as never close and counts non-finite values', () => {
    const stats = parityStats([NaN, 1], [NaN, 1], { atol: 1, rtol: 1 });
    expect(stats.allclose).toBe(false);
    expect(stats.nonFinite).toBe(1);
    expect(Number.isNaN(stats.maxAbsDiff)).toBe(true);
  });

  it('reports an infinite relative difference when every reference value is zero', () => {
    expect(parityStats([1, 0], [0, 0], { atol: 0, rtol: 0 }).maxRelDiff).toBe(Infinity);
    expect(parityStats([0], [0], { atol: 0, rtol: 0 }).maxRelDiff).toBe(0);
  });

  it('refuses arrays of different lengths', () => {
    expect(() => parityStats([1], [1, 2], { atol: 0, rtol: 0 })).toThrow(/lengths differ/);
  });
});

describe('argmax, accuracy, confusion', () => {
  const logitsA = [0.1, 0.9, 0.0, /**/ 2, 1, 3, /**/ 5, 5, 1];
  const logitsB = [0.1, 0.8, 0.0, /**/ 2, 4, 3, /**/ 5, 5, 1];

  it('argmax per row takes the first maximum, like numpy', () => {
    expect(argmaxRows(logitsA, 3)).toEqual([1, 2, 0]);
    expect(() => argmaxRows([1, 2, 3, 4], 3)).toThrow(/rows of 3/);
  });

  it('counts agreeing rows', () => {
    expect(argmaxAgreement(logitsA, logitsB, 3)).toEqual({ rows: 3, agreeing: 2, disagreeingRows: [1] });
  });

  it('accuracy and the sklearn-oriented confusion matrix (rows = truth)', () => {
    const labels = [0, 1, 2, 2, 1];
    const predictions = [0, 2, 2, 2, 1];
    expect(accuracy(predictions, labels)).toBe(0.8);
    const matrix = confusionMatrix(labels, predictions, 3);
    expect(matrix).toEqual([
      [1, 0, 0],
      [0, 1, 1],
      [0, 0, 2],
    ]);
    expect(matricesEqual(matrix, confusionMatrix(labels, predictions, 3))).toBe(true);
    expect(matricesEqual(matrix, confusionMatrix(labels, labels, 3))).toBe(false);
    expect(() => confusionMatrix([3], [0], 3)).toThrow(/outside 0\.\.2/);
  });
});

describe('medianConfidenceInterval (order statistics, binomial)', () => {
  // Ranks from the exact binomial: n=6 -> (1, 6) 0.96875; n=20 -> (6, 15); n=37 -> (13, 25); n=100 -> (40, 61).
  it.each([
    [6, 1, 6, 0.96875],
    [10, 2, 9, 0.978515625],
    [20, 6, 15, 0.9586105346679688],
    [37, 13, 25, 0.952968972560484],
    [100, 40, 61, 0.9647997997822952],
    [300, 133, 168, 0.9568715007227783],
  ])('n=%p uses ranks %p and %p', (n, lowRank, highRank, coverage) => {
    const values = Array.from({ length: n }, (_, i) => n - i); // reversed: the function sorts
    const ci = medianConfidenceInterval(values);
    expect(ci).not.toBeNull();
    expect(ci?.lowRank).toBe(lowRank);
    expect(ci?.highRank).toBe(highRank);
    expect(ci?.low).toBe(lowRank);
    expect(ci?.high).toBe(highRank);
    expect(ci?.coverage).toBeCloseTo(coverage, 10);
  });

  it('has no 95% interval below 6 samples', () => {
    expect(medianConfidenceInterval([1, 2, 3, 4, 5])).toBeNull();
    expect(summarizeLatencies([1, 2, 3]).relativeHalfWidth).toBe(Infinity);
    expect(medianWithInterval(summarizeLatencies([1, 2, 3]))).toBeNull();
  });
});

describe('measureUntilStable', () => {
  const base = { warmup: 2, minIterations: 3, maxIterations: 50, maxSeconds: 100, targetRelativeHalfWidth: 0.02 };

  it('stops once the interval is within the target, after the warm-up', async () => {
    let calls = 0;
    const result = await measureUntilStable(
      () => {
        calls++;
        return 10;
      },
      { ...base, now: () => 0 },
    );
    // Constant samples give a zero-width interval as soon as one exists (6 samples at 95%).
    expect(result.stopReason).toBe('stable');
    expect(result.iterations).toBe(6);
    expect(calls).toBe(8);
    expect(result.p50).toBe(10);
  });

  it('stops at the iteration cap when the samples stay noisy', async () => {
    let i = 0;
    const result = await measureUntilStable(() => (i++ % 2 === 0 ? 10 : 20), { ...base, now: () => 0 });
    expect(result.stopReason).toBe('max_iterations');
    expect(result.iterations).toBe(50);
    expect(result.relativeHalfWidth).toBeGreaterThan(0.02);
  });

  it('stops at the time cap, measured on the injected clock', async () => {
    let clock = 0;
    let i = 0;
    const result = await measureUntilStable(
      async () => {
        clock += 1000;
        return i++ % 2 === 0 ? 10 : 30;
      },
      { ...base, maxSeconds: 7, now: () => clock },
    );
    expect(result.stopReason).toBe('max_seconds');
    expect(result.iterations).toBe(7);
    expect(result.elapsedSeconds).toBe(7);
  });

  it('refuses inconsistent options and bad samples', async () => {
    await expect(measureUntilStable(() => 1, { ...base, maxIterations: 1 })).rejects.toThrow(/invalid options/);
    await expect(measureUntilStable(() => NaN, base)).rejects.toThrow(/bad sample/);
  });
});

describe('ratioOfMedians', () => {
  it('divides the medians and takes the extreme ends for the interval', () => {
    const ratio = ratioOfMedians({ median: 20, low: 19, high: 22 }, { median: 10, low: 9.5, high: 10.5 });
    expect(ratio.ratio).toBe(2);
    expect(ratio.low).toBeCloseTo(19 / 10.5, 12);
    expect(ratio.high).toBeCloseTo(22 / 9.5, 12);
    expect(ratio.coverageAtLeast).toBeCloseTo(0.9, 12);
  });

  it('refuses non-positive or inconsistent intervals', () => {
    expect(() => ratioOfMedians({ median: 1, low: 0, high: 2 }, { median: 1, low: 1, high: 1 })).toThrow(/numerator/);
    expect(() => ratioOfMedians({ median: 1, low: 1, high: 1 }, { median: 1, low: 2, high: 3 })).toThrow(/denominator/);
  });
});
