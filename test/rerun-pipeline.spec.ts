/** @jest-environment ./test/support/ort-jest-environment.mjs */
/**
 * The whole re-run (runRerun) on student-like hand-ins: the real Python runner and onnxruntime-node,
 * with the Class_06_2 spec's rerun section pointed at a small model (resnet18, 64 px) so it runs on CI.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNotebook } from '../src/ingest/notebook.reader.js';
import { type LoadedSpec, loadSpecFile } from '../src/specs/spec.loader.js';
import { runRerun, type RerunOptions } from '../src/rerun/rerun.pipeline.js';
import type { RerunReport } from '../src/rerun/rerun.types.js';
import { buildSubmission, FIXTURE_VARIANTS, notebookText } from './fixtures/submissions.js';
import { makeFixtures, type FixtureManifest } from './support/runner-fixtures.js';

const SIZE = 64;
let dir = '';
let manifest: FixtureManifest;
let spec: LoadedSpec;
const document = readNotebook(Buffer.from(notebookText(buildSubmission(FIXTURE_VARIANTS.good))), 'good.ipynb');
const options: RerunOptions = { device: 'cpu', benchmark: false, threads: 2 };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rerun-pipeline-'));
  manifest = await makeFixtures({
    backbone: 'resnet18', size: SIZE, out: dir,
    variants: ['onnx', 'other-weights-onnx', 'other-resolution-onnx', 'truncated', 'malicious'],
  });
  const lesson = await loadSpecFile('grading-specs/class_06_2.yaml');
  const rerun = lesson.spec.rerun!;
  // Same lesson, smaller model: architecture and resolution come from the spec, never from code.
  spec = {
    ...lesson,
    spec: {
      ...lesson.spec,
      rerun: {
        ...rerun,
        architecture: manifest.architecture as typeof rerun.architecture,
        inputSize: SIZE,
        benchmark: { warmup: 2, minIterations: 6, maxIterations: 30, maxSeconds: 10, targetRelativeHalfWidth: 0.05 },
        timeouts: { convertSeconds: 120, logitsSeconds: 120, benchmarkSeconds: 60 },
      },
    },
  };
}, 180_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const check = (report: RerunReport, id: string) => report.checks.find((c) => c.id === id);
const flagNames = (report: RerunReport) => report.flags.map((f) => f.name).sort();

describe('re-run of a hand-in', () => {
  it('measures an honest .pth and its .onnx: conversion, parity, environment recorded', async () => {
    const report = await runRerun({ weightsPath: manifest.files.honest, studentOnnxPath: manifest.files.onnx, document, spec, options: { ...options, benchmark: true } });
    expect(report.status).toBe('completed');
    expect(report.samples).toEqual({ used: 100, total: 100, seed: 123 });
    expect(check(report, 'rerun.conversion')?.status).toBe('pass');
    expect(check(report, 'rerun.conversion')?.evidence).toMatch(/opset 17 \(requested 18: .*\), checker passed; input \[batch_size, 3, 64, 64\]/);
    expect(check(report, 'rerun.student_onnx')?.status).toBe('pass');
    expect(check(report, 'rerun.parity')?.status).toBe('pass');
    expect(check(report, 'rerun.student_parity')?.status).toBe('pass');
    expect(report.environment).toMatchObject({ runnerDevice: 'cpu', executionProvider: 'cpu', opsetRequested: 18, opsetUsed: 17 });
    expect(report.environment.torch).toMatch(/^1\.13/);
    expect(report.environment.ortVersion).toBe('1.30.0');
    // Printed max difference 1.9e-6 and ours are both below the 1e-5 floor: reproduced.
    expect(check(report, 'rerun.claim.maxDifference')?.status).toBe('pass');
    // The fixture's printed accuracy (0.2100) came from another model: not reproduced, both numbers shown.
    const accuracyClaim = check(report, 'rerun.claim.pytorchAccuracy')!;
    expect(accuracyClaim.status).toBe('fail');
    expect(accuracyClaim.evidence).toMatch(/0\.21/);
    expect(flagNames(report)).toContain('not_reproduced');
    // Measured on a CPU: the GPU speedup claim is not comparable, and says why.
    expect(check(report, 'rerun.claim.speedup')).toMatchObject({ status: 'skip', evidence: 'not comparable: the re-run did not run both models on a GPU (PyTorch on the CPU, ONNX Runtime on the CPU)' });
    // The CPU was asked for: ORT tried only it, and nothing fell back.
    expect(report.environment).toMatchObject({ fallbackReason: null, providerAttempts: [{ provider: 'cpu', ok: true, reason: null, remembered: false, seconds: expect.any(Number) }] });
    expect(check(report, 'rerun.benchmark')?.evidence).toMatch(/^CPU \(.*\), ORT on cpu: PyTorch p50 .* ms, ONNX Runtime p50 .* ms, speedup/);
    expect(report.steps.map((s) => [s.name, s.status])).toEqual([
      ['convert', 'ok'], ['student_onnx', 'ok'], ['data', 'ok'], ['pytorch_logits', 'ok'], ['ort_logits', 'ok'], ['benchmark', 'ok'],
    ]);
    // One runner process served the three PyTorch steps; each step's overhead is on record.
    expect(report.metrics.runnerProcesses).toBe(1);
    const timings = report.metrics.runnerTimings as Record<string, { wallSeconds: number; overheadSeconds: number }>;
    expect(Object.keys(timings)).toEqual(['convert', 'pytorch_logits', 'benchmark']);
    // Only the first step pays for starting Python and importing torch.
    expect(timings.pytorch_logits.overheadSeconds).toBeLessThan(timings.convert.overheadSeconds);
    expect(timings.benchmark.overheadSeconds).toBeLessThan(timings.convert.overheadSeconds);
  }, 240_000);

  it('fails parity for an ONNX exported from different weights', async () => {
    const report = await runRerun({ weightsPath: manifest.files.honest, studentOnnxPath: manifest.files['other-weights-onnx'], document, spec, options: { ...options, samples: 10 } });
    expect(report.status).toBe('completed');
    expect(check(report, 'rerun.parity')?.status).toBe('pass');
    expect(check(report, 'rerun.student_parity')?.status).toBe('fail');
    expect(flagNames(report)).toContain('parity_failed');
    // A subset of the samples: accuracy claims are not compared, and the reason says so.
    expect(check(report, 'rerun.claim.pytorchAccuracy')).toMatchObject({ status: 'skip', evidence: 'measured on 10 of 100 samples only' });
  }, 240_000);

  it('fails the graph check of an ONNX exported at another resolution', async () => {
    const report = await runRerun({ weightsPath: manifest.files.honest, studentOnnxPath: manifest.files['other-resolution-onnx'], document, spec, options: { ...options, samples: 4 } });
    expect(check(report, 'rerun.student_onnx')?.status).toBe('fail');
    expect(check(report, 'rerun.student_onnx')?.evidence).toMatch(/64/);
    expect(check(report, 'rerun.student_parity')).toBeUndefined();
    // Exported at 32 px with a dynamic batch, like the lesson's code at the wrong size: the flag comes
    // from the graph check's structured result (input size), not from words in its message.
    expect(report.flags.filter((f) => f.name === 'wrong_resolution').map((f) => f.detail)).toEqual([
      expect.stringMatching(/^re-run: the handed-in ONNX takes 32×32 images, not 64×64/),
    ]);
  }, 240_000);

  it('hands back what a slow logits step did by its deadline, with its pace and projection, instead of dying at the limit', async () => {
    // A busy CPU seen from the step: after its first batch the rest cannot fit (deadline share ~0).
    const heard: string[] = [];
    const report = await runRerun({
      weightsPath: manifest.files.honest, studentOnnxPath: null, document, spec,
      options: { device: 'cpu', benchmark: false, samples: 30, deadlineShare: 1e-9, onProgress: (step, p) => heard.push(`${step}:${p.done}/${p.total}`) },
    });
    expect(report.status).toBe('completed');
    expect(report.samples).toEqual({ used: 10, total: 100, seed: 123 });
    expect(report.steps.find((s) => s.name === 'pytorch_logits')?.detail).toMatch(
      /stopped after 10 of 30 samples at [\d.e-]+ s a sample: all would take [\d.e-]+ s, beyond the step's 120 s limit; the re-run measures those 10$/,
    );
    expect(check(report, 'rerun.parity')?.evidence).toMatch(/^10 samples: /);
    expect(heard).toEqual(['pytorch_logits:10/30']);
    expect(check(report, 'rerun.claim.pytorchAccuracy')).toMatchObject({ status: 'skip', evidence: 'measured on 10 of 100 samples only' });
    // No fixed thread count: each CPU step asked for one thread per core (recorded).
    const threads = report.metrics.threads as number[];
    expect(threads.length).toBeGreaterThanOrEqual(2);
    expect(threads.every((t) => t === availableParallelism())).toBe(true);
  }, 240_000);

  it.each([
    ['truncated', 'weights_unreadable'],
    ['malicious', 'weights_unsafe'],
  ])('rejects a %s .pth as the student\'s failure, not ours', async (variant, code) => {
    const report = await runRerun({ weightsPath: manifest.files[variant], studentOnnxPath: null, document, spec, options });
    expect(report.status).toBe('failed');
    expect(check(report, 'rerun.conversion')).toMatchObject({ status: 'fail', evidence: expect.stringMatching(new RegExp(`^${code}: `)) });
    expect(report.steps.find((s) => s.name === 'pytorch_logits')?.status).toBe('skipped');
  }, 120_000);

  it('reports a runner crash and a runner timeout as infrastructure errors', async () => {
    const crashed = await runRerun({ weightsPath: manifest.files.honest, studentOnnxPath: null, document, spec, options: { ...options, runnerCommand: ['/bin/false'] } });
    expect(crashed.status).toBe('error');
    expect(check(crashed, 'rerun.conversion')).toMatchObject({ status: 'error', evidence: expect.stringMatching(/^grader infrastructure: crashed/) });
    const slow = { ...spec, spec: { ...spec.spec, rerun: { ...spec.spec.rerun!, timeouts: { convertSeconds: 0.05, logitsSeconds: 1, benchmarkSeconds: 1 } } } };
    const timedOut = await runRerun({ weightsPath: manifest.files.honest, studentOnnxPath: null, document, spec: slow, options });
    expect(timedOut.status).toBe('error');
    expect(timedOut.steps[0]).toMatchObject({ name: 'convert', status: 'error', detail: expect.stringMatching(/^timeout/) });
  }, 120_000);

  it('loses only the step that hangs: the next step gets a fresh runner process', async () => {
    const hangingLogits = { ...spec, spec: { ...spec.spec, rerun: { ...spec.spec.rerun!, timeouts: { convertSeconds: 120, logitsSeconds: 0.005, benchmarkSeconds: 120 } } } };
    const report = await runRerun({ weightsPath: manifest.files.honest, studentOnnxPath: null, document, spec: hangingLogits, options: { ...options, benchmark: true } });
    expect(report.status).toBe('error');
    expect(report.steps.map((s) => [s.name, s.status])).toEqual([
      ['convert', 'ok'], ['student_onnx', 'skipped'], ['data', 'ok'], ['pytorch_logits', 'error'], ['ort_logits', 'ok'], ['benchmark', 'ok'],
    ]);
    expect(check(report, 'rerun.conversion')?.status).toBe('pass');
    expect(check(report, 'rerun.benchmark')?.status).toBe('pass');
    expect(report.metrics.runnerProcesses).toBe(2);
  }, 240_000);
});
