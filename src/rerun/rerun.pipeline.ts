/**
 * A re-run: measure the student's real model where the notebook only printed. The Python runner does
 * what needs PyTorch (load the weights safely, export ONNX, PyTorch logits and timings); ONNX Runtime
 * (onnxruntime-node) does the rest. Each step has its own time limit and outcome, so one hang or crash
 * does not lose the others; infrastructure failures are `error`, never charged to the student.
 */
import { join } from 'node:path';
import type { SubmissionDocument } from '../ingest/document.js';
import type { CheckResult, Flag } from '../grading/grade.types.js';
import type { LoadedSpec } from '../specs/spec.loader.js';
import type { RerunSpec } from '../specs/spec.schema.js';
import { compareClaims, type MeasuredResults } from './claims.js';
import { withJobDir } from './job-dir.js';
import { readNpyAs } from './npy.js';
import { checkOnnxGraph, type GraphCheckResult, graphFlags } from './onnx/graph-check.js';
import { benchmarkBatch1, closeOrtSession, openOrtSession, type OpenedSession, runLogits } from './onnx/ort-session.js';
import { claimTolerancesFor, judgeSpeedupClaim, parityToleranceFor } from './provider-rules.js';
import type { RunnerOutcome } from './runner-client.js';
import type { RunnerRequest, RunnerTask } from './runner-protocol.js';
import { RunnerSession, type RunnerSessionOptions } from './runner-session.js';
import { type RerunEnvironment, type RerunReport, type RerunStep, type RerunStepName, RERUN_STEPS } from './rerun.types.js';
import { type SeededData, writeSeededData } from './seeded-data.js';
import { cpuThreads, type StepProgress } from './cpu-budget.js';
import { accuracy, argmaxRows, confusionMatrix, matricesEqual, medianWithInterval, parityStats, ratioOfMedians, summarizeLatencies } from './stats.js';
import { readStudentClaims, readStudentSeed } from './student-claims.js';

export interface RerunOptions {
  /** Where PyTorch and ONNX Runtime run: auto picks CUDA when present (and records what was used). */
  device: 'auto' | 'cpu' | 'cuda';
  /** Samples actually run (the spec's count by default); CPU workers may use fewer, recorded as such. */
  samples?: number;
  /** Time the models (slow on a CPU); false records the step as skipped. */
  benchmark: boolean;
  runnerCommand?: readonly string[];
  /** Address-space limit of the runner (CPU workers); null: none (GPU workers limit memory by container). */
  memoryLimitBytes?: number | null;
  /**
   * Threads for torch and ORT: fixed, so timings mean something on a shared machine. Absent: each CPU
   * step gets the cores free when it starts (freeCpuThreads), recorded in the report.
   */
  threads?: number;
  /**
   * Share of the logits step's time limit after which a slow step stops between batches and hands
   * back the samples done (a busy CPU), instead of being killed at the limit with nothing. Default 0.8.
   */
  deadlineShare?: number;
  /** Hears a slow step's progress (samples done, pace, projected total), e.g. for the job's progress. */
  onProgress?: (step: RerunStepName, progress: StepProgress) => void;
  jobParent?: string;
  /**
   * A worker's long-lived runner, kept warm between re-runs (Python, torch and CUDA start once per
   * worker, not per submission); the re-run leaves it open. Absent: the re-run starts its own from
   * the options above and closes it at the end.
   */
  runnerSession?: RunnerSession;
}

export interface RerunInput {
  weightsPath: string;
  studentOnnxPath: string | null;
  document: SubmissionDocument;
  spec: LoadedSpec;
  options: RerunOptions;
}

export class RerunNotConfiguredError extends Error {}

/** An ONNX model in the re-run (ours or the student's) with what was computed for it. */
interface OnnxModel<T> {
  label: string;
  /** The student's own export: what their printed numbers came from. */
  student: boolean;
  value: T;
}

export async function runRerun(input: RerunInput): Promise<RerunReport> {
  const rerun = input.spec.spec.rerun;
  if (!rerun) throw new RerunNotConfiguredError(`${input.spec.spec.id} has no rerun section in its grading spec`);
  const run = new RerunRun(input, rerun);
  return withJobDir(
    async (dir) => {
      try {
        return await run.execute(dir);
      } finally {
        await run.close(); // before the job folder goes: the runner may still hold its files
      }
    },
    { parent: input.options.jobParent, prefix: 'grader-rerun-' },
  );
}

/** One re-run's state: steps, checks and flags collect here as the steps go. */
class RerunRun {
  private readonly startedAt = new Date();
  private readonly steps: RerunStep[] = [];
  private readonly checks: CheckResult[] = [];
  private readonly flags: Flag[] = [];
  private readonly metrics: Record<string, unknown> = {};
  private readonly environment: RerunEnvironment;
  private status: RerunReport['status'] = 'completed';
  private samples: RerunReport['samples'];
  /** One runner process for convert, logits and benchmark (a fresh one after a step it lost). */
  private readonly runnerSession: RunnerSession;
  private readonly ownsRunnerSession: boolean;
  private readonly processesBefore: number;

  constructor(
    private readonly input: RerunInput,
    private readonly rerun: RerunSpec,
  ) {
    this.environment = {
      runnerDevice: null, deviceName: null, torch: null, torchvision: null, onnx: null, python: null,
      ortVersion: null, executionProvider: null, fallbackReason: null, providerAttempts: null, opsetRequested: rerun.opset, opsetUsed: null,
    };
    this.samples = { used: 0, total: rerun.data.samples, seed: null };
    const { options } = input;
    this.ownsRunnerSession = options.runnerSession === undefined;
    this.runnerSession = options.runnerSession ?? new RunnerSession(runnerSessionOptions(options));
    this.processesBefore = this.runnerSession.processesStarted;
  }

  close(): Promise<void> {
    return this.ownsRunnerSession ? this.runnerSession.close() : Promise.resolve();
  }

  async execute(dir: string): Promise<RerunReport> {
    const seed = readStudentSeed(this.input.document, this.input.spec.spec, this.rerun);
    this.samples.seed = seed;
    // The seeded data (4-6 s of draws for 100 samples at 512 px) is generated while the runner
    // converts; it is stopped when the re-run ends early, and always finished before the folder goes.
    const stopData = new AbortController();
    const data = seed === null ? Promise.resolve(null) : this.seededData(dir, seed, stopData.signal);
    try {
      return await this.measure(dir, seed, data, stopData);
    } finally {
      stopData.abort();
      await data;
    }
  }

  private async measure(dir: string, seed: number | null, dataRun: Promise<SeededData | null>, stopData: AbortController): Promise<RerunReport> {
    const { rerun } = this;
    const ourOnnx = join(dir, 'ours.onnx');
    const converted = await this.runner('convert', rerun.timeouts.convertSeconds, {
      task: 'convert', convert: { opset: rerun.opset, dynamicBatch: true, output: ourOnnx }, ...this.model(dir),
    });
    if (converted) {
      const result = converted.response.result;
      this.environment.opsetUsed = result.opsetUsed;
      const graph = await checkOnnxGraph(ourOnnx, { inputSize: rerun.inputSize, classes: rerun.classes });
      this.check('rerun.conversion', 'The weights load into the spec architecture and export to a valid ONNX graph',
        graph.ok ? 'pass' : 'fail',
        `opset ${result.opsetUsed}${result.opsetUsed !== result.opsetRequested ? ` (requested ${result.opsetRequested}: ${result.note ?? 'not supported here'})` : ''}, checker ${result.checker}; ${graphEvidence(graph)}`);
    }
    const studentGraph = await this.studentOnnx();

    if (!converted || seed === null) {
      stopData.abort(); // nothing will read it
      if (seed === null) this.skip('data', 'no seed in the hand-in: the seeded data cannot be regenerated');
      this.skip('pytorch_logits', 'needs the converted model and the seeded data');
      this.skip('ort_logits', 'needs the converted model and the seeded data');
      this.skip('benchmark', 'needs the converted model');
      return this.finish();
    }
    const data = await dataRun;
    if (!data) return this.finish();

    const torchOut = join(dir, 'torch_logits.npy');
    const deadlineSeconds = rerun.timeouts.logitsSeconds * (this.input.options.deadlineShare ?? DEADLINE_SHARE);
    const torchLogits = await this.runner('logits', rerun.timeouts.logitsSeconds, {
      task: 'logits', logits: { input: data.path, output: torchOut, batchSize: 10, deadlineSeconds }, ...this.model(dir),
    });
    const torch = torchLogits ? (await readNpyAs(torchOut, 'float32', 2)).data as Float32Array : null;
    // A slow step (a busy CPU) stopped at its deadline: the samples it did are the re-run's samples.
    const used = torchLogits ? this.samplesDone(torchLogits.response.result, data.used) : data.used;

    const sessions: OnnxModel<OpenedSession>[] = [];
    try {
      const ours = await this.openSession(ourOnnx, 'our export');
      if (ours) sessions.push({ label: 'our export', student: false, value: ours });
      if (studentGraph?.ok) {
        const theirs = await this.openSession(this.input.studentOnnxPath!, 'the student\'s ONNX');
        if (theirs) sessions.push({ label: 'the student\'s ONNX', student: true, value: theirs });
      }
      const images = await readNpyAs(data.path, 'float32', 4);
      const [, channels, height, width] = images.shape as [number, number, number, number];
      const usedImages = (images.data as Float32Array).subarray(0, used * channels * height * width);
      const logits = await this.timed('ort_logits', async () => {
        const results = [];
        for (const { label, student, value: session } of sessions) {
          const out = await runLogits(session, { data: usedImages, shape: [used, channels, height, width] }, 10);
          results.push({ label, student, value: out.data });
        }
        return { value: results, detail: `${results.map((r) => r.label).join(' and ')} on ${this.environment.executionProvider ?? 'cpu'}` };
      });
      const measured: MeasuredResults = torch && logits ? this.compare(torch, logits, data.labels.slice(0, used)) : {};

      if (this.input.options.benchmark && ours) await this.benchmark(dir, ours, data.firstImage);
      if (!this.input.options.benchmark) this.skip('benchmark', 'not requested');
      this.claims(measured);
    } finally {
      for (const { value } of sessions) await closeOrtSession(value);
    }
    return this.finish();
  }

  /** Parity of each ONNX model against PyTorch, accuracy and confusion matrices on the seeded data. */
  private compare(torch: Float32Array, onnx: OnnxModel<Float32Array>[], labels: number[]): MeasuredResults {
    const { rerun } = this;
    const torchPredictions = argmaxRows(torch, rerun.classes);
    const torchMatrix = confusionMatrix(labels, torchPredictions, rerun.classes);
    // The matrices themselves, so the review page draws them from what was measured (rows: true label).
    const confusion = { samples: labels.length, pytorch: torchMatrix, onnx: [] as { label: string; student: boolean; matrix: number[][] }[] };
    this.metrics.confusion = confusion;
    let studentMeasured: MeasuredResults = {};
    // The provider ORT ran on sets the tolerance (WebGPU's is looser: provider-rules.ts, the spec's rerun.providers).
    const tolerance = parityToleranceFor(rerun, this.environment.executionProvider);
    for (const { label, student, value: logits } of onnx) {
      const parity = parityStats(logits, torch, tolerance);
      const predictions = argmaxRows(logits, rerun.classes);
      const onnxMatrix = confusionMatrix(labels, predictions, rerun.classes);
      confusion.onnx.push({ label, student, matrix: onnxMatrix });
      const matricesMatch = matricesEqual(torchMatrix, onnxMatrix);
      const id = student ? 'rerun.student_parity' : 'rerun.parity';
      this.check(id, `PyTorch and ONNX Runtime (${label}) agree on the seeded data (allclose atol ${tolerance.atol}, rtol ${tolerance.rtol})`,
        parity.allclose ? 'pass' : 'fail',
        `${parity.count / rerun.classes} samples: max |Δ| ${fmt(parity.maxAbsDiff)}, max relative ${fmt(parity.maxRelDiff)}, ${parity.mismatched} values outside tolerance; argmax agrees on ${predictions.filter((p, i) => p === torchPredictions[i]).length}/${predictions.length}; confusion matrices ${matricesMatch ? 'equal' : 'differ'}`);
      if (!parity.allclose && student) {
        this.flags.push({ name: 'parity_failed', exercise: null, exerciseId: null, detail: `re-run: ${label} differs from PyTorch by up to ${fmt(parity.maxAbsDiff)}` });
      }
      const measured = {
        maxDifference: parity.maxAbsDiff,
        pytorchAccuracy: accuracy(torchPredictions, labels),
        onnxAccuracy: accuracy(predictions, labels),
        matricesMatch,
      };
      this.metrics[student ? 'studentVsPytorch' : 'oursVsPytorch'] = { ...measured, maxRelDiff: parity.maxRelDiff, mismatched: parity.mismatched };
      // The student's own ONNX is what their printed numbers came from, when we have it.
      if (student || onnx.length === 1) studentMeasured = measured;
    }
    // Accuracy claims are over all the lesson's samples: not comparable on a subset.
    if (this.samples.used < this.samples.total) {
      const { pytorchAccuracy: _p, onnxAccuracy: _o, matricesMatch: _m, ...rest } = studentMeasured;
      return rest;
    }
    return studentMeasured;
  }

  private async benchmark(dir: string, ours: OpenedSession, firstImage: Float32Array) {
    const { rerun } = this;
    const torch = await this.runner('benchmark', rerun.timeouts.benchmarkSeconds, { task: 'benchmark', benchmark: rerun.benchmark, ...this.model(dir) });
    const ort = await benchmarkBatch1(ours, firstImage, [3, rerun.inputSize, rerun.inputSize], rerun.benchmark);
    const torchSummary = torch ? summarizeLatencies(torch.response.result.samplesMs) : null;
    const torchMedian = torchSummary ? medianWithInterval(torchSummary) : null;
    const ortMedian = medianWithInterval(ort);
    const ratio = torchMedian && ortMedian ? ratioOfMedians(torchMedian, ortMedian) : null;
    this.metrics.latency = {
      pytorch: torchSummary && { p50: torchSummary.p50, p95: torchSummary.p95, p99: torchSummary.p99, medianCi: torchSummary.medianCi, iterations: torchSummary.count, synchronized: torch!.response.result.synchronized },
      onnxRuntime: { p50: ort.p50, p95: ort.p95, p99: ort.p99, medianCi: ort.medianCi, iterations: ort.count, stopReason: ort.stopReason },
      speedup: ratio,
      device: this.environment.deviceName,
      executionProvider: this.environment.executionProvider,
    };
    const where = `${this.environment.runnerDevice === 'cuda' ? this.environment.deviceName : `CPU (${this.environment.deviceName})`}, ORT on ${this.environment.executionProvider}`;
    this.check('rerun.benchmark', 'Batch-1 latency of PyTorch and ONNX Runtime measured',
      ratio ? 'pass' : 'error',
      ratio
        ? `${where}: PyTorch p50 ${fmt(torchMedian!.median)} ms, ONNX Runtime p50 ${fmt(ortMedian!.median)} ms, speedup ${fmt(ratio.ratio)}x (${fmt(ratio.low)}..${fmt(ratio.high)})`
        : `${where}: too few samples for a confidence interval`);
    // Whether the ratio is comparable with the student's (both on a GPU) is judged with the claims.
  }

  private claims(measured: MeasuredResults): void {
    const { speedup: claimedSpeedup, ...claimed } = readStudentClaims(this.input.document, this.input.spec.spec, this.rerun);
    const comparison = compareClaims(claimed, measured, claimTolerancesFor(this.rerun, this.environment.executionProvider));
    for (const result of comparison.results) {
      this.check(`rerun.claim.${result.claim}`, `Printed ${result.claim} reproduced by the re-run`, result.reproduced ? 'pass' : 'fail', result.evidence);
      if (!result.reproduced) this.flags.push({ name: 'not_reproduced', exercise: null, exerciseId: null, detail: result.evidence });
    }
    for (const skipped of comparison.skipped) {
      if (skipped.claim === 'speedup') continue; // judged below, with the providers both models ran on
      const why = skipped.reason === 'not_claimed'
        ? 'not printed in the hand-in'
        : this.samples.used < this.samples.total
          ? `measured on ${this.samples.used} of ${this.samples.total} samples only`
          : 'not measured (an earlier step failed)';
      this.check(`rerun.claim.${skipped.claim}`, `Printed ${skipped.claim} reproduced by the re-run`, 'skip', why);
    }
    // Compared only when PyTorch and ORT both ran on a GPU (ORT on CUDA or WebGPU, with the spec's
    // tolerance for the provider); otherwise skipped with the reason, ORT's provider reasons included.
    const speedup = judgeSpeedupClaim({ environment: this.environment, metrics: this.metrics, steps: this.steps }, claimedSpeedup, this.rerun);
    this.check('rerun.claim.speedup', 'Printed speedup reproduced by the re-run', speedup.status, speedup.evidence);
    if (speedup.status === 'fail') this.flags.push({ name: 'not_reproduced', exercise: null, exerciseId: null, detail: speedup.evidence });
  }

  private async studentOnnx(): Promise<GraphCheckResult | null> {
    const path = this.input.studentOnnxPath;
    if (!path) {
      this.skip('student_onnx', 'no ONNX file handed in');
      return null;
    }
    return this.timed('student_onnx', async () => {
      const graph = await checkOnnxGraph(path, { inputSize: this.rerun.inputSize, classes: this.rerun.classes, opset: this.rerun.opset });
      this.check('rerun.student_onnx', 'The handed-in ONNX has input [N, 3, size, size] with a symbolic N and output [N, classes]', graph.ok ? 'pass' : 'fail', graphEvidence(graph));
      // Flags from the check's structured problems (input size, classes), never from its words.
      this.flags.push(...graphFlags(graph));
      this.metrics.studentGraph = { problems: graph.problems, notes: graph.notes, opset: graph.opset };
      return { value: graph, detail: graph.ok ? 'graph checks passed' : graph.failures.join('; ') };
    });
  }

  private async openSession(path: string, label: string): Promise<OpenedSession | null> {
    // auto: try CUDA only where the runner found a GPU (asking for it elsewhere only fails noisily).
    const { device } = this.input.options;
    const provider = device === 'auto' ? (this.environment.runnerDevice === 'cuda' ? 'auto' : 'cpu') : device;
    try {
      const sized = !fixedThreads(this.input.options) && this.environment.runnerDevice !== 'cuda';
      const intraOpNumThreads = this.input.options.threads ?? (sized ? cpuThreads() : undefined);
      const session = await openOrtSession(path, { provider, intraOpNumThreads });
      this.environment.ortVersion = session.ortVersion;
      this.environment.executionProvider ??= session.executionProvider;
      this.environment.fallbackReason ??= session.fallbackReason;
      this.environment.providerAttempts ??= [...session.attempts];
      return session;
    } catch (error) {
      this.steps.push({ name: 'ort_logits', status: 'error', seconds: 0, detail: `cannot open ${label} in ONNX Runtime: ${(error as Error).message}` });
      this.status = 'error';
      return null;
    }
  }

  /**
   * The samples a logits step did: all of them, or those done before it stopped at its deadline
   * (the step's detail then says how far it got, its pace and what all would have taken).
   */
  private samplesDone(result: { samplesDone?: number; samplesTotal?: number; stoppedEarly?: boolean; secondsPerSample?: number; projectedSeconds?: number }, planned: number): number {
    if (!result.stoppedEarly || result.samplesDone === undefined) return planned;
    const done = Math.min(result.samplesDone, planned);
    this.samples.used = done;
    const limit = this.rerun.timeouts.logitsSeconds;
    const note =
      `stopped after ${done} of ${result.samplesTotal ?? planned} samples at ${fmt(result.secondsPerSample ?? 0)} s a sample: ` +
      `all would take ${fmt(result.projectedSeconds ?? 0)} s, beyond the step's ${limit} s limit; the re-run measures those ${done}`;
    const step = this.steps.find((s) => s.name === 'pytorch_logits');
    if (step) step.detail = `${step.detail}; ${note}`;
    this.metrics.logitsStoppedEarly = { done, total: result.samplesTotal ?? planned, secondsPerSample: result.secondsPerSample, projectedSeconds: result.projectedSeconds, limitSeconds: limit };
    return done;
  }

  /**
   * Threads for a CPU step, set on each request: one per core, whatever else the machine runs.
   * Measured (`npm run bench -- rerun-load`): on a busy 2-core machine ResNet101 at 512 px costs
   * 2.6-4.5x more a sample with 1 thread than with 2, because the scheduler shares the CPU per
   * thread; fewer threads than cores only shrinks the re-run's share. Null: RUNNER_THREADS (or
   * `threads`) fixes them for the runner's life, or the step runs on a GPU.
   */
  private stepThreads(): number | null {
    if (fixedThreads(this.input.options)) return null;
    if (this.environment.runnerDevice === 'cuda') return null;
    const threads = cpuThreads();
    ((this.metrics.threads ??= []) as number[]).push(threads);
    return threads;
  }

  /** A runner step; records its outcome. Returns the response when ok, else null. */
  private async runner<T extends RunnerTask>(task: T, timeoutSeconds: number, request: object) {
    const name: RerunStepName = task === 'logits' ? 'pytorch_logits' : (task as RerunStepName);
    const threads = this.stepThreads();
    const onProgress = (progress: StepProgress) => {
      ((this.metrics.progress ??= {}) as Record<string, StepProgress>)[name] = progress;
      this.input.options.onProgress?.(name, progress);
    };
    const sized = threads === null ? request : { ...request, threads };
    const outcome = (await this.runnerSession.run(sized as RunnerRequest, timeoutSeconds * 1000, onProgress)) as RunnerOutcome<T>;
    if (outcome.kind === 'ok') {
      const env = outcome.response.environment;
      Object.assign(this.environment, {
        runnerDevice: env.device, deviceName: env.deviceName, torch: env.torch, torchvision: env.torchvision, onnx: env.onnx, python: env.python,
      });
      this.steps.push({ name, status: 'ok', seconds: round(outcome.wallSeconds), detail: `${env.device} ${env.deviceName}` });
      // What the step cost beyond the runner's own work (the first step: process start, torch and
      // CUDA initialisation; later ones: the protocol): the orchestration overhead, kept beside the
      // compute so a GPU worker's budget can be checked.
      const { loadSeconds = null, taskSeconds = null } = outcome.response.timings;
      const runnerTimings = (this.metrics.runnerTimings ??= {}) as Record<string, unknown>;
      runnerTimings[name] = {
        wallSeconds: round(outcome.wallSeconds),
        loadSeconds: loadSeconds === null ? null : round(loadSeconds),
        taskSeconds: taskSeconds === null ? null : round(taskSeconds),
        overheadSeconds: round(outcome.wallSeconds - (loadSeconds ?? 0) - (taskSeconds ?? 0)),
      };
      return outcome;
    }
    if (outcome.kind === 'student_error') {
      this.steps.push({ name, status: 'failed', seconds: round(outcome.wallSeconds), detail: `${outcome.code}: ${outcome.message}` });
      if (this.status !== 'error') this.status = 'failed';
      if (task === 'convert') this.check('rerun.conversion', 'The weights load into the spec architecture and export to a valid ONNX graph', 'fail', `${outcome.code}: ${outcome.message}`);
    } else {
      this.steps.push({ name, status: 'error', seconds: round(outcome.wallSeconds), detail: `${outcome.code}: ${outcome.message}${outcome.stderrTail ? ` (stderr: ${outcome.stderrTail.slice(-300)})` : ''}` });
      this.status = 'error';
      if (task === 'convert') this.check('rerun.conversion', 'The weights load into the spec architecture and export to a valid ONNX graph', 'error', `grader infrastructure: ${outcome.code}: ${outcome.message}`);
    }
    return null;
  }

  /** The `data` step; never rejects. Stopped on purpose, it records nothing (the re-run ended early). */
  private seededData(dir: string, seed: number, signal: AbortSignal): Promise<SeededData | null> {
    const { rerun } = this;
    return this.timed('data', async () => {
      const written = await writeSeededData(join(dir, 'inputs.npy'), {
        seed, size: rerun.inputSize, total: rerun.data.samples, used: this.input.options.samples ?? rerun.data.samples, classes: rerun.classes,
      }, signal);
      this.samples.used = written.used;
      return { value: written, detail: `seed ${seed}: ${written.used} of ${rerun.data.samples} samples of ${rerun.inputSize}×${rerun.inputSize}×3` };
    }, signal);
  }

  /** A step run here in Node; records its outcome. A step stopped through `signal` records nothing. */
  private async timed<T>(name: RerunStepName, work: () => Promise<{ value: T; detail: string }>, signal?: AbortSignal): Promise<T | null> {
    const started = performance.now();
    try {
      const { value, detail } = await work();
      this.steps.push({ name, status: 'ok', seconds: round((performance.now() - started) / 1000), detail });
      return value;
    } catch (error) {
      if (signal?.aborted) return null;
      this.steps.push({ name, status: 'error', seconds: round((performance.now() - started) / 1000), detail: (error as Error).message });
      this.status = 'error';
      return null;
    }
  }

  private skip(name: RerunStepName, why: string): void {
    this.steps.push({ name, status: 'skipped', seconds: 0, detail: why });
  }

  private check(id: string, description: string, status: CheckResult['status'], evidence: string): void {
    this.checks.push({ id, description, status, points: 0, maxPoints: 0, evidence });
  }

  private model(dir: string) {
    return {
      jobDir: dir,
      weights: this.input.weightsPath,
      architecture: this.rerun.architecture,
      inputSize: this.rerun.inputSize,
      device: this.input.options.device,
    };
  }

  private finish(): RerunReport {
    // Runner processes this re-run started: 1 when every step went well (0 with a warm worker
    // runner); each lost step (timeout, crash) costs a fresh one.
    this.metrics.runnerProcesses = this.runnerSession.processesStarted - this.processesBefore;
    return {
      status: this.status,
      startedAt: this.startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      environment: this.environment,
      samples: this.samples,
      // in the order a person reads them, whatever finished first
      steps: [...this.steps].sort((a, b) => RERUN_STEPS.indexOf(a.name) - RERUN_STEPS.indexOf(b.name)),
      checks: this.checks,
      flags: this.flags,
      metrics: this.metrics,
    };
  }
}

/** The runner a re-run (or a worker, for all its re-runs) starts from these options. */
export function runnerSessionOptions(options: Pick<RerunOptions, 'runnerCommand' | 'memoryLimitBytes' | 'threads'>): RunnerSessionOptions {
  return {
    command: options.runnerCommand,
    memoryLimitBytes: options.memoryLimitBytes,
    env: options.threads ? { ...process.env, RUNNER_THREADS: String(options.threads) } : process.env,
  };
}

function graphEvidence(graph: GraphCheckResult): string {
  const shapes = `input ${graph.inputs.map((i) => `[${i.shape.join(', ')}]`).join(', ')}, output ${graph.outputs.map((o) => `[${o.shape.join(', ')}]`).join(', ')}`;
  const notes = graph.notes.map((n) => `; ${n.message}`).join('');
  return graph.ok ? `${shapes}${notes}` : `${graph.failures.join('; ')} (${shapes})${notes}`;
}

function fmt(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(4))) : String(value);
}

const round = (value: number) => Math.round(value * 100) / 100;

/** Threads fixed by the options or by RUNNER_THREADS in the environment: not sized per step. */
function fixedThreads(options: RerunOptions): boolean {
  return options.threads !== undefined || (process.env.RUNNER_THREADS ?? '').trim() !== '';
}

/** Share of the logits step's limit at which it stops and hands back what it has (RerunOptions.deadlineShare). */
const DEADLINE_SHARE = 0.8;
