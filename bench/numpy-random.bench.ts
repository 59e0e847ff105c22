/**
 * Timings of the numpy legacy RandomState port. The number that matters: the 512 px Exercise 7 case
 * (seed, skip 100*512*512*3 = 78.6 M normals, draw 100 labels), targeted at <= 2 s on one core.
 * Nothing runs at import; call benchNumpyRandom().
 */
import {
  clearExercise7Cache,
  expectedExercise7,
  formatFloat32Array,
  labelsByResolution,
  LegacyRandomState,
  MT19937,
} from '../src/numpy-random/index.js';

export interface NumpyRandomBenchResult {
  name: string;
  /** Median wall time of the runs, milliseconds. */
  ms: number;
  /** Fastest run, milliseconds. */
  minMs: number;
  /** Median CPU time (user + system) of the runs, milliseconds: less sensitive to a busy machine. */
  cpuMs: number;
  runs: number;
  /** Work per run and the rate it gives, where it makes sense. */
  unit?: string;
  perRun?: number;
  nsPerUnit?: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function measure(name: string, runs: number, work: () => void, unit?: string, perRun?: number): NumpyRandomBenchResult {
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    work();
    times.push(performance.now() - start);
    const cpu = process.cpuUsage(cpuStart);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
  }
  const ms = median(times);
  const result: NumpyRandomBenchResult = {
    name,
    ms: round(ms),
    minMs: round(Math.min(...times)),
    cpuMs: round(median(cpuTimes)),
    runs,
  };
  if (unit && perRun) Object.assign(result, { unit, perRun, nsPerUnit: round((ms * 1e6) / perRun) });
  return result;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

export async function benchNumpyRandom(): Promise<NumpyRandomBenchResult[]> {
  const normals512 = 100 * 512 * 512 * 3;
  const normals244 = 100 * 244 * 244 * 3;
  const results: NumpyRandomBenchResult[] = [];

  // Warm the JIT on a small case so the first timed run is not also the compile.
  clearExercise7Cache();
  expectedExercise7(1, 64);

  results.push(
    measure('mt19937 refill (624-word blocks)', 3, () => {
      const mt = new MT19937(42);
      for (let i = 0; i < 100_000; i++) mt.refill();
    }, 'word', 100_000 * 624),
  );
  results.push(
    measure('skipNormals 10M', 3, () => new LegacyRandomState(42).skipNormals(10_000_000), 'normal', 10_000_000),
  );
  results.push(
    measure('randn 1M (log/sqrt computed)', 3, () => new LegacyRandomState(42).randn(1_000_000), 'normal', 1_000_000),
  );
  results.push(
    measure('exercise7 seed 42, 244 px, cold', 3, () => {
      clearExercise7Cache();
      expectedExercise7(42, 244);
    }, 'normal', normals244),
  );
  results.push(
    measure('exercise7 seed 42, 512 px, cold', 3, () => {
      clearExercise7Cache();
      expectedExercise7(42, 512);
    }, 'normal', normals512),
  );
  results.push(measure('exercise7 seed 42, 512 px, cached', 3, () => expectedExercise7(42, 512)));
  results.push(
    measure('labelsByResolution seed 7, [64, 244, 512], cold, one sweep', 1, () => {
      clearExercise7Cache();
      labelsByResolution(7, [64, 244, 512]);
    }, 'normal', normals512),
  );
  const values = Array.from(new LegacyRandomState(3).randn(10));
  results.push(
    measure('format 10 float32 values x1000', 3, () => {
      for (let i = 0; i < 1000; i++) formatFloat32Array(values);
    }, 'array', 1000),
  );
  clearExercise7Cache();
  return results;
}
