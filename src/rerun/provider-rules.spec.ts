import { loadSpecFile } from '../specs/spec.loader.js';
import type { RerunSpec } from '../specs/spec.schema.js';
import { claimTolerancesFor, judgeSpeedupClaim, parityToleranceFor, speedupComparability } from './provider-rules.js';
import type { RerunEnvironment, RerunReport, RerunStep } from './rerun.types.js';

let rerun: RerunSpec;
beforeAll(async () => {
  // The lesson's own spec: the tolerances under test are the ones it states.
  rerun = (await loadSpecFile('grading-specs/class_06_2.yaml')).spec.rerun!;
});

const CUDA_REASON = 'CUDA execution provider unavailable: OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library';
const WEBGPU_REASON = 'WebGPU execution provider unavailable: Failed to get a WebGPU adapter: No supported adapters (no Vulkan loader: libvulkan.so.1 is not installed (Debian: libvulkan1))';

function environment(overrides: Partial<RerunEnvironment>): RerunEnvironment {
  return {
    runnerDevice: 'cuda', deviceName: 'NVIDIA H200', torch: '2.11.0+cu130', torchvision: '0.26.0', onnx: '1.23.1', python: '3.12.3',
    ortVersion: '1.30.0', executionProvider: 'webgpu', fallbackReason: CUDA_REASON, providerAttempts: null, opsetRequested: 18, opsetUsed: 18,
    ...overrides,
  };
}

/** A re-run's report as the benchmark step leaves it: environment, the measured ratio, the steps. */
function report(
  env: Partial<RerunEnvironment>,
  speedup: { ratio: number; low: number; high: number } | null,
  benchmark: RerunStep = { name: 'benchmark', status: 'ok', seconds: 3, detail: 'cuda NVIDIA H200' },
): Pick<RerunReport, 'environment' | 'metrics' | 'steps'> {
  return { environment: environment(env), metrics: { latency: { speedup } }, steps: [benchmark] };
}

describe('tolerances per execution provider (class_06_2.yaml)', () => {
  it('keeps the spec\'s own parity on CPU and CUDA, and the looser WebGPU one on WebGPU', () => {
    expect(parityToleranceFor(rerun, 'cpu')).toEqual({ atol: 1e-4, rtol: 1e-3 });
    expect(parityToleranceFor(rerun, 'cuda')).toEqual({ atol: 1e-4, rtol: 1e-3 });
    expect(parityToleranceFor(rerun, null)).toEqual({ atol: 1e-4, rtol: 1e-3 });
    expect(parityToleranceFor(rerun, 'webgpu')).toEqual({ atol: 1e-3, rtol: 1e-2 });
  });

  it('widens the max-difference floor and the speedup interval for WebGPU only', () => {
    expect(claimTolerancesFor(rerun, 'cuda')).toEqual({
      maxDifference: { floor: 1e-5, factor: 10 }, accuracy: { absolute: 0.01 }, speedup: { relative: 0.25 },
    });
    expect(claimTolerancesFor(rerun, 'webgpu')).toEqual({
      maxDifference: { floor: 1e-3, factor: 10 }, accuracy: { absolute: 0.01 },
      speedup: { relative: 0.25, factor: 3, provider: 'ONNX Runtime on WebGPU' },
    });
  });
});

describe('the printed speedup against an injected re-run report', () => {
  it('ORT on a GPU (WebGPU): compared, the interval widened for the provider difference', () => {
    // The lesson's own T4 run printed 1.19x (34.43 ms vs 28.90 ms).
    const measured = { ratio: 0.55, low: 0.52, high: 0.58 };
    expect(speedupComparability(environment({}))).toEqual({ comparable: true, provider: 'webgpu' });
    expect(judgeSpeedupClaim(report({}, measured), 1.19, rerun)).toEqual({
      status: 'pass',
      evidence: 'claimed speedup 1.19x, measured 0.55x (interval 0.52..0.58, accepted 0.13..2.175 with ×/÷3 for ONNX Runtime on WebGPU, then ±25%)',
    });
    // A made-up speedup is still caught.
    expect(judgeSpeedupClaim(report({}, measured), 12, rerun)).toMatchObject({ status: 'fail', evidence: expect.stringMatching(/^claimed speedup 12x, measured 0.55x/) });
  });

  it('ORT on CUDA: compared with the spec\'s own ±25%', () => {
    const measured = { ratio: 1.2, low: 1.1, high: 1.3 };
    expect(judgeSpeedupClaim(report({ executionProvider: 'cuda', fallbackReason: null }, measured), 1.19, rerun)).toEqual({
      status: 'pass',
      evidence: 'claimed speedup 1.19x, measured 1.2x (interval 1.1..1.3, accepted 0.825..1.625 with ±25%)',
    });
    expect(judgeSpeedupClaim(report({ executionProvider: 'cuda', fallbackReason: null }, measured), 2, rerun).status).toBe('fail');
  });

  it('ORT on the CPU: not compared, and the report says why, each provider\'s reason included', () => {
    const measured = { ratio: 0.1, low: 0.09, high: 0.11 };
    const onCpu = report({ executionProvider: 'cpu', fallbackReason: `${CUDA_REASON}; ${WEBGPU_REASON}` }, measured);
    expect(judgeSpeedupClaim(onCpu, 1.19, rerun)).toEqual({
      status: 'skip',
      evidence: `not comparable: the re-run did not run both models on a GPU (PyTorch on NVIDIA H200, ONNX Runtime on the CPU because ${CUDA_REASON}; ${WEBGPU_REASON})`,
    });
    // A CPU-only machine: neither ran on a GPU.
    expect(judgeSpeedupClaim(report({ runnerDevice: 'cpu', deviceName: 'Xeon', executionProvider: 'cpu', fallbackReason: null }, measured), 1.19, rerun)).toEqual({
      status: 'skip',
      evidence: 'not comparable: the re-run did not run both models on a GPU (PyTorch on the CPU, ONNX Runtime on the CPU)',
    });
    // ORT on a GPU but PyTorch not: not comparable either.
    expect(judgeSpeedupClaim(report({ runnerDevice: 'cpu', deviceName: 'Xeon' }, measured), 1.19, rerun).evidence)
      .toBe('not comparable: the re-run did not run both models on a GPU (PyTorch on the CPU, ONNX Runtime on WebGPU)');
  });

  it('says when there was nothing to compare: not printed, not benchmarked', () => {
    expect(judgeSpeedupClaim(report({}, { ratio: 1, low: 0.9, high: 1.1 }), null, rerun)).toEqual({ status: 'skip', evidence: 'not printed in the hand-in' });
    const notRequested = report({}, null, { name: 'benchmark', status: 'skipped', seconds: 0, detail: 'not requested' });
    expect(judgeSpeedupClaim(notRequested, 1.19, rerun)).toEqual({ status: 'skip', evidence: 'not measured (benchmark not requested)' });
    expect(judgeSpeedupClaim(report({}, null), 1.19, rerun)).toEqual({ status: 'skip', evidence: 'not measured (too few benchmark samples for an interval)' });
  });
});
