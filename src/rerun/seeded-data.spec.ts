import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LegacyRandomState } from '../numpy-random/index.js';
import { nhwcToNchw } from './layout.js';
import { readNpyAs } from './npy.js';
import { writeSeededData } from './seeded-data.js';

describe('writeSeededData', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'seeded-data-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the lesson\'s randn(N, H, W, 3) as NCHW float32, and the labels drawn after all N samples', async () => {
    const spec = { seed: 123, size: 8, total: 5, used: 3, classes: 5 };
    const written = await writeSeededData(join(dir, 'a.npy'), spec);
    const reference = new LegacyRandomState(123);
    const all = Float32Array.from(reference.randn(5 * 8 * 8 * 3));
    const labels = reference.randint(0, 5, 5);
    const file = await readNpyAs(join(dir, 'a.npy'), 'float32', 4);
    expect(file.shape).toEqual([3, 3, 8, 8]);
    expect(Array.from(file.data)).toEqual(Array.from(nhwcToNchw(all.subarray(0, 3 * 8 * 8 * 3), 3, 8, 8, 3)));
    expect(written.labels).toEqual(labels.slice(0, 3));
    expect(Array.from(written.firstImage)).toEqual(Array.from(file.data.subarray(0, 3 * 8 * 8)));
  });

  it('stops between samples when the re-run no longer needs the data', async () => {
    const stop = new AbortController();
    const path = join(dir, 'b.npy');
    stop.abort(new Error('the conversion failed'));
    await expect(writeSeededData(path, { seed: 1, size: 64, total: 100, used: 100, classes: 5 }, stop.signal)).rejects.toThrow('the conversion failed');
    // the header only: no sample was drawn
    expect((await readFile(path)).length).toBeLessThan(200);
  });
});
