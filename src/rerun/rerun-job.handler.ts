/**
 * One `rerun` job: the submission's stored hand-in and model files → runRerun → one RerunRun row.
 * A failure of ours (runner crash, timeout, out of memory, CUDA error) is thrown so that Bull
 * retries it with backoff; only the last attempt's failure is recorded, as `error`. A student's
 * failure (unsafe or unreadable weights, no weights) is a result, recorded once.
 */
import { readFile } from 'node:fs/promises';
import type { PrismaClient } from '../generated/prisma/client.js';
import { parseSubmission, type ReadLimits, sniffKind } from '../ingest/submission.reader.js';
import type { SpecRegistry } from '../specs/spec.registry.js';
import { type RerunJobData, rerunJobSchema } from '../queue/queue.names.js';
import { withJobDir } from './job-dir.js';
import { placeOnnxWithData } from './onnx-external-data.js';
import { runRerun, runnerSessionOptions, type RerunOptions } from './rerun.pipeline.js';
import { RunnerSession } from './runner-session.js';
import { RerunRepository } from './rerun.repository.js';
import type { RerunReport } from './rerun.types.js';

export class RerunInfrastructureError extends Error {}

export type RerunJobResult =
  | { outcome: 'recorded'; rerunId: string; status: RerunReport['status'] }
  | { outcome: 'already-recorded'; rerunId: string }
  | { outcome: 'no-model'; rerunId: string }
  | { outcome: 'gone' };

export class RerunJobHandler {
  private readonly reruns: RerunRepository;

  /**
   * The worker's runner, warm across jobs: Python, torch and CUDA start once per worker (7 s on an
   * H100 machine) instead of once per submission. A step that hangs or crashes costs its process;
   * the next request starts a fresh one.
   */
  private readonly runner: RunnerSession;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly registry: SpecRegistry,
    private readonly limits: ReadLimits,
    private readonly options: RerunOptions,
  ) {
    this.reruns = new RerunRepository(prisma);
    this.runner = options.runnerSession ?? new RunnerSession(runnerSessionOptions(options));
  }

  /** A warm-up in flight: jobs wait for it (the runner takes one request at a time). */
  private warming: Promise<void> = Promise.resolve();

  /**
   * Starts the runner before the first job arrives (worker start): Python, torch and CUDA initialise
   * while the queue is idle, so no submission's re-run pays for it. A failed warm-up only costs the
   * first job the start it would have paid anyway; it is reported, never thrown.
   */
  warmUp(): Promise<{ ok: boolean; seconds: number; detail: string }> {
    const done = this.runner.run({ task: 'probe', device: this.options.device }, 120_000).then(
      (outcome) => ({
        ok: outcome.kind === 'ok',
        seconds: outcome.wallSeconds,
        detail: outcome.kind === 'ok' ? `${outcome.response.environment.device} ${outcome.response.environment.deviceName}` : `${outcome.code}: ${outcome.message}`,
      }),
      (error: Error) => ({ ok: false, seconds: 0, detail: error.message }),
    );
    this.warming = done.then(() => undefined);
    return done;
  }

  /** Ends the warm runner (worker shutdown). */
  async close(): Promise<void> {
    await this.warming;
    await this.runner.close();
  }

  async handle(jobId: string, payload: RerunJobData): Promise<RerunJobResult> {
    // The queue is a boundary: a payload of another shape is refused before anything is read or run.
    const data = rerunJobSchema.parse(payload);
    await this.warming;
    const done = await this.reruns.byJob(jobId);
    if (done) return { outcome: 'already-recorded', rerunId: done };
    const submission = await this.prisma.submission.findUnique({
      where: { id: data.submissionId },
      select: { id: true, filename: true, storedPath: true, modelFiles: { orderBy: { uploadedAt: 'desc' } } },
    });
    if (!submission) return { outcome: 'gone' };
    const weights = submission.modelFiles.find((f) => f.role === 'weights');
    const onnx = submission.modelFiles.find((f) => f.role === 'onnx');
    if (!weights) {
      const { rerunId } = await this.reruns.saveNoModel(submission.id, jobId, 'no weights (.pth) were handed in with this submission');
      return { outcome: 'no-model', rerunId };
    }
    const spec = this.registry.byId(data.specId);
    if (!spec) throw new RerunInfrastructureError(`spec ${data.specId} is not loaded in this worker`);
    const bytes = await readFile(submission.storedPath);
    const kind = sniffKind(bytes);
    if (kind === 'unknown') throw new RerunInfrastructureError(`stored file of ${submission.id} is not a notebook or PDF`);
    const document = await parseSubmission({ path: submission.storedPath, filename: submission.filename, kind, bytes }, this.limits);
    const onnxData = submission.modelFiles.find((f) => f.role === 'onnx_data') ?? null;
    const rerun = (studentOnnxPath: string | null) =>
      runRerun({ weightsPath: weights.storedPath, studentOnnxPath, document, spec, options: { ...this.options, runnerSession: this.runner } });
    // The store keeps files by sha256: the student's ONNX and its external data (model.onnx.data) are
    // put side by side in the job's folder, under the name the model expects, for the re-run's time.
    const report = onnx
      ? await withJobDir(async (dir) => rerun((await placeOnnxWithData(onnx, onnxData, dir)).path), { prefix: 'grader-onnx-' })
      : await rerun(null);
    if (report.status === 'error') {
      const step = report.steps.find((s) => s.status === 'error');
      throw new RerunInfrastructureError(`${step?.name ?? 'rerun'}: ${step?.detail ?? 'infrastructure error'}`);
    }
    const { rerunId, created } = await this.reruns.saveForJob(submission.id, jobId, report);
    return created ? { outcome: 'recorded', rerunId, status: report.status } : { outcome: 'already-recorded', rerunId };
  }

  /** The last attempt failed on our side: recorded for staff as `error`, never charged to the student. */
  async recordInfrastructureFailure(jobId: string, data: RerunJobData, reason: string): Promise<void> {
    await this.reruns.saveError(data.submissionId, jobId, reason);
  }
}
