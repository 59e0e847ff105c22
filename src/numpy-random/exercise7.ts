/**
 * What the lesson's Example/Exercise 7 cell must print for a claimed seed and resolution:
 *
 *   np.random.seed(seed)
 *   X = np.random.randn(numSamples, size, size, 3).astype(np.float32)
 *   y = np.random.randint(0, numClasses, (numSamples,))
 *   print(X[:5].flatten()[:10]); print(y[:5])
 *
 * The labels come after numSamples*size*size*3 normals, so they depend on the resolution actually
 * used; that is how a student who ran 244 px while claiming 512 px shows up. The normals in between
 * are skipped (the generator is advanced without computing them), and results are cached since the
 * 512 px case walks 78.6 million normals.
 */
import { assertLegacySeed } from './mt19937.js';
import { formatFloat32Array, formatIntArray } from './numpy-format.js';
import { tabulatedLabels5 } from './labels-table.js';
import { LegacyRandomState } from './random-state.js';

export interface Exercise7Expected {
  seed: number;
  size: number;
  numSamples: number;
  numClasses: number;
  /** `X[:5].flatten()[:10]` as float32 values. */
  first10: number[];
  /** How numpy prints them: `print(X[:5].flatten()[:10])`. */
  first10Printed: string;
  /** The last three values of X (float32): they pin the generator state just before the labels. */
  last3: number[];
  /** All `numSamples` labels. */
  labels: number[];
  /** How numpy prints `y[:5]`. */
  labels5Printed: string;
}

export interface ResolutionLabels {
  size: number;
  labels5: number[];
  labels5Printed: string;
}

/** Upper bound on the normals one call may walk (about 13x the 512 px case, some 15 s of CPU). */
export const MAX_EXERCISE7_NORMALS = 2 ** 30;

const CACHE_CAPACITY = 64;
const cache = new Map<string, Exercise7Expected>();

function cacheKey(seed: number, size: number, numSamples: number, numClasses: number): string {
  return `${seed}/${size}/${numSamples}/${numClasses}`;
}

function assertPositiveInteger(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`Exercise 7: ${what} must be a positive integer, got ${String(value)}`);
  }
}

function totalNormals(size: number, numSamples: number): number {
  const total = numSamples * size * size * 3;
  if (!Number.isSafeInteger(total) || total > MAX_EXERCISE7_NORMALS) {
    throw new RangeError(
      `Exercise 7: ${numSamples} samples at ${size} px need ${total} normals, more than the ${MAX_EXERCISE7_NORMALS} allowed`,
    );
  }
  return total;
}

function copyOf(result: Exercise7Expected): Exercise7Expected {
  return { ...result, first10: [...result.first10], last3: [...result.last3], labels: [...result.labels] };
}

/**
 * One pass over the seeded stream for several resolutions, smallest first: the data for a smaller
 * size is a prefix of the data for a larger one, so the labels of each size are drawn from a copy of
 * the generator taken where that size's data ends, and the walk goes on. Cost: the largest size only.
 */
function sweep(seed: number, sizes: number[], numSamples: number, numClasses: number): Exercise7Expected[] {
  const rs = new LegacyRandomState(seed);
  const head: number[] = []; // the first (up to) ten normals, as float32
  let drawn = 0;
  const results: Exercise7Expected[] = [];
  for (const size of [...sizes].sort((a, b) => a - b)) {
    const total = totalNormals(size, numSamples);
    while (drawn < Math.min(10, total)) {
      head.push(Math.fround(rs.gauss()));
      drawn++;
    }
    const tailStart = Math.max(total - 3, drawn);
    rs.skipNormals(tailStart - drawn);
    drawn = tailStart;
    const tail: number[] = [];
    while (drawn < total) {
      tail.push(Math.fround(rs.gauss()));
      drawn++;
    }
    const last3: number[] = [];
    for (let i = Math.max(0, total - 3); i < total; i++) last3.push(i < head.length ? head[i] : tail[i - tailStart]);

    const labels = rs.clone().randint(0, numClasses, numSamples);
    const first10 = head.slice(0, Math.min(10, total));
    results.push({
      seed,
      size,
      numSamples,
      numClasses,
      first10,
      first10Printed: formatFloat32Array(first10),
      last3,
      labels,
      labels5Printed: formatIntArray(labels.slice(0, 5)),
    });
  }
  return results;
}

function validate(seed: number, sizes: number[], numSamples: number, numClasses: number): void {
  assertLegacySeed(seed);
  assertPositiveInteger(numSamples, 'numSamples');
  assertPositiveInteger(numClasses, 'numClasses');
  for (const size of sizes) {
    assertPositiveInteger(size, 'size');
    totalNormals(size, numSamples);
  }
}

/** Results for several sizes, from the cache where possible, computing the rest in one sweep. */
function resultsFor(seed: number, sizes: number[], numSamples: number, numClasses: number): Exercise7Expected[] {
  validate(seed, sizes, numSamples, numClasses);
  const missing = [...new Set(sizes)].filter((size) => !cache.has(cacheKey(seed, size, numSamples, numClasses)));
  if (missing.length > 0) {
    for (const result of sweep(seed, missing, numSamples, numClasses)) {
      cache.set(cacheKey(seed, result.size, numSamples, numClasses), result);
    }
  }
  return sizes.map((size) => {
    const key = cacheKey(seed, size, numSamples, numClasses);
    const result = cache.get(key) as Exercise7Expected;
    // Least recently used first in Map order: re-insert on use, evict from the front.
    cache.delete(key);
    cache.set(key, result);
    return result;
  });
}

function evictOverflow(): void {
  while (cache.size > CACHE_CAPACITY) cache.delete(cache.keys().next().value as string);
}

/** What Example/Exercise 7 prints for this seed and resolution (numpy's legacy generator, bit-exact). */
export function expectedExercise7(seed: number, size: number, numSamples = 100, numClasses = 5): Exercise7Expected {
  const [result] = resultsFor(seed, [size], numSamples, numClasses);
  evictOverflow();
  return copyOf(result);
}

/**
 * The first five labels each resolution would give for this seed, in the order of `sizes`: compare a
 * student's printed labels with these to find the resolution actually run.
 */
export function labelsByResolution(seed: number, sizes: number[], numSamples = 100, numClasses = 5): ResolutionLabels[] {
  validate(seed, sizes, numSamples, numClasses);
  // Common seeds are tabulated (labels-table.json): only the others walk the generator.
  const tabulated = new Map(sizes.map((size) => [size, tabulatedLabels5(seed, size, numSamples, numClasses)] as const));
  const missing = sizes.filter((size) => !tabulated.get(size));
  const computed = new Map(resultsFor(seed, missing, numSamples, numClasses).map((r) => [r.size, r.labels.slice(0, 5)] as const));
  evictOverflow();
  return sizes.map((size) => {
    const labels5 = tabulated.get(size) ?? computed.get(size)!;
    return { size, labels5, labels5Printed: formatIntArray(labels5) };
  });
}

/** The first `count` values of `np.random.randn(...).astype(np.float32)` after `np.random.seed(seed)`. */
export function firstNormals(seed: number, count: number): number[] {
  assertLegacySeed(seed);
  if (!Number.isSafeInteger(count) || count < 0 || count > 1_000_000) {
    throw new RangeError(`firstNormals: count must be an integer from 0 to 1000000, got ${String(count)}`);
  }
  return Array.from(new LegacyRandomState(seed).randn(count), Math.fround);
}

/** Forget cached results (benchmarks and tests that want a cold computation). */
export function clearExercise7Cache(): void {
  cache.clear();
}
