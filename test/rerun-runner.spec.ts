/** @jest-environment ./test/support/ort-jest-environment.mjs */
/**
 * The re-run end to end with the real Python runner (/usr/bin/python3 runner/torch_runner.py) and
 * onnxruntime-node, on small student-like hand-ins made by the runner's fixture maker: resnet18 with the
 * lesson's head at 64 px stands in for resnet101 at 512 px.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareClaims } from '../src/rerun/claims.js';
import { withJobDir } from '../src/rerun/job-dir.js';
import { nhwcToNchw } from '../src/rerun/layout.js';
import { readNpyAs, writeNpy } from '../src/rerun/npy.js';
import { checkOnnxGraph } from '../src/rerun/onnx/graph-check.js';
import { closeOrtSession, openOrtSession, runLogits } from '../src/rerun/onnx/ort-session.js';
import { runRunner, type RunnerClientOptions } from '../src/rerun/runner-client.js';
import type { Architecture, RunnerRequest } from '../src/rerun/runner-protocol.js';
import { accuracy, argmaxAgreement, argmaxRows, confusionMatrix, matricesEqual, parityStats } from '../src/rerun/stats.js';
import { LegacyRandomState } from '../src/numpy-random/random-state.js';
import { makeFixtures, type FixtureManifest } from './support/runner-fixtures.js';

const SIZE = 64;
const COUNT = 6;
const CLASSES = 5;
const TOLERANCE = { atol: 1e-4, rtol: 1e-3 };
const runner: RunnerClientOptions = { timeoutMs: 120_000, env: { ...process.env, RUNNER_THREADS: '2' } };

let fixtureDir = '';
let manifest: FixtureManifest;
let architecture: Architecture;
// The lesson's seeded data: randn(N, H, W, 3) then randint(0, 5, N), images transposed to NCHW.
const random = new LegacyRandomState(1234);
const images = nhwcToNchw(random.randn(COUNT * SIZE * SIZE * 3), COUNT, SIZE, SIZE, 3);
const labels = random.randint(0, CLASSES, COUNT);

beforeAll(async () => {
  fixtureDir = await mkdtemp(join(tmpdir(), 'rerun-fixtures-'));
  manifest = await makeFixtures({
    backbone: 'resnet18',
    size: SIZE,
    out: fixtureDir,
    variants: ['onnx', 'other-weights-onnx', 'other-resolution-onnx', 'truncated', 'malicious'],
  });
  architecture = manifest.architecture;
}, 120_000);

afterAll(async () => {
  await rm(fixtureDir, { recursive: true, force: true });
});

/** Runner logits of `weights` on the seeded images, through the protocol's .npy exchange. */
async function torchLogits(dir: string, weights: string): Promise<Float32Array> {
  const input = join(dir, 'inputs.npy');
  const output = join(dir, 'torch_logits.npy');
  await writeNpy(input, { dtype: 'float32', shape: [COUNT, 3, SIZE, SIZE], data: images });
  const request: RunnerRequest = {
    task: 'logits',
    jobDir: dir,
    weights,
    architecture,
    inputSize: SIZE,
    device: 'cpu',
    logits: { input, output, batchSize: 4 },
  };
  const outcome = await runRunner(request, runner);
  if (outcome.kind !== 'ok') throw new Error(`runner logits: ${outcome.kind} ${outcome.code}: ${outcome.message}`);
  expect(outcome.response.result.shape).toEqual([COUNT, CLASSES]);
  return (await readNpyAs(output, 'float32', 2)).data;
}

async function ortLogits(model: string): Promise<Float32Array> {
  const opened = await openOrtSession(model, { provider: 'cpu' });
  try {
    return (await runLogits(opened, { data: images, shape: [COUNT, 3, SIZE, SIZE] }, 4)).data;
  } finally {
    await closeOrtSession(opened);
  }
}

describe('re-run with the real runner', () => {
  it("reproduces an honest hand-in: the student's ONNX and our own export match PyTorch", async () => {
    await withJobDir(async (dir) => {
      const torch = await torchLogits(dir, manifest.files.honest);

      const graph = await checkOnnxGraph(manifest.files.onnx, { inputSize: SIZE, classes: CLASSES });
      expect(graph.failures).toEqual([]);
      const student = await ortLogits(manifest.files.onnx);
      const parity = parityStats(student, torch, TOLERANCE);
      expect(parity.allclose).toBe(true);
      expect(parity.maxAbsDiff).toBeLessThan(1e-4);
      expect(argmaxAgreement(student, torch, CLASSES).agreeing).toBe(COUNT);

      // Our own conversion of the .pth, the path used when the student's ONNX is missing or suspect.
      const ours = join(dir, 'ours.onnx');
      const convert = await runRunner(
        {
          task: 'convert',
          jobDir: dir,
          weights: manifest.files.honest,
          architecture,
          inputSize: SIZE,
          device: 'cpu',
          convert: { opset: 18, dynamicBatch: true, output: ours },
        },
        runner,
      );
      expect(convert.kind).toBe('ok');
      if (convert.kind === 'ok') expect(convert.response.result.opsetUsed).toBeLessThanOrEqual(18);
      expect((await checkOnnxGraph(ours, { inputSize: SIZE, classes: CLASSES })).ok).toBe(true);
      expect(parityStats(await ortLogits(ours), torch, TOLERANCE).allclose).toBe(true);

      // Accuracy and confusion matrices agree between the two runtimes.
      const torchPredictions = argmaxRows(torch, CLASSES);
      const ortPredictions = argmaxRows(student, CLASSES);
      expect(accuracy(ortPredictions, labels)).toBe(accuracy(torchPredictions, labels));
      expect(
        matricesEqual(confusionMatrix(labels, torchPredictions, CLASSES), confusionMatrix(labels, ortPredictions, CLASSES)),
      ).toBe(true);
    });
  });

  it('catches an ONNX exported from different weights, with both numbers in the evidence', async () => {
    await withJobDir(async (dir) => {
      const torch = await torchLogits(dir, manifest.files.honest);
      const other = await ortLogits(manifest.files['other-weights-onnx']);
      const parity = parityStats(other, torch, TOLERANCE);
      expect(parity.allclose).toBe(false);
      expect(parity.maxAbsDiff).toBeGreaterThan(1e-2);

      const { results } = compareClaims(
        { maxDifference: 3e-6 },
        { maxDifference: parity.maxAbsDiff },
        { maxDifference: { floor: 1e-5, factor: 10 }, accuracy: { absolute: 0.01 }, speedup: { relative: 0.25 } },
      );
      expect(results[0].reproduced).toBe(false);
      expect(results[0].evidence).toContain('claimed max difference 3.00e-6, measured ');
      expect(results[0].evidence).toContain(String(Number(parity.maxAbsDiff.toPrecision(6))));
    });
  });

  it('fails the graph check of an ONNX exported at another resolution', async () => {
    const graph = await checkOnnxGraph(manifest.files['other-resolution-onnx'], { inputSize: SIZE, classes: CLASSES });
    expect(graph.ok).toBe(false);
    const other = manifest.otherSize;
    expect(graph.failures).toEqual([
      `input is [3, ${other}, ${other}] per image, expected [3, ${SIZE}, ${SIZE}] ([N, 3, ${SIZE}, ${SIZE}])`,
    ]);
  });

  it("blames the student for a corrupted .pth and for a pickle carrying code, and never runs that code", async () => {
    await withJobDir(async (dir) => {
      const request = (weights: string): RunnerRequest => ({
        task: 'convert',
        jobDir: dir,
        weights,
        architecture,
        inputSize: SIZE,
        device: 'cpu',
        convert: { opset: 17, dynamicBatch: true, output: join(dir, 'ours.onnx') },
      });
      expect(await runRunner(request(manifest.files.truncated), runner)).toMatchObject({
        kind: 'student_error',
        code: 'weights_unreadable',
      });
      expect(await runRunner(request(manifest.files.malicious), runner)).toMatchObject({
        kind: 'student_error',
        code: 'weights_unsafe',
      });
      expect(existsSync(manifest.marker)).toBe(false);
    });
  });

  it('reports our own failures as infrastructure errors: timeout and crash', async () => {
    await withJobDir(async (dir) => {
      const probe: RunnerRequest = { task: 'probe', jobDir: dir, device: 'cpu' };
      // The real runner cannot even import torch in 50 ms.
      expect(await runRunner(probe, { ...runner, timeoutMs: 50 })).toMatchObject({
        kind: 'infrastructure_error',
        code: 'timeout',
      });
      expect(await runRunner(probe, { ...runner, command: ['/bin/sleep', '5'], timeoutMs: 300 })).toMatchObject({
        kind: 'infrastructure_error',
        code: 'timeout',
      });
      expect(await runRunner(probe, { ...runner, command: ['/bin/false'] })).toMatchObject({
        kind: 'infrastructure_error',
        code: 'crashed',
      });
      // And the real probe answers with its environment.
      const ok = await runRunner(probe, runner);
      expect(ok.kind).toBe('ok');
      if (ok.kind === 'ok') expect(ok.response.environment.device).toBe('cpu');
    });
  });
});
