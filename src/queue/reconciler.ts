/**
 * Finds submissions whose job was never enqueued (Redis was down during the upload, or the api died
 * between storing the row and enqueueing) and enqueues them: on worker start and every
 * RECONCILE_INTERVAL_MS. Enqueueing is idempotent, so several workers reconciling at once is fine.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '../config/config.js';
import { SpecRegistry } from '../specs/spec.registry.js';
import { SubmissionRepository } from '../submissions/submission.repository.js';
import { GradeQueue, gradeJobFor } from './grade.queue.js';

const BATCH = 500;

@Injectable()
export class Reconciler {
  private readonly logger = new Logger('Reconciler');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    @Inject(SubmissionRepository) private readonly submissions: SubmissionRepository,
    @Inject(GradeQueue) private readonly queue: GradeQueue,
    @Inject(SpecRegistry) private readonly registry: SpecRegistry,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  start(): void {
    const tick = () => {
      if (this.running) return;
      this.running = this.reconcileOnce()
        .catch((error: Error) => this.logger.warn(`reconciling failed: ${error.message}`))
        .finally(() => (this.running = null));
    };
    tick();
    this.timer = setInterval(tick, this.config.worker.reconcileIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass; returns how many submissions were found stuck and how many jobs were (re)created. */
  async reconcileOnce(): Promise<{ stuck: number; enqueued: number }> {
    const before = new Date(Date.now() - this.config.worker.reconcileGraceMs);
    const stuck = await this.submissions.stuckInReceived(before, BATCH);
    let enqueued = 0;
    for (const submission of stuck) {
      // In the owner's lane, as an upload would be (a fair queue; see grade.queue.ts).
      const outcome = await this.queue.ensureQueued(gradeJobFor(this.registry, submission.id, submission.assignment.specId), {
        owner: submission.personId,
      });
      if (outcome === 'unavailable') break;
      if (outcome === 'queued' || outcome === 'retried') enqueued++;
    }
    if (enqueued > 0) this.logger.log(`re-enqueued ${enqueued} of ${stuck.length} submission(s) left in 'received'`);
    return { stuck: stuck.length, enqueued };
  }
}
