/**
 * The re-run on the lesson's real shape, on this machine's CPU: ResNet101 + the lesson's head at 512 px
 * (weights from the runner's fixture maker, BatchNorm calibrated so the logits look like a trained
 * model's). Measures
 * - batch-1 latency of PyTorch (runner benchmark task) and ONNX Runtime (onnxruntime-node), p50 and the
 *   speedup PyTorch / ORT with its conservative interval;
 * - wall time of the convert, logits and benchmark steps;
 * - orchestration overhead: what a step costs beyond the runner's own load + task time, next to the
 *   raw compute;
 * - one logits sample's cost quiet and under a competing load (rerun-load.bench.ts). The steps go to one runner process (`serve`, as the pipeline and workers send them):
 *   the probe pays for starting Python and importing torch, the later steps only for the protocol.
 *
 * No side effects at import; `benchRerun()` does the work (about 3-4 minutes on 2 cores).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withJobDir } from '../src/rerun/job-dir.js';
import { nhwcToNchw } from '../src/rerun/layout.js';
import { readNpyAs, writeNpy } from '../src/rerun/npy.js';
import { benchmarkBatch1, closeOrtSession, openOrtSession, runLogits } from '../src/rerun/onnx/ort-session.js';
import type { RunnerClientOptions, RunnerOutcome } from '../src/rerun/runner-client.js';
import { RunnerSession } from '../src/rerun/runner-session.js';
import type { RunnerRequest, RunnerTask } from '../src/rerun/runner-protocol.js';
import {
  medianWithInterval,
  parityStats,
  ratioOfMedians,
  summarizeLatencies,
  type MeasureOptions,
} from '../src/rerun/stats.js';
import { LegacyRandomState } from '../src/numpy-random/random-state.js';
import { makeFixtures } from '../test/support/runner-fixtures.js';
import { measurePerSampleCost, type PerSampleCosts } from './rerun-load.bench.js';

export interface StepTiming {
  readonly wallSeconds: number;
  readonly loadSeconds: number | null;
  readonly taskSeconds: number | null;
  /** wall - (load + task): process start, imports, protocol. */
  readonly overheadSeconds: number | null;
}

export interface RerunBenchResult {
  readonly machine: { readonly cpu: string; readonly threads: number };
  readonly model: { readonly backbone: string; readonly inputSize: number; readonly fixtureSeconds: number };
  readonly steps: {
    readonly probe: StepTiming;
    readonly convert: StepTiming;
    readonly logits: StepTiming;
    readonly benchmark: StepTiming;
  };
  readonly npyExchangeSeconds: number;
  readonly ort: {
    readonly executionProvider: string;
    readonly createSeconds: number;
    readonly logitsSeconds: number;
    readonly benchmarkSeconds: number;
    readonly iterations: number;
    readonly stopReason: string;
    readonly p50: number;
    readonly p95: number;
  };
  readonly torch: { readonly device: string; readonly iterations: number; readonly p50: number; readonly p95: number };
  /** PyTorch p50 / ORT p50 (>1: ORT is faster), interval from the two medians' 95% intervals. */
  readonly speedup: { readonly ratio: number; readonly low: number; readonly high: number } | null;
  readonly parityMaxAbsDiff: number;
  /** One logits sample's cost, quiet and under a competing load, threads fixed or sized to free cores. */
  readonly perSample: PerSampleCosts;
}

const SIZE = 512;
const IMAGES = 4;
const THREADS = 2;
const MEASURE: MeasureOptions = {
  warmup: 3,
  minIterations: 10,
  maxIterations: 30,
  maxSeconds: 25,
  targetRelativeHalfWidth: 0.02,
};

function stepTiming<T extends RunnerTask>(outcome: RunnerOutcome<T>): StepTiming {
  if (outcome.kind !== 'ok') throw new Error(`runner step failed: ${outcome.kind} ${outcome.code}: ${outcome.message}`);
  const { loadSeconds, taskSeconds } = outcome.response.timings;
  const inside = (loadSeconds ?? 0) + (taskSeconds ?? 0);
  return {
    wallSeconds: outcome.wallSeconds,
    loadSeconds: loadSeconds ?? null,
    taskSeconds: taskSeconds ?? null,
    overheadSeconds: outcome.wallSeconds - inside,
  };
}

export async function benchRerun(): Promise<RerunBenchResult> {
  const fixtureDir = await mkdtemp(join(tmpdir(), 'rerun-bench-'));
  try {
    const fixtureStarted = performance.now();
    const manifest = await makeFixtures({
      backbone: 'resnet101',
      size: SIZE,
      out: fixtureDir,
      variants: [],
      calibrationBatches: 1,
      calibrationBatchSize: 4,
    });
    const fixtureSeconds = (performance.now() - fixtureStarted) / 1000;
    const options: RunnerClientOptions = {
      timeoutMs: 300_000,
      env: { ...process.env, RUNNER_THREADS: String(THREADS) },
    };
    const common = {
      weights: manifest.files.honest,
      architecture: manifest.architecture,
      inputSize: SIZE,
      device: 'cpu' as const,
    };

    const session = new RunnerSession({ env: options.env });
    const step = <R extends RunnerRequest>(request: R) => session.run(request, options.timeoutMs);
    return await withJobDir(async (dir) => {
      const probe = await step({ task: 'probe', jobDir: dir, device: 'cpu' });
      if (probe.kind !== 'ok') throw new Error(`probe failed: ${probe.message}`);

      const onnxPath = join(dir, 'ours.onnx');
      const convert = await step({ task: 'convert', jobDir: dir, ...common, convert: { opset: 18, dynamicBatch: true, output: onnxPath } });

      const random = new LegacyRandomState(7);
      const images = nhwcToNchw(random.randn(IMAGES * SIZE * SIZE * 3), IMAGES, SIZE, SIZE, 3);
      const input = join(dir, 'inputs.npy');
      const output = join(dir, 'torch_logits.npy');
      const npyStarted = performance.now();
      await writeNpy(input, { dtype: 'float32', shape: [IMAGES, 3, SIZE, SIZE], data: images });
      let npySeconds = (performance.now() - npyStarted) / 1000;
      const logitsRequest: RunnerRequest = {
        task: 'logits',
        jobDir: dir,
        ...common,
        logits: { input, output, batchSize: IMAGES },
      };
      const logits = await step(logitsRequest);
      const readStarted = performance.now();
      const torchLogits = (await readNpyAs(output, 'float32', 2)).data;
      npySeconds += (performance.now() - readStarted) / 1000;

      const benchmark = await step({ task: 'benchmark', jobDir: dir, ...common, benchmark: MEASURE });
      if (benchmark.kind !== 'ok') throw new Error(`benchmark failed: ${benchmark.message}`);
      const torchSummary = summarizeLatencies(benchmark.response.result.samplesMs);

      const opened = await openOrtSession(onnxPath, { provider: 'cpu', intraOpNumThreads: THREADS });
      try {
        const ortLogits = await runLogits(opened, { data: images, shape: [IMAGES, 3, SIZE, SIZE] }, IMAGES);
        const perImage = 3 * SIZE * SIZE;
        const ortTiming = await benchmarkBatch1(opened, images.subarray(0, perImage), [3, SIZE, SIZE], MEASURE);
        const torchMedian = medianWithInterval(torchSummary);
        const ortMedian = medianWithInterval(ortTiming);
        const speedup = torchMedian && ortMedian ? ratioOfMedians(torchMedian, ortMedian) : null;
        const perSample = await measurePerSampleCost({
          session, dir, weights: manifest.files.honest, architecture: manifest.architecture, backbone: 'resnet101', inputSize: SIZE, samples: IMAGES,
        });
        return {
          machine: { cpu: probe.response.environment.deviceName, threads: THREADS },
          model: { backbone: 'resnet101', inputSize: SIZE, fixtureSeconds },
          steps: {
            probe: stepTiming(probe),
            convert: stepTiming(convert),
            logits: stepTiming(logits),
            benchmark: stepTiming(benchmark),
          },
          npyExchangeSeconds: npySeconds,
          ort: {
            executionProvider: opened.executionProvider,
            createSeconds: opened.createSeconds,
            logitsSeconds: ortLogits.seconds,
            benchmarkSeconds: ortTiming.elapsedSeconds,
            iterations: ortTiming.iterations,
            stopReason: ortTiming.stopReason,
            p50: ortTiming.p50,
            p95: ortTiming.p95,
          },
          torch: {
            device: benchmark.response.environment.device,
            iterations: torchSummary.count,
            p50: torchSummary.p50,
            p95: torchSummary.p95,
          },
          speedup: speedup && { ratio: speedup.ratio, low: speedup.low, high: speedup.high },
          parityMaxAbsDiff: parityStats(ortLogits.data, torchLogits, { atol: 1e-4, rtol: 1e-3 }).maxAbsDiff,
          perSample,
        };
      } finally {
        await closeOrtSession(opened);
      }
    }).finally(() => session.close());
  } finally {
    await rm(fixtureDir, { recursive: true, force: true });
  }
}
