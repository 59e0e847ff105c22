import { open } from 'node:fs/promises';
import { LegacyRandomState } from '../numpy-random/index.js';
import { nhwcToNchw } from './layout.js';
import { encodeNpyHeader } from './npy.js';

export interface SeededData {
  /** `.npy` with the first `used` samples, NCHW float32: exactly what the student's notebook fed both models. */
  path: string;
  used: number;
  /** Labels of the used samples (`randint` drawn after ALL the lesson's samples, as numpy does). */
  labels: number[];
  /** First sample, C×H×W, for batch-1 benchmarks. */
  firstImage: Float32Array;
}

/**
 * The lesson's Exercise 7 data, regenerated from the student's seed with the numpy-compatible
 * generator: `randn(total, size, size, 3).astype(float32)`, then `randint(0, classes, total)`.
 * Written sample by sample (a 512 px sample is 3 MB; 100 of them would be 315 MB in memory), each
 * write giving the event loop back, so a runner step can proceed meanwhile. When
 * fewer than `total` samples are used (CPU re-runs), the rest are skipped so the labels stay right.
 */
export async function writeSeededData(
  path: string,
  spec: { seed: number; size: number; total: number; used: number; classes: number },
  /** Stops between samples (the re-run no longer needs the data): the promise rejects with the reason. */
  signal?: AbortSignal,
): Promise<SeededData> {
  const { seed, size, total, classes } = spec;
  const used = Math.min(spec.used, total);
  const perSample = size * size * 3;
  const random = new LegacyRandomState(seed);
  const file = await open(path, 'w');
  let firstImage: Float32Array = new Float32Array(0);
  try {
    await file.write(encodeNpyHeader('float32', [used, 3, size, size]));
    for (let sample = 0; sample < used; sample++) {
      signal?.throwIfAborted();
      // astype(np.float32) happens before the transpose in the lesson, so round first.
      const nchw = nhwcToNchw(Float32Array.from(random.randn(perSample)), 1, size, size, 3);
      if (sample === 0) firstImage = nchw;
      await file.write(new Uint8Array(nchw.buffer, nchw.byteOffset, nchw.byteLength));
    }
  } finally {
    await file.close();
  }
  random.skipNormals((total - used) * perSample);
  const labels = random.randint(0, classes, total).slice(0, used);
  return { path, used, labels, firstImage };
}
