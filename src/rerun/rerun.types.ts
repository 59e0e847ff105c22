import type { CheckResult, Flag } from '../grading/grade.types.js';
import type { ExecutionProvider, ProviderAttempt } from './onnx/providers.js';

/** The steps in the order a report lists them (data is generated while the runner converts). */
export const RERUN_STEPS = ['convert', 'student_onnx', 'data', 'pytorch_logits', 'ort_logits', 'benchmark'] as const;
export type RerunStepName = (typeof RERUN_STEPS)[number];

export interface RerunStep {
  name: RerunStepName;
  /** ok; failed: the hand-in is at fault; error: ours (retried, never charged); skipped: not run. */
  status: 'ok' | 'failed' | 'error' | 'skipped';
  seconds: number;
  detail: string;
}

/** Where and with what the measurements were made: a CPU run is never reported as a GPU one. */
export interface RerunEnvironment {
  runnerDevice: 'cpu' | 'cuda' | null;
  deviceName: string | null;
  torch: string | null;
  torchvision: string | null;
  onnx: string | null;
  python: string | null;
  ortVersion: string | null;
  /** The execution provider ONNX Runtime actually ran with (CUDA, else WebGPU, else CPU). */
  executionProvider: ExecutionProvider | null;
  /** Why the providers tried before it could not be used, in order ('; '); null when the first was. */
  fallbackReason: string | null;
  /** Every provider tried for our export's session, in order, with its reason (absent in older reports). */
  providerAttempts?: ProviderAttempt[] | null;
  opsetRequested: number;
  opsetUsed: number | null;
}

export interface RerunReport {
  /** completed; failed: the student's weights cannot be used; error: infrastructure (retry). */
  status: 'completed' | 'failed' | 'error';
  startedAt: string;
  finishedAt: string;
  environment: RerunEnvironment;
  samples: { used: number; total: number; seed: number | null };
  steps: RerunStep[];
  /** The spec's re-run checks, in the grade's check format (0 points: they verify, flags carry the news). */
  checks: CheckResult[];
  flags: Flag[];
  metrics: Record<string, unknown>;
}
