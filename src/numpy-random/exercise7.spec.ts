import {
  clearExercise7Cache,
  expectedExercise7,
  firstNormals,
  labelsByResolution,
  MAX_EXERCISE7_NORMALS,
} from './exercise7.js';
import { LegacyRandomState } from './random-state.js';
import { numpyReference } from './reference.fixture.js';

const reference = numpyReference();
type ReferenceCase = (typeof reference.cases)[number];

/** Everything the fixture pins for one (seed, size): printed text, float32 values, labels, data tail. */
function expectMatchesNumpy(c: ReferenceCase): void {
  const got = expectedExercise7(c.seed, c.size, c.numSamples);
  expect(got.first10Printed).toBe(c.first10Printed);
  expect(got.first10).toEqual(c.first10);
  expect(got.last3).toEqual(c.last3);
  expect(got.labels).toEqual(c.labels100);
  expect(got.labels5Printed).toBe(c.labels5Printed);
}

/** The obvious way: draw every normal, then the labels. Only for small shapes. */
function naive(seed: number, size: number, numSamples: number, numClasses: number) {
  const rs = new LegacyRandomState(seed);
  const data = Array.from(rs.randn(numSamples * size * size * 3), Math.fround);
  return { first10: data.slice(0, 10), last3: data.slice(-3), labels: rs.randint(0, numClasses, numSamples) };
}

describe('expectedExercise7: the reference README facts', () => {
  // One sweep fills the cache for both sizes (the 244 px data is a prefix of the 512 px data).
  beforeAll(() => labelsByResolution(42, [244, 512]));

  const first10 =
    '[ 0.49671414 -0.1382643   0.64768857  1.5230298  -0.23415338 -0.23413695\n  1.5792128   0.7674347  -0.46947438  0.54256004]';

  it('seed 42 at 244 px prints the README values and labels [2 2 2 2 2]', () => {
    const got = expectedExercise7(42, 244);
    expect(got.first10Printed).toBe(first10);
    expect(got.labels5Printed).toBe('[2 2 2 2 2]');
  });

  it('seed 42 at 512 px prints the same values and labels [0 1 0 3 0]', () => {
    const got = expectedExercise7(42, 512);
    expect(got.first10Printed).toBe(first10);
    expect(got.labels5Printed).toBe('[0 1 0 3 0]');
  });

  it('labelsByResolution tells 244 px from 512 px for seed 42', () => {
    expect(labelsByResolution(42, [512, 244])).toEqual([
      { size: 512, labels5: [0, 1, 0, 3, 0], labels5Printed: '[0 1 0 3 0]' },
      { size: 244, labels5: [2, 2, 2, 2, 2], labels5Printed: '[2 2 2 2 2]' },
    ]);
  });
});

describe('expectedExercise7 against numpy (test/fixtures/numpy-reference.json)', () => {
  it.each(reference.cases.filter((c) => c.size <= 64).map((c) => [c.seed, c.size, c] as const))(
    'seed %d at %d px',
    (_seed, _size, c) => expectMatchesNumpy(c),
  );

  it.each(reference.cases.filter((c) => c.size === 244 && [0, 7, 31337].includes(c.seed)).map((c) => [c.seed, c] as const))(
    'seed %d at 244 px',
    (_seed, c) => expectMatchesNumpy(c),
  );

  it('seed 4294967295 at every recorded size, in one sweep (the 512 px case included)', () => {
    const cases = reference.cases.filter((c) => c.seed === 4294967295);
    clearExercise7Cache();
    labelsByResolution(4294967295, cases.map((c) => c.size));
    cases.forEach(expectMatchesNumpy);
  });
});

// The whole table, 512 px for every seed: ~12 s here. Run with NUMPY_EXHAUSTIVE=1.
const exhaustive = process.env.NUMPY_EXHAUSTIVE === '1' ? describe : describe.skip;
exhaustive('EXHAUSTIVE: every recorded numpy case (NUMPY_EXHAUSTIVE=1)', () => {
  it('matches all cases', () => {
    clearExercise7Cache();
    const seeds = [...new Set(reference.cases.map((c) => c.seed))];
    for (const seed of seeds) {
      const cases = reference.cases.filter((c) => c.seed === seed);
      labelsByResolution(seed, cases.map((c) => c.size));
      cases.forEach(expectMatchesNumpy);
    }
  }, 60_000);
});

describe('expectedExercise7 on small shapes agrees with drawing every normal', () => {
  it.each([
    [3, 1, 1, 5],
    [3, 2, 1, 5],
    [5, 1, 4, 3],
    [8, 3, 2, 5],
    [13, 2, 7, 2],
    [21, 5, 3, 10],
  ])('seed %d, size %d, %d samples, %d classes', (seed, size, numSamples, numClasses) => {
    const expected = naive(seed, size, numSamples, numClasses);
    const got = expectedExercise7(seed, size, numSamples, numClasses);
    expect(got.first10).toEqual(expected.first10);
    expect(got.last3).toEqual(expected.last3);
    expect(got.labels).toEqual(expected.labels);
  });

  it('one sweep over several sizes gives what separate computations give', () => {
    clearExercise7Cache();
    const swept = labelsByResolution(17, [9, 2, 5, 2], 6, 4);
    expect(swept.map((r) => r.size)).toEqual([9, 2, 5, 2]);
    for (const r of swept) expect(r.labels5).toEqual(naive(17, r.size, 6, 4).labels.slice(0, 5));
  });
});

describe('expectedExercise7 cache and inputs', () => {
  it('hands out copies: editing a result does not change the next one', () => {
    const first = expectedExercise7(1, 8);
    first.labels[0] = 99;
    first.first10[0] = 99;
    const second = expectedExercise7(1, 8);
    expect(second.labels[0]).not.toBe(99);
    expect(second.first10[0]).not.toBe(99);
  });

  it.each([
    [[-1, 8, 100, 5], /seed/],
    [[2 ** 32, 8, 100, 5], /seed/],
    [[1, 0, 100, 5], /size must be a positive integer/],
    [[1, 8.5, 100, 5], /size/],
    [[1, 8, 0, 5], /numSamples/],
    [[1, 8, 100, 0], /numClasses/],
    [[1, 4096, 100, 5], /more than the/],
  ] as const)('rejects %p', (args, message) => {
    expect(() => expectedExercise7(...(args as unknown as [number, number, number, number]))).toThrow(message);
  });

  it('has a limit that covers the lesson sizes many times over', () => {
    expect(100 * 512 * 512 * 3).toBeLessThan(MAX_EXERCISE7_NORMALS / 10);
  });

  it('firstNormals gives the float32 values of the first draws', () => {
    const seed42 = reference.cases.find((c) => c.seed === 42) as ReferenceCase;
    expect(firstNormals(42, 3)).toEqual(seed42.first10.slice(0, 3));
    expect(() => firstNormals(42, -1)).toThrow(RangeError);
  });
});
