import { compareClaims, formatNumber, type ClaimTolerances } from './claims.js';

const tolerances: ClaimTolerances = {
  maxDifference: { floor: 1e-6, factor: 10 },
  accuracy: { absolute: 0.01 },
  speedup: { relative: 0.1 },
};

describe('compareClaims', () => {
  it('reproduces honest claims and says so with both numbers', () => {
    const { results, skipped } = compareClaims(
      { maxDifference: 3.2e-6, pytorchAccuracy: 0.21, onnxAccuracy: 0.21, matricesMatch: true, speedup: 1.9 },
      {
        maxDifference: 1.1e-6,
        pytorchAccuracy: 0.22,
        onnxAccuracy: 0.21,
        matricesMatch: true,
        speedup: { ratio: 2.0, low: 1.95, high: 2.1 },
      },
      tolerances,
    );
    expect(skipped).toEqual([]);
    expect(results.map((r) => [r.claim, r.reproduced])).toEqual([
      ['maxDifference', true],
      ['pytorchAccuracy', true], // gap 0.01 exactly: inclusive despite binary rounding
      ['onnxAccuracy', true],
      ['matricesMatch', true],
      ['speedup', true], // 1.9 >= 1.95 * 0.9
    ]);
    expect(results[0].evidence).toBe(
      'claimed max difference 3.20e-6, measured 1.10e-6: within a factor 10 of each other (ratio 2.90909)',
    );
  });

  it('carries both numbers when a claim is not reproduced', () => {
    const { results } = compareClaims(
      { maxDifference: 2e-7, pytorchAccuracy: 0.95, matricesMatch: true, speedup: 12 },
      { maxDifference: 0.37, pytorchAccuracy: 0.2, matricesMatch: false, speedup: { ratio: 1.5, low: 1.4, high: 1.6 } },
      tolerances,
    );
    expect(results.every((r) => !r.reproduced)).toBe(true);
    const byClaim = Object.fromEntries(results.map((r) => [r.claim, r.evidence]));
    expect(byClaim.maxDifference).toBe(
      'claimed max difference 2.00e-7, measured 0.37: not within a factor 10 of each other (ratio 370000)',
    );
    expect(byClaim.pytorchAccuracy).toBe('claimed PyTorch accuracy 0.95, measured 0.2 (gap 0.75, allowed 0.01)');
    expect(byClaim.matricesMatch).toBe('claimed the confusion matrices match, measured: they differ');
    expect(byClaim.speedup).toBe(
      'claimed speedup 12x, measured 1.5x (interval 1.4..1.6, accepted 1.26..1.76 with ±10%)',
    );
  });

  it('treats two differences under the floor as agreeing, whatever their ratio', () => {
    const { results } = compareClaims({ maxDifference: 0 }, { maxDifference: 9e-7 }, tolerances);
    expect(results[0].reproduced).toBe(true);
    expect(results[0].evidence).toMatch(/both at most 1.00e-6/);
    const nan = compareClaims({ maxDifference: 1e-6 }, { maxDifference: NaN }, tolerances);
    expect(nan.results[0].reproduced).toBe(false);
    expect(nan.results[0].evidence).toMatch(/measured NaN/);
  });

  it('lists what was not claimed or not measured instead of guessing', () => {
    const { results, skipped } = compareClaims({ speedup: 3, onnxAccuracy: null }, { pytorchAccuracy: 0.2 }, tolerances);
    expect(results).toEqual([]);
    expect(skipped).toEqual([
      { claim: 'maxDifference', reason: 'not_claimed' },
      { claim: 'pytorchAccuracy', reason: 'not_claimed' },
      { claim: 'onnxAccuracy', reason: 'not_claimed' },
      { claim: 'matricesMatch', reason: 'not_claimed' },
      { claim: 'speedup', reason: 'not_measured' },
    ]);
  });

  it('widens the speedup interval by a provider factor when ORT ran on another provider than the student\'s', () => {
    const measured = { speedup: { ratio: 0.5, low: 0.4, high: 0.6 } };
    const widened = { ...tolerances, speedup: { relative: 0.1, factor: 2, provider: 'ONNX Runtime on WebGPU' } };
    const [honest] = compareClaims({ speedup: 1.19 }, measured, widened).results;
    expect(honest).toMatchObject({ reproduced: true, evidence: 'claimed speedup 1.19x, measured 0.5x (interval 0.4..0.6, accepted 0.18..1.32 with ×/÷2 for ONNX Runtime on WebGPU, then ±10%)' });
    expect(compareClaims({ speedup: 1.19 }, measured, tolerances).results[0].reproduced).toBe(false);
    expect(compareClaims({ speedup: 1.4 }, measured, widened).results[0].reproduced).toBe(false);
    // A factor of 1 is no widening, and says nothing about providers.
    expect(compareClaims({ speedup: 0.5 }, measured, { ...tolerances, speedup: { relative: 0.1, factor: 1 } }).results[0].evidence)
      .toBe('claimed speedup 0.5x, measured 0.5x (interval 0.4..0.6, accepted 0.36..0.66 with ±10%)');
    expect(() => compareClaims({}, {}, { ...tolerances, speedup: { relative: 0.1, factor: 0.5 } })).toThrow(/invalid tolerances/);
  });

  it('refuses nonsensical tolerances', () => {
    expect(() => compareClaims({}, {}, { ...tolerances, maxDifference: { floor: 0, factor: 0.5 } })).toThrow(
      /invalid tolerances/,
    );
  });
});

describe('formatNumber', () => {
  it('keeps small numbers readable and large ones short', () => {
    expect(formatNumber(3.2e-7)).toBe('3.20e-7');
    expect(formatNumber(0.873456789)).toBe('0.873457');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(Infinity)).toBe('Infinity');
  });
});
