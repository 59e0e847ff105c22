/**
 * Consumes the `rerun` queue on GPU workers, one job at a time per GPU (the models fill it, and
 * timings need it to themselves). An attempt that fails on our side is retried with backoff; the
 * last failure is recorded as an `error` re-run for staff, never as the student's fail.
 */
import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { RERUN_QUEUE, type RerunJobData } from '../queue/queue.names.js';
import { RerunJobHandler, type RerunJobResult } from './rerun-job.handler.js';

/** One GPU, one re-run: the concurrency of this queue in a worker process. */
export const RERUN_CONCURRENCY = 1;

/** A job id is reused when staff re-run the same checks again later; its creation time tells runs apart. */
export function rerunRunKey(job: Pick<Job, 'id' | 'timestamp'>): string {
  return `${String(job.id)}@${job.timestamp}`;
}

@Injectable()
export class RerunWorker {
  private readonly logger = new Logger('RerunWorker');
  private started = false;

  constructor(
    @InjectQueue(RERUN_QUEUE) private readonly queue: Queue<RerunJobData>,
    @Inject(RerunJobHandler) private readonly handler: RerunJobHandler,
  ) {}

  start(): void {
    if (this.started) return;
    this.started = true;
    this.queue.on('failed', (job: Job<RerunJobData> | null, error: Error) => void this.onFailed(job, error));
    this.queue.process(RERUN_CONCURRENCY, (job: Job<RerunJobData>) => this.run(job)).catch((error: Error) => {
      this.logger.error(`rerun queue processing stopped: ${error.message}`);
    });
    this.logger.log(`processing queue '${RERUN_QUEUE}' (concurrency ${RERUN_CONCURRENCY})`);
    void this.handler.warmUp().then((warm) =>
      warm.ok
        ? this.logger.log(`runner warm in ${warm.seconds.toFixed(1)} s (${warm.detail})`)
        : this.logger.warn(`runner warm-up failed (${warm.detail}); the first re-run will start it`),
    );
  }

  async stop(): Promise<void> {
    await this.queue.close();
    await this.handler.close(); // after the queue: no job is using the runner any more
  }

  private async run(job: Job<RerunJobData>): Promise<RerunJobResult> {
    const started = Date.now();
    await job.progress(5);
    const result = await this.handler.handle(rerunRunKey(job), job.data);
    await job.progress(100);
    this.logger.log(`${job.id}: ${result.outcome} in ${Math.round((Date.now() - started) / 1000)} s (attempt ${job.attemptsMade + 1})`);
    return result;
  }

  private async onFailed(job: Job<RerunJobData> | null, error: Error): Promise<void> {
    if (!job) return;
    try {
      if (!(await job.isFailed())) {
        this.logger.warn(`${job.id}: attempt ${job.attemptsMade} failed (${error.message}); will retry`);
        return;
      }
      await this.handler.recordInfrastructureFailure(rerunRunKey(job), job.data, `re-run failed after ${job.attemptsMade} attempt(s): ${error.message}`);
      this.logger.error(`${job.id}: failed for good (${error.message}); recorded as error`);
    } catch (failure) {
      this.logger.error(`${job.id}: could not record the failure (${(failure as Error).message})`);
    }
  }
}
