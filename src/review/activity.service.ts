/**
 * Data of the time-based overview plots on the class page: flags per day, re-run device time per day
 * (GPU and CPU apart) and the re-run queue's length over time. The queue's history is rebuilt from
 * the jobs Bull keeps (finished ones for 7 days, failed for 30), so nothing has to sample it.
 */
import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import { PrismaService } from '../database/database.module.js';
import { type FlagsByDay, flagsByDay, queueLengthHistory, type RerunTime, rerunTimeByDay } from './logic/activity.js';
import { RERUN_QUEUE, type RerunJobData } from '../queue/queue.names.js';
import { queueCall } from './rerun.service.js';

export interface RerunQueueView {
  now: { waiting: number; active: number; delayed: number; failed: number };
  /** Jobs waiting over time (ISO time, count), from the oldest job Bull still keeps. */
  history: { t: string; waiting: number }[];
}

export interface ActivityOverview {
  flags: FlagsByDay;
  rerunTime: RerunTime;
  /** null when Redis did not answer: the page says so and shows the rest. */
  rerunQueue: RerunQueueView | null;
  rerunQueueError: string | null;
}

/** Enough to rebuild a term's worth of re-runs; older ones Bull has removed anyway. */
const MAX_JOBS = 5_000;

@Injectable()
export class ActivityService {
  constructor(
    @Inject(PrismaService) private readonly db: PrismaService,
    @InjectQueue(RERUN_QUEUE) private readonly queue: Queue<RerunJobData>,
  ) {}

  async overview(specId: string): Promise<ActivityOverview> {
    const [handIns, reruns, queue] = await Promise.all([
      this.db.prisma.submission.findMany({
        where: { assignment: { specId } },
        select: { receivedAt: true, grades: { orderBy: [{ gradedAt: 'desc' }, { id: 'desc' }], take: 1, select: { flags: true } } },
      }),
      this.db.prisma.rerunRun.findMany({
        where: { submission: { assignment: { specId } } },
        select: { startedAt: true, finishedAt: true, device: true },
      }),
      this.rerunQueue().then(
        (view) => ({ view, error: null }),
        (error: Error) => ({ view: null, error: error.message }),
      ),
    ]);
    return {
      flags: flagsByDay(handIns.map((h) => ({ receivedAt: h.receivedAt, flags: flagNames(h.grades[0]?.flags) }))),
      rerunTime: rerunTimeByDay(reruns),
      rerunQueue: queue.view,
      rerunQueueError: queue.error,
    };
  }

  private async rerunQueue(): Promise<RerunQueueView> {
    const [counts, jobs] = await queueCall('reading the re-run queue', () =>
      Promise.all([this.queue.getJobCounts(), this.queue.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed'], 0, MAX_JOBS - 1)]),
    );
    const now = Date.now();
    const history = queueLengthHistory(
      jobs.filter((job) => job !== null).map((job) => ({ addedAt: job.timestamp, takenAt: job.processedOn ?? null })),
      now,
    );
    return {
      now: { waiting: counts.waiting, active: counts.active, delayed: counts.delayed, failed: counts.failed },
      history: history.map((p) => ({ t: new Date(p.t).toISOString(), waiting: p.waiting })),
    };
  }
}

function flagNames(flags: unknown): string[] {
  return Array.isArray(flags) ? flags.flatMap((f) => (f && typeof f === 'object' && typeof (f as { name?: unknown }).name === 'string' ? [(f as { name: string }).name] : [])) : [];
}
