/**
 * One full re-run of one submission on a GPU machine, through the same runRerun a `rerun` worker
 * calls: the lesson's ResNet101 + head at 512 px, the student's own ONNX exported the way the lesson
 * does on the installed torch (scripts/gpu/lesson_export.py), the example hand-in's seeded data
 * (examples/sample_submission.ipynb), parity, accuracy,
 * confusion matrices and the batch-1 benchmark. Prints one summary (wall time per step, EP and
 * device, PyTorch vs ONNX Runtime p50 and speedup, orchestration overhead) and writes the whole
 * report to <out>/device-rerun.json.
 *
 * ONNX Runtime runs on the provider the re-run picks (CUDA, else WebGPU, else CPU: every attempt and
 * its reason are in the summary). When it ran on WebGPU, the student's ONNX is profiled once more to
 * count the nodes WebGPU really ran (`placement`).
 *
 * `--probe-webgpu` instead opens a small convolutional model on WebGPU (else the CPU) in this process,
 * compares its logits with the CPU's and counts node placement, and writes <out>/webgpu-probe.json:
 * a quick answer, before the long run, to whether WebGPU works on the machine at all.
 *
 * Bundled into one file by scripts/gpu/prepare.sh (the GPU machine has no Node or node_modules);
 * runs here too: `RUNNER_PYTHON=/usr/bin/python3 node .gpu/device-rerun.mjs --out /tmp/x --size 64`.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { loadConfig } from '../../src/config/config.js';
import { loadSubmissionFile, parseSubmission } from '../../src/ingest/submission.reader.js';
import { projectPath } from '../../src/paths.js';
import { closeOrtSession, openOrtSession, profileNodePlacement, runLogits } from '../../src/rerun/onnx/ort-session.js';
import { runRerun, runnerSessionOptions } from '../../src/rerun/rerun.pipeline.js';
import { RunnerSession } from '../../src/rerun/runner-session.js';
import type { RerunReport } from '../../src/rerun/rerun.types.js';
import { loadSpecFile, type LoadedSpec } from '../../src/specs/spec.loader.js';
import { makeFixtures } from '../../test/support/runner-fixtures.js';

interface Summary {
  wallSeconds: number;
  fixtureSeconds: number;
  studentExport: unknown;
  status: RerunReport['status'];
  steps: Record<string, { status: string; seconds: number }>;
  device: string | null;
  executionProvider: string | null;
  fallbackReason: string | null;
  providerAttempts: unknown;
  /** max |Δ| and friends of ORT (on its provider) against PyTorch, with the tolerance applied. */
  parity: Record<string, unknown>;
  versions: Record<string, string | null>;
  latency: unknown;
  overhead: { runnerSeconds: number; computeSeconds: number; fraction: number } | null;
  checks: Record<string, string>;
  flags: string[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: process.env.OUT ?? '/tmp/gpu-check' },
      size: { type: 'string', default: '512' },
      samples: { type: 'string' },
      notebook: { type: 'string', default: projectPath('examples', 'sample_submission.ipynb') },
      /** The opset of the student's export; the lesson's 18 unless rehearsing on torch 1.13 (17). */
      'student-opset': { type: 'string', default: '18' },
      /** Re-runs of the same hand-in through one worker runner: the first cold, the others warm. */
      repeat: { type: 'string', default: '2' },
      'probe-webgpu': { type: 'boolean', default: false },
    },
  });
  const out = values.out!;
  const size = Number(values.size);
  await mkdir(out, { recursive: true });
  if (values['probe-webgpu']) return probeWebGpu(out);
  const work = await mkdtemp(join(tmpdir(), 'device-rerun-'));
  try {
    const started = performance.now();
    const manifest = await makeFixtures({
      backbone: 'resnet101', size, out: work, variants: [], calibrationBatches: 2, calibrationBatchSize: 4, timeoutMs: 600_000,
    });
    const fixtureSeconds = (performance.now() - started) / 1000;

    const python = process.env.RUNNER_PYTHON ?? '/usr/bin/python3';
    const studentOnnx = join(work, 'student', 'ResNet101_model_512.onnx');
    await mkdir(join(work, 'student'));
    const exported = await promisify(execFile)(python, [projectPath('scripts', 'gpu', 'lesson_export.py'), manifest.files.honest, studentOnnx, String(size), values['student-opset']!], {
      timeout: 600_000,
      maxBuffer: 1024 * 1024,
    });
    const studentExport = JSON.parse(exported.stdout.trim().split('\n').at(-1)!);

    const config = loadConfig({ ...process.env });
    const document = await parseSubmission(await loadSubmissionFile(values.notebook!, config.limits), config.limits);
    const spec = withInputSize(await loadSpecFile(projectPath('grading-specs', 'class_06_2.yaml')), size);

    // As a `rerun` worker does: one runner for all its jobs, so only the first pays Python's start.
    const options = { device: 'auto', benchmark: true, samples: values.samples ? Number(values.samples) : undefined, runnerCommand: config.runnerCommand, memoryLimitBytes: null } as const;
    const runner = new RunnerSession(runnerSessionOptions(options));
    const runs = [];
    try {
      for (let attempt = 0; attempt < Number(values.repeat); attempt += 1) {
        const rerunStarted = performance.now();
        const report = await runRerun({ weightsPath: manifest.files.honest, studentOnnxPath: studentOnnx, document, spec, options: { ...options, runnerSession: runner } });
        const summary = summarize(report, (performance.now() - rerunStarted) / 1000, fixtureSeconds, studentExport);
        runs.push({ worker: attempt === 0 ? 'cold' : 'warm', summary, report });
        process.stdout.write(`${JSON.stringify({ worker: runs.at(-1)!.worker, ...summary }, null, 2)}\n`);
        if (report.status === 'error') process.exitCode = 1;
      }
    } finally {
      await runner.close();
    }
    // Evidence that "WebGPU" meant the GPU did the work: nodes per provider in one profiled run.
    let placement: Record<string, number> | { error: string } | null = null;
    if (runs.at(-1)?.report.environment.executionProvider === 'webgpu') {
      try {
        const opened = await openOrtSession(studentOnnx, { provider: 'webgpu' });
        try {
          placement = await profileNodePlacement(opened, new Float32Array(3 * size * size).fill(0.5), [3, size, size], { provider: 'webgpu' });
        } finally {
          await closeOrtSession(opened);
        }
      } catch (error) {
        placement = { error: (error as Error).message };
      }
      process.stdout.write(`${JSON.stringify({ placement })}\n`);
    }
    await writeFile(join(out, 'device-rerun.json'), JSON.stringify(runs.map((run) => ({ ...run, placement })), null, 2));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The lesson's spec at another resolution (a rehearsal on a CPU at 64 px); 512 leaves it as it is. */
function withInputSize(loaded: LoadedSpec, size: number): LoadedSpec {
  if (!loaded.spec.rerun || loaded.spec.rerun.inputSize === size) return loaded;
  return { ...loaded, spec: { ...loaded.spec, rerun: { ...loaded.spec.rerun, inputSize: size } } };
}

function summarize(report: RerunReport, wallSeconds: number, fixtureSeconds: number, studentExport: unknown): Summary {
  const env = report.environment;
  const timings = (report.metrics.runnerTimings ?? {}) as Record<string, { wallSeconds: number; loadSeconds: number | null; taskSeconds: number | null; overheadSeconds: number }>;
  const runnerSteps = Object.values(timings);
  const runnerSeconds = runnerSteps.reduce((sum, t) => sum + t.overheadSeconds, 0);
  const computeSeconds = wallSeconds - runnerSeconds;
  return {
    wallSeconds: Math.round(wallSeconds * 100) / 100,
    fixtureSeconds: Math.round(fixtureSeconds * 100) / 100,
    studentExport,
    status: report.status,
    steps: Object.fromEntries(report.steps.map((s) => [s.name, { status: s.status, seconds: s.seconds }])),
    device: env.runnerDevice === 'cuda' ? env.deviceName : `CPU (${env.deviceName ?? '?'})`,
    executionProvider: env.executionProvider,
    fallbackReason: env.fallbackReason,
    providerAttempts: env.providerAttempts ?? null,
    parity: { oursVsPytorch: report.metrics.oursVsPytorch ?? null, studentVsPytorch: report.metrics.studentVsPytorch ?? null },
    versions: { torch: env.torch, torchvision: env.torchvision, onnx: env.onnx, python: env.python, ort: env.ortVersion, opsetUsed: env.opsetUsed === null ? null : String(env.opsetUsed) },
    latency: report.metrics.latency ?? null,
    overhead: runnerSteps.length > 0 ? { runnerSeconds: round(runnerSeconds), computeSeconds: round(computeSeconds), fraction: round(runnerSeconds / computeSeconds) } : null,
    checks: Object.fromEntries(report.checks.map((c) => [c.id, `${c.status}: ${c.evidence}`])),
    flags: report.flags.map((f) => f.name),
  };
}

const round = (value: number) => Math.round(value * 1000) / 1000;

/** A small convolutional classifier (Conv, Relu, GlobalAveragePool, Flatten, Gemm), input [N, 3, 32, 32]. */
const CONV_MODEL = `
import sys, numpy as np, onnx
from onnx import helper, TensorProto, numpy_helper
rng = np.random.RandomState(0)
w = numpy_helper.from_array(rng.randn(8, 3, 3, 3).astype(np.float32) * 0.2, 'w')
b = numpy_helper.from_array(rng.randn(8).astype(np.float32) * 0.1, 'b')
fw = numpy_helper.from_array(rng.randn(5, 8).astype(np.float32), 'fw')
fb = numpy_helper.from_array(rng.randn(5).astype(np.float32), 'fb')
nodes = [helper.make_node('Conv', ['input', 'w', 'b'], ['c'], pads=[1, 1, 1, 1]), helper.make_node('Relu', ['c'], ['r']),
         helper.make_node('GlobalAveragePool', ['r'], ['p']), helper.make_node('Flatten', ['p'], ['f']),
         helper.make_node('Gemm', ['f', 'fw', 'fb'], ['output'], transB=1)]
g = helper.make_graph(nodes, 'probe', [helper.make_tensor_value_info('input', TensorProto.FLOAT, ['n', 3, 32, 32])],
                      [helper.make_tensor_value_info('output', TensorProto.FLOAT, ['n', 5])], [w, b, fw, fb])
m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 17)]); m.ir_version = 8
onnx.checker.check_model(m); onnx.save(m, sys.argv[1])
`;

/** Does WebGPU work here? One small model on WebGPU against the CPU, in this process. */
async function probeWebGpu(out: string): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'webgpu-probe-'));
  const result: Record<string, unknown> = {
    env: { LD_LIBRARY_PATH: process.env.LD_LIBRARY_PATH ?? null, VK_DRIVER_FILES: process.env.VK_DRIVER_FILES ?? null, VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? null },
  };
  try {
    const model = join(work, 'probe.onnx');
    await promisify(execFile)(process.env.RUNNER_PYTHON ?? '/usr/bin/python3', ['-c', CONV_MODEL, model], { timeout: 120_000 });
    const images = { data: Float32Array.from({ length: 4 * 3 * 32 * 32 }, (_, i) => Math.sin(i * 0.37)), shape: [4, 3, 32, 32] as [number, number, number, number] };
    const webgpu = await openOrtSession(model, { provider: 'webgpu' });
    const cpu = await openOrtSession(model, { provider: 'cpu' });
    try {
      Object.assign(result, { executionProvider: webgpu.executionProvider, attempts: webgpu.attempts, createSeconds: round(webgpu.createSeconds) });
      const a = await runLogits(webgpu, images, 4);
      const b = await runLogits(cpu, images, 4);
      result.maxAbsDiffVsCpu = a.data.reduce((max, v, i) => Math.max(max, Math.abs(v - b.data[i])), 0);
      if (webgpu.executionProvider === 'webgpu') {
        result.placement = await profileNodePlacement(webgpu, images.data.subarray(0, 3 * 32 * 32), [3, 32, 32], { provider: 'webgpu' });
      }
    } finally {
      await closeOrtSession(webgpu);
      await closeOrtSession(cpu);
    }
  } catch (error) {
    result.error = (error as Error).stack ?? String(error);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  await writeFile(join(out, 'webgpu-probe.json'), JSON.stringify(result, null, 2));
}

main().catch((error: unknown) => {
  process.stderr.write(`device-rerun: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 2;
});
