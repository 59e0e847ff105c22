/**
 * What one logits sample costs on this CPU, quiet and with a competing load (one busy process per
 * core, as other jobs on a shared worker), with torch's threads fixed at the core count (the old
 * way) and sized to the cores free when the step starts (freeCpuThreads, what a re-run does now).
 * The logits step runs its samples in batches and reports its pace; the re-run stops a step at its
 * deadline with the samples done when the pace says the rest will not fit.
 *
 * `npm run bench -- rerun-load` (ResNet101 + the lesson's head at 512 px by default;
 * BENCH_RERUN_BACKBONE, BENCH_RERUN_SIZE, BENCH_RERUN_SAMPLES for a quicker look). The `rerun`
 * section reports the same measurement for its model.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeCpuThreads } from '../src/rerun/cpu-budget.js';
import { withJobDir } from '../src/rerun/job-dir.js';
import { nhwcToNchw } from '../src/rerun/layout.js';
import { writeNpy } from '../src/rerun/npy.js';
import type { Architecture, RunnerRequest } from '../src/rerun/runner-protocol.js';
import { RunnerSession } from '../src/rerun/runner-session.js';
import { LegacyRandomState } from '../src/numpy-random/random-state.js';
import { makeFixtures } from '../test/support/runner-fixtures.js';

export interface SampleCost {
  /** Busy processes competing for the cores while it ran. */
  readonly competing: number;
  readonly threads: number;
  /** 'fixed': threads = cores; 'free': sized to the cores free at the start. */
  readonly sizing: 'fixed' | 'free';
  readonly samples: number;
  readonly secondsPerSample: number;
  readonly loadBefore: number;
}

export interface PerSampleCosts {
  readonly cores: number;
  readonly backbone: string;
  readonly inputSize: number;
  readonly batchSize: number;
  readonly costs: SampleCost[];
}

/** One busy process per `count`: a plain spin loop, as another job's compute looks to the scheduler. */
function competingLoad(count: number): ChildProcess[] {
  return Array.from({ length: count }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Per-sample logits cost of `weights` in `dir`, quiet and loaded, threads fixed and sized to free cores. */
export async function measurePerSampleCost(input: {
  session: RunnerSession;
  dir: string;
  weights: string;
  architecture: Architecture;
  backbone: string;
  inputSize: number;
  samples: number;
}): Promise<PerSampleCosts> {
  const { session, dir, inputSize, samples } = input;
  const cores = availableParallelism();
  const random = new LegacyRandomState(11);
  const images = nhwcToNchw(random.randn(samples * inputSize * inputSize * 3), samples, inputSize, inputSize, 3);
  const inputs = join(dir, 'cost-inputs.npy');
  await writeNpy(inputs, { dtype: 'float32', shape: [samples, 3, inputSize, inputSize], data: images });
  const batchSize = Math.max(1, Math.min(samples, 2));
  const costs: SampleCost[] = [];
  for (const competing of [0, cores]) {
    const load = competingLoad(competing);
    try {
      if (competing > 0) await pause(3_000); // let the load show in the scheduler (and in loadavg a little)
      for (const sizing of ['fixed', 'free'] as const) {
        const loadBefore = loadavg()[0];
        const threads = sizing === 'fixed' ? cores : freeCpuThreads(cores, loadBefore + competing);
        const request: RunnerRequest = {
          task: 'logits', jobDir: dir, weights: input.weights, architecture: input.architecture, inputSize, device: 'cpu', threads,
          logits: { input: inputs, output: join(dir, `cost-${competing}-${sizing}.npy`), batchSize },
        };
        const outcome = await session.run(request, 3_600_000);
        if (outcome.kind !== 'ok') throw new Error(`logits failed: ${outcome.kind} ${outcome.code}: ${outcome.message}`);
        const result = outcome.response.result;
        const done = result.samplesDone ?? samples;
        const seconds = result.secondsPerSample ?? (outcome.response.timings.taskSeconds ?? outcome.wallSeconds) / done;
        costs.push({ competing, threads, sizing, samples: done, secondsPerSample: round(seconds), loadBefore: round(loadBefore) });
      }
    } finally {
      for (const child of load) child.kill('SIGKILL');
    }
  }
  return { cores, backbone: input.backbone, inputSize, batchSize, costs };
}

export async function benchRerunLoad(): Promise<PerSampleCosts> {
  const backbone = process.env.BENCH_RERUN_BACKBONE ?? 'resnet101';
  const inputSize = Number(process.env.BENCH_RERUN_SIZE ?? 512);
  const samples = Number(process.env.BENCH_RERUN_SAMPLES ?? 4);
  const fixtureDir = await mkdtemp(join(tmpdir(), 'rerun-load-bench-'));
  const session = new RunnerSession({});
  try {
    const manifest = await makeFixtures({
      backbone, size: inputSize, out: fixtureDir, variants: [], calibrationBatches: 1, calibrationBatchSize: 4,
    });
    return await withJobDir((dir) =>
      measurePerSampleCost({ session, dir, weights: manifest.files.honest, architecture: manifest.architecture, backbone, inputSize, samples }),
    );
  } finally {
    await session.close();
    await rm(fixtureDir, { recursive: true, force: true });
  }
}

const round = (value: number) => Math.round(value * 1000) / 1000;
