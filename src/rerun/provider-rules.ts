/**
 * What changes with the execution provider ONNX Runtime ran on (src/rerun/onnx/providers.ts): the
 * parity tolerance, the tolerances of the claims it measures, and whether the student's printed
 * speedup can be compared at all. Pure; the numbers come from the grading spec (`rerun.providers`),
 * never from here.
 *
 * - CPU and CUDA: the spec's own `parity` and `tolerances` (class_06_2: atol 1e-4, rtol 1e-3).
 * - WebGPU: `rerun.providers.webgpu` (class_06_2: parity atol 1e-3, rtol 1e-2; max-difference claim
 *   floor 1e-3; speedup interval ×/÷3), looser because its WGSL kernels are not cuDNN's and the
 *   student's ORT ran on CUDA (Colab) or the CPU.
 * - The speedup (Exercise 10 compares PyTorch and ORT on a GPU) is compared only when both ran on a
 *   GPU: PyTorch on CUDA and ORT on CUDA or WebGPU. Otherwise the check says which one did not, and
 *   why ORT did not (each provider's reason).
 */
import type { CheckResult } from '../grading/grade.types.js';
import type { RerunSpec } from '../specs/spec.schema.js';
import { compareClaims, type ClaimTolerances } from './claims.js';
import { providerLabel, type ExecutionProvider } from './onnx/providers.js';
import type { RerunEnvironment, RerunReport, RerunStep } from './rerun.types.js';
import type { Tolerance } from './stats.js';

type Rules = Pick<RerunSpec, 'parity' | 'tolerances' | 'providers'>;

function rulesFor(rerun: Rules, provider: ExecutionProvider | null) {
  return provider === null ? undefined : rerun.providers?.[provider];
}

/** allclose tolerances between PyTorch's and ORT's logits for the provider ORT ran on. */
export function parityToleranceFor(rerun: Rules, provider: ExecutionProvider | null): Tolerance {
  const own = rulesFor(rerun, provider)?.parity;
  return own ? { atol: own.atol, rtol: own.rtol } : { atol: rerun.parity.atol, rtol: rerun.parity.rtol };
}

/** The claim tolerances for the provider ORT ran on (max difference and speedup may differ). */
export function claimTolerancesFor(rerun: Rules, provider: ExecutionProvider | null): ClaimTolerances {
  const own = rulesFor(rerun, provider);
  const factor = own?.speedup?.factor;
  return {
    maxDifference: own?.maxDifference ?? rerun.tolerances.maxDifference,
    accuracy: rerun.tolerances.accuracy,
    speedup: factor === undefined || factor === 1
      ? { relative: rerun.tolerances.speedup.relative }
      : { relative: rerun.tolerances.speedup.relative, factor, provider: `ONNX Runtime on ${providerLabel(provider!)}` },
  };
}

export type SpeedupComparability =
  | { readonly comparable: true; readonly provider: ExecutionProvider }
  | { readonly comparable: false; readonly why: string };

const GPU_PROVIDERS: readonly ExecutionProvider[] = ['cuda', 'webgpu'];

/** Whether PyTorch and ONNX Runtime both ran on a GPU; if not, which did not and why, in words. */
export function speedupComparability(
  env: Pick<RerunEnvironment, 'runnerDevice' | 'deviceName' | 'executionProvider' | 'fallbackReason'>,
): SpeedupComparability {
  const torchOnGpu = env.runnerDevice === 'cuda';
  const ortOnGpu = env.executionProvider !== null && GPU_PROVIDERS.includes(env.executionProvider);
  if (torchOnGpu && ortOnGpu) return { comparable: true, provider: env.executionProvider! };
  const torch = torchOnGpu ? `PyTorch on ${env.deviceName ?? 'the GPU'}` : env.runnerDevice === 'cpu' ? 'PyTorch on the CPU' : 'PyTorch did not run';
  const ort = env.executionProvider === null
    ? 'ONNX Runtime did not run'
    : ortOnGpu
      ? `ONNX Runtime on ${providerLabel(env.executionProvider)}`
      : `ONNX Runtime on the CPU${env.fallbackReason ? ` because ${env.fallbackReason}` : ''}`;
  return { comparable: false, why: `the re-run did not run both models on a GPU (${torch}, ${ort})` };
}

export interface SpeedupClaimResult {
  readonly status: Extract<CheckResult['status'], 'pass' | 'fail' | 'skip'>;
  readonly evidence: string;
}

/** The measured ratio the benchmark step leaves in the report's metrics (PyTorch p50 / ORT p50). */
interface LatencyMetrics {
  readonly speedup?: { readonly ratio: number; readonly low: number; readonly high: number } | null;
}

/**
 * The student's printed speedup against a re-run's report: compared (with the provider's tolerance)
 * when both models ran on a GPU and the benchmark measured a ratio; otherwise skipped, saying why.
 */
export function judgeSpeedupClaim(
  report: Pick<RerunReport, 'environment' | 'metrics' | 'steps'>,
  claimed: number | null | undefined,
  rerun: Rules,
): SpeedupClaimResult {
  if (claimed === null || claimed === undefined) return { status: 'skip', evidence: 'not printed in the hand-in' };
  const comparability = speedupComparability(report.environment);
  if (!comparability.comparable) return { status: 'skip', evidence: `not comparable: ${comparability.why}` };
  const measured = (report.metrics.latency as LatencyMetrics | undefined)?.speedup;
  if (!measured) {
    const step: RerunStep | undefined = report.steps.find((s) => s.name === 'benchmark');
    const why = !step
      ? 'the benchmark did not run'
      : step.status === 'skipped'
        ? `benchmark ${step.detail}`
        : step.status === 'ok'
          ? 'too few benchmark samples for an interval'
          : `benchmark ${step.status}: ${step.detail}`;
    return { status: 'skip', evidence: `not measured (${why})` };
  }
  const { results } = compareClaims(
    { speedup: claimed },
    { speedup: { ratio: measured.ratio, low: measured.low, high: measured.high } },
    claimTolerancesFor(rerun, comparability.provider),
  );
  const [result] = results;
  return { status: result.reproduced ? 'pass' : 'fail', evidence: result.evidence };
}
