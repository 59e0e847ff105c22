/**
 * Putting grade jobs on the queue, never blocking an upload on Redis: when Redis does not answer in
 * time the caller learns 'unavailable' and goes on (the Submission row is stored; the reconciler
 * enqueues it later).
 */
import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import { SERVICE_CONFIG, type ServiceConfig } from '../config/config.js';
import type { SpecRegistry } from '../specs/spec.registry.js';
import { GRADE_QUEUE, type GradeJobData, gradeJobId, RERUN_QUEUE } from './queue.names.js';
import { withTimeout } from './with-timeout.js';

export type EnqueueOutcome = 'queued' | 'already-queued' | 'retried' | 'unavailable';

@Injectable()
export class GradeQueue {
  private readonly logger = new Logger('GradeQueue');

  constructor(
    @InjectQueue(GRADE_QUEUE) readonly queue: Queue<GradeJobData>,
    @InjectQueue(RERUN_QUEUE) rerun: Queue,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {
    // Bull swallows connection errors silently; an outage should be visible in the logs, once.
    for (const q of [queue, rerun]) watchConnection(q, this.logger);
  }

  /**
   * Makes sure a job exists for this submission and spec version: adds it, or re-tries a job that
   * failed for good (a staff retry or a resubmission after `error`); a job waiting or running is left
   * alone. Bull's add is itself a no-op for an existing id, so racing callers are harmless.
   */
  async ensureQueued(data: GradeJobData, options: { newSubmission?: boolean } = {}): Promise<EnqueueOutcome> {
    const jobId = gradeJobId(data);
    const work = (async (): Promise<EnqueueOutcome> => {
      // A submission recorded just now has no job yet: one round trip instead of two.
      const existing = options.newSubmission ? null : await this.queue.getJob(jobId);
      if (existing) {
        if (await existing.isFailed()) {
          await existing.retry();
          return 'retried';
        }
        return 'already-queued';
      }
      await this.queue.add(data, { jobId });
      return 'queued';
    })();
    try {
      return await withTimeout(work, this.config.enqueueTimeoutMs, 'Redis');
    } catch (error) {
      this.logger.warn(`grade job ${jobId} not enqueued now (${(error as Error).message}); the reconciler will`);
      return 'unavailable';
    }
  }

  /** Redis answers a PING within `ms`. */
  async ping(ms = 1_000): Promise<boolean> {
    if (this.queue.client.status !== 'ready') return false;
    try {
      return (await withTimeout(this.queue.client.ping(), ms, 'Redis')) === 'PONG';
    } catch {
      return false;
    }
  }
}

/** Logs Redis trouble once per outage rather than once per reconnection attempt. */
export function watchConnection(queue: Queue, logger: Logger): void {
  let down = false;
  queue.on('error', (error: Error) => {
    if (!down) logger.error(`queue ${queue.name}: Redis unavailable (${error.message}); retrying`);
    down = true;
  });
  queue.client.on('ready', () => {
    if (down) logger.log(`queue ${queue.name}: Redis is back`);
    down = false;
  });
}

/** The job for a submission of this assignment: keyed by the spec version the registry holds now. */
export function gradeJobFor(registry: SpecRegistry, submissionId: string, assignmentSpecId: string): GradeJobData {
  return { submissionId, specVersion: registry.byId(assignmentSpecId)?.spec.version ?? 'auto' };
}
