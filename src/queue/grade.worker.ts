/**
 * Consumes the `grade` queue. Bull calls the handler once per attempt; this class decides what a
 * failure means: an attempt that fails is retried with backoff; when no attempt is left (or the job
 * stalled too often: its workers died) the submission is marked `error` for staff, never `fail`.
 */
import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { SERVICE_CONFIG, type ServiceConfig } from '../config/config.js';
import { SubmissionRepository } from '../submissions/submission.repository.js';
import { GradeJobHandler } from './grade-job.handler.js';
import { GRADE_QUEUE, type GradeJobData, type GradeJobResult } from './queue.names.js';

@Injectable()
export class GradeWorker {
  private readonly logger = new Logger('GradeWorker');
  private started = false;

  constructor(
    @InjectQueue(GRADE_QUEUE) private readonly queue: Queue<GradeJobData>,
    @Inject(GradeJobHandler) private readonly handler: GradeJobHandler,
    @Inject(SubmissionRepository) private readonly submissions: SubmissionRepository,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  start(): void {
    if (this.started) return;
    this.started = true;
    this.queue.on('failed', (job: Job<GradeJobData> | null, error: Error) => void this.onFailed(job, error));
    this.queue.on('stalled', (job: Job<GradeJobData>) =>
      this.logger.warn(`${job.id}: its worker stopped answering (crashed?); the job is back in the queue`),
    );
    this.queue.process(this.config.worker.concurrency, (job: Job<GradeJobData>) => this.run(job)).catch((error: Error) => {
      this.logger.error(`grade queue processing stopped: ${error.message}`);
    });
    this.logger.log(`processing queue '${GRADE_QUEUE}' (concurrency ${this.config.worker.concurrency})`);
  }

  /** Stops taking jobs and waits for the ones running to finish (Bull's close). */
  async stop(): Promise<void> {
    await this.queue.close();
  }

  private async run(job: Job<GradeJobData>): Promise<GradeJobResult> {
    const started = Date.now();
    const result = await this.handler.handle(job.data);
    const detail = result.outcome === 'graded' ? ` ${result.score}${result.created ? '' : ' (already stored)'}` : '';
    this.logger.log(`${job.id}: ${result.outcome}${detail} in ${Date.now() - started} ms (attempt ${job.attemptsMade + 1})`);
    return result;
  }

  private async onFailed(job: Job<GradeJobData> | null, error: Error): Promise<void> {
    if (!job) return;
    try {
      // Bull emits 'failed' after every failed attempt; only a job in the failed set has none left.
      if (!(await job.isFailed())) {
        this.logger.warn(`${job.id}: attempt ${job.attemptsMade} failed (${error.message}); will retry`);
        return;
      }
      const reason = `grading failed after ${job.attemptsMade} attempt(s): ${error.message}`;
      await this.submissions.markError(job.data.submissionId, reason);
      this.logger.error(`${job.id}: ${reason}; marked error`);
    } catch (failure) {
      this.logger.error(`${job.id}: could not record the failure (${(failure as Error).message})`);
    }
  }
}
