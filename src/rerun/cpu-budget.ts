import { availableParallelism, loadavg } from 'node:os';

/**
 * Threads for a CPU step of a re-run: one per core. Kept even when other jobs load the machine:
 * the scheduler shares the CPU per thread, so fewer threads only shrink the step's share (measured by
 * `npm run bench -- rerun-load`: ResNet101 at 512 px on a busy 2-core machine, 1 thread 24-40 s a
 * sample against 7-11 s with 2).
 */
export function cpuThreads(cores: number = availableParallelism()): number {
  return Math.max(1, cores);
}

/**
 * The cores free right now (cores minus the one-minute load, rounded), at least 1: what "threads
 * sized to the free cores" would use. The rerun-load bench compares it with cpuThreads; it lost.
 */
export function freeCpuThreads(cores: number = availableParallelism(), load: number = loadavg()[0]): number {
  if (!Number.isFinite(load) || load < 0) return Math.max(1, cores);
  return Math.max(1, Math.min(cores, Math.round(cores - load)));
}

/** One line of a slow step's progress, as the runner reports it on stderr. */
export interface StepProgress {
  task: string;
  done: number;
  total: number;
  seconds: number;
  secondsPerSample: number;
  /** What all `total` samples take at this pace. */
  projectedSeconds: number;
}

/** A `{"progress": {...}}` line from the runner's stderr; null for any other line. */
export function parseProgressLine(line: string): StepProgress | null {
  if (!line.startsWith('{"progress"')) return null;
  try {
    const { progress } = JSON.parse(line) as { progress?: Partial<StepProgress> };
    if (!progress || typeof progress.done !== 'number' || typeof progress.total !== 'number') return null;
    return {
      task: String(progress.task ?? ''),
      done: progress.done,
      total: progress.total,
      seconds: Number(progress.seconds ?? 0),
      secondsPerSample: Number(progress.secondsPerSample ?? 0),
      projectedSeconds: Number(progress.projectedSeconds ?? 0),
    };
  } catch {
    return null;
  }
}
