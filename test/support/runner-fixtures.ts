import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { z } from 'zod';
import { DEFAULT_RUNNER_SCRIPT } from '../../src/rerun/runner-client.js';
import { architectureSchema } from '../../src/rerun/runner-protocol.js';

/**
 * Student-like hand-ins built by the runner's own fixture maker
 * (`torch_runner.py make-fixture`, runner/torchrunner/fixtures.py): honest weights with BatchNorm
 * statistics calibrated on N(0, 1) inputs, and the bad variants the grader must catch.
 */
const manifestSchema = z.object({
  ok: z.literal(true),
  architecture: architectureSchema,
  inputSize: z.number().int(),
  otherSize: z.number().int(),
  seed: z.number().int(),
  marker: z.string(),
  files: z.record(z.string(), z.string()),
});
export type FixtureManifest = z.infer<typeof manifestSchema>;

/** Debian's python3-torch here; the GPU machine's own python3 there (scripts/gpu). */
const RUNNER_PYTHON = process.env.RUNNER_PYTHON ?? '/usr/bin/python3';

export interface FixtureOptions {
  readonly backbone: string;
  readonly size: number;
  readonly out: string;
  /** e.g. ['onnx', 'other-weights-onnx']; 'honest' (model.pth) is always written. */
  readonly variants: readonly string[];
  readonly seed?: number;
  readonly calibrationBatches?: number;
  readonly calibrationBatchSize?: number;
  readonly timeoutMs?: number;
}

export async function makeFixtures(options: FixtureOptions): Promise<FixtureManifest> {
  const args = [
    DEFAULT_RUNNER_SCRIPT,
    'make-fixture',
    '--backbone',
    options.backbone,
    '--size',
    String(options.size),
    '--out',
    options.out,
    '--seed',
    String(options.seed ?? 0),
    '--variants',
    ['honest', ...options.variants].join(','),
  ];
  if (options.calibrationBatches !== undefined) args.push('--calibration-batches', String(options.calibrationBatches));
  if (options.calibrationBatchSize !== undefined) {
    args.push('--calibration-batch-size', String(options.calibrationBatchSize));
  }
  const { stdout } = await promisify(execFile)(RUNNER_PYTHON, args, {
    timeout: options.timeoutMs ?? 300_000,
    maxBuffer: 1024 * 1024,
  });
  return manifestSchema.parse(JSON.parse(stdout));
}
