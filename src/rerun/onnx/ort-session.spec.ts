/** @jest-environment ./test/support/ort-jest-environment.mjs */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { tinyLogits, writeTinyOnnxModels } from '../../../test/support/tiny-onnx.js';
import {
  benchmarkBatch1,
  closeOrtSession,
  countNodesPerProvider,
  cudaProviderKnownMissing,
  openOrtSession,
  planBatches,
  profileNodePlacement,
  providerKnownUnavailable,
  runLogits,
} from './ort-session.js';
import { describeVulkan } from './providers.js';

describe('planBatches', () => {
  it('uses the requested size for a symbolic batch, the last run shorter', () => {
    expect(planBatches(7, 'batch_size', 3)).toEqual([
      { start: 0, end: 3, runSize: 3 },
      { start: 3, end: 6, runSize: 3 },
      { start: 6, end: 7, runSize: 1 },
    ]);
    expect(planBatches(2, -1, 10)).toEqual([{ start: 0, end: 2, runSize: 2 }]);
  });

  it("uses the model's fixed batch, padding the last run", () => {
    expect(planBatches(3, 1, 10)).toHaveLength(3);
    expect(planBatches(5, 4, 10)).toEqual([
      { start: 0, end: 4, runSize: 4 },
      { start: 4, end: 5, runSize: 4 },
    ]);
  });
});

describe('countNodesPerProvider', () => {
  it('counts node events per provider and ignores session events', () => {
    const profile = [
      { cat: 'Session', name: 'model_loading_uri' },
      { cat: 'Node', name: 'Conv_0_kernel_time', args: { provider: 'CUDAExecutionProvider' } },
      { cat: 'Node', name: 'Conv_1_kernel_time', args: { provider: 'CUDAExecutionProvider' } },
      { cat: 'Node', name: 'Shape_2_kernel_time', args: { provider: 'CPUExecutionProvider' } },
    ];
    expect(countNodesPerProvider(profile)).toEqual({ CUDAExecutionProvider: 2, CPUExecutionProvider: 1 });
    expect(() => countNodesPerProvider({})).toThrow(/JSON array/);
  });
});

describe('ORT sessions on real tiny models', () => {
  let dir = '';
  const size = 8;
  const perImage = 3 * size * size;
  const count = 7;
  const images = Float32Array.from({ length: count * perImage }, (_, i) => Math.sin(i * 0.37));
  const expected = tinyLogits(images, count, size);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ort-session-'));
    writeTinyOnnxModels(dir);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('tries CUDA, then WebGPU, then the CPU, and records why each GPU provider could not be used', async () => {
    // The first session of this process: nothing remembered yet, every provider really asked.
    const opened = await openOrtSession(join(dir, 'dynamic.onnx'), { provider: 'auto' });
    try {
      const order = { cuda: ['cuda'], webgpu: ['cuda', 'webgpu'], cpu: ['cuda', 'webgpu', 'cpu'] }[opened.executionProvider];
      expect(opened.attempts.map((a) => a.provider)).toEqual(order);
      expect(opened.attempts.map((a) => a.ok)).toEqual(order.map((_, i) => i === order.length - 1));
      if (opened.executionProvider !== 'cpu') return; // a machine with a GPU provider: the order is all there is to check
      // This CPU machine: onnxruntime-node's CPU build has no CUDA library, and there is no Vulkan adapter.
      const [cuda, webgpu, cpu] = opened.attempts;
      expect(cuda).toMatchObject({ ok: false, remembered: false, reason: 'CUDA execution provider unavailable: OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library' });
      expect(webgpu).toMatchObject({ ok: false, remembered: false, reason: `WebGPU execution provider unavailable: Failed to get a WebGPU adapter: No supported adapters (${describeVulkan()})` });
      expect(cpu).toMatchObject({ ok: true, remembered: false, reason: null });
      expect(opened.fallbackReason).toBe(`${cuda.reason}; ${webgpu.reason}`);
      // Both are machine properties: remembered for the process.
      expect(cudaProviderKnownMissing()).toBe(cuda.reason);
      expect(providerKnownUnavailable('webgpu')).toBe(webgpu.reason);
      // And the CPU session runs the model.
      const result = await runLogits(opened, { data: images, shape: [count, 3, size, size] }, 4);
      for (let i = 0; i < expected.length; i++) expect(result.data[i]).toBeCloseTo(expected[i], 3);
    } finally {
      await closeOrtSession(opened);
    }
  });

  it('falls back to CPU when CUDA cannot be used, and says so', async () => {
    const cudaPresent = ort.listSupportedBackends().some((b) => b.name === 'cuda' && b.bundled);
    const opened = await openOrtSession(join(dir, 'dynamic.onnx'), { provider: 'auto' });
    try {
      if (!cudaPresent && opened.executionProvider === 'cpu') {
        expect(opened.fallbackReason).toMatch(/^CUDA execution provider unavailable: /);
      }
      // Whatever happened, the record and the reason agree.
      expect(opened.fallbackReason === null).toBe(opened.executionProvider === 'cuda');
      expect(opened.requested).toBe('auto');
    } finally {
      await closeOrtSession(opened);
    }
    const cpu = await openOrtSession(join(dir, 'dynamic.onnx'), { provider: 'cpu' });
    expect(cpu).toMatchObject({ executionProvider: 'cpu', fallbackReason: null, inputName: 'input', outputName: 'output' });
    await closeOrtSession(cpu);
  });

  it('does not ask again for a CUDA provider whose library is missing, and keeps giving the reason', async () => {
    const first = await openOrtSession(join(dir, 'dynamic.onnx'), { provider: 'auto' });
    await closeOrtSession(first);
    if (first.executionProvider === 'cuda') return; // a machine with ORT's CUDA build: nothing to remember
    const missing = cudaProviderKnownMissing();
    // This machine's onnxruntime-node is the CPU build: its CUDA library is not there at all.
    expect(missing).toMatch(/^CUDA execution provider unavailable: .*Failed to load shared library/);
    const again = await openOrtSession(join(dir, 'dynamic.onnx'), { provider: 'auto' });
    if (again.executionProvider === 'cpu') {
      // Neither GPU provider is asked again; both reasons are still given, CUDA's first.
      const webgpu = providerKnownUnavailable('webgpu');
      expect(webgpu).toMatch(/^WebGPU execution provider unavailable: /);
      expect(again).toMatchObject({ executionProvider: 'cpu', fallbackReason: `${missing}; ${webgpu}` });
      expect(again.attempts.map((a) => [a.provider, a.remembered])).toEqual([['cuda', true], ['webgpu', true], ['cpu', false]]);
    } else {
      expect(again).toMatchObject({ executionProvider: 'webgpu', fallbackReason: missing });
    }
    await closeOrtSession(again);
  });

  it('computes logits in batches (dynamic) and one by one (static batch 1)', async () => {
    for (const [file, runs] of [
      ['dynamic.onnx', 3],
      ['static.onnx', 7],
    ] as const) {
      const opened = await openOrtSession(join(dir, file), { provider: 'cpu' });
      try {
        const result = await runLogits(opened, { data: images, shape: [count, 3, size, size] }, 3);
        expect(result.shape).toEqual([count, 5]);
        expect(result.runs).toBe(runs);
        for (let i = 0; i < expected.length; i++) expect(result.data[i]).toBeCloseTo(expected[i], 3);
      } finally {
        await closeOrtSession(opened);
      }
    }
  });

  it('times batch 1 after warm-up and records where the nodes ran', async () => {
    const opened = await openOrtSession(join(dir, 'dynamic.onnx'), { provider: 'cpu', intraOpNumThreads: 1 });
    try {
      const image = images.subarray(perImage, 2 * perImage);
      const timing = await benchmarkBatch1(opened, image, [3, size, size], {
        warmup: 3,
        minIterations: 10,
        maxIterations: 40,
        maxSeconds: 5,
        targetRelativeHalfWidth: 0.5,
      });
      expect(timing.iterations).toBeGreaterThanOrEqual(10);
      expect(timing.p50).toBeGreaterThan(0);
      expect(timing.p50).toBeLessThanOrEqual(timing.p95);
      const placement = await profileNodePlacement(opened, image, [3, size, size], { provider: 'cpu' });
      expect(placement).toEqual({ CPUExecutionProvider: 2 });
    } finally {
      await closeOrtSession(opened);
    }
  });
});
