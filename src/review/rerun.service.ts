/**
 * TA re-runs: enqueue the failed (or chosen) checks of a submission on the `rerun` queue, ahead of
 * other work, and report any queue's job state for live watching.
 */
import { getQueueToken, InjectQueue } from '@nestjs/bull';
import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Job, JobStatus, Queue } from 'bull';
import type { AuthenticatedUser } from '../auth/auth.types.js';
import { PrismaService } from '../database/database.module.js';
import { auditEvent, submissionSubject } from './data/audit.js';
import { RERUN_PRIORITY, RERUN_QUEUE, type RerunJobData, rerunJobId } from '../queue/queue.names.js';
import { TimeoutError, withTimeout } from '../queue/with-timeout.js';
import { checksToRerun } from './rerun-job.js';

export interface JobView {
  queue: string;
  id: string;
  name: string;
  state: JobStatus | 'stuck';
  progress: unknown;
  attemptsMade: number;
  priority: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  failedReason: string | null;
  result: unknown;
  data: unknown;
}

/** Finished jobs are kept for watchers; a new request for the same checks replaces them. */
/** Longest a whole re-run may take (conversion, logits and benchmark on a slow device). */
const RERUN_JOB_TIMEOUT_MS = 60 * 60 * 1000;

const FINISHED: ReadonlySet<string> = new Set(['completed', 'failed']);

/** Bull waits for Redis indefinitely; a request should rather say the queue is unreachable. */
const QUEUE_TIMEOUT_MS = 5_000;

export async function queueCall<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await withTimeout(work(), QUEUE_TIMEOUT_MS, 'the job queue (Redis)');
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    throw new ServiceUnavailableException(`the job queue (Redis) did not answer within ${QUEUE_TIMEOUT_MS / 1000} s while ${what}; try again`);
  }
}

@Injectable()
export class RerunService {
  constructor(
    @Inject(PrismaService) private readonly db: PrismaService,
    @InjectQueue(RERUN_QUEUE) private readonly queue: Queue<RerunJobData>,
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
  ) {}

  async request(submissionId: string, requested: string[] | undefined, user: AuthenticatedUser) {
    const grade = await this.db.prisma.grade.findFirst({
      where: { submissionId },
      orderBy: [{ gradedAt: 'desc' }, { id: 'desc' }],
      select: { id: true, specId: true, specVersion: true, checkResults: { select: { checkId: true, status: true } } },
    });
    if (!grade) {
      const exists = await this.db.prisma.submission.count({ where: { id: submissionId } });
      if (!exists) throw new NotFoundException(`no submission ${submissionId}`);
      throw new ConflictException(`submission ${submissionId} has no grade yet: nothing to re-run`);
    }
    const { checkIds, unknown } = checksToRerun(grade.checkResults.map((c) => ({ id: c.checkId, status: c.status })), requested);
    if (unknown.length > 0) throw new BadRequestException(`checkIds: no check ${unknown.join(', ')} in this submission's grade`);
    if (checkIds.length === 0) throw new ConflictException('no failed or errored check to re-run');

    const jobId = rerunJobId(submissionId, checkIds);
    const data: RerunJobData = {
      submissionId,
      gradeId: grade.id,
      specId: grade.specId,
      specVersion: grade.specVersion,
      checkIds,
      requestedBy: user.email,
      requestedAt: new Date().toISOString(),
    };
    const { job, duplicate } = await queueCall('queueing the re-run', () => this.enqueue(jobId, data));
    if (!duplicate) {
      await this.db.prisma.auditEvent.create({
        data: auditEvent(user.email, 'rerun.request', submissionSubject(submissionId), { jobId, gradeId: grade.id, checkIds }),
      });
    }
    const view = await queueCall('reading the job', () => jobView(RERUN_QUEUE, job));
    return { ...view, duplicate, statusUrl: `/api/jobs/${RERUN_QUEUE}/${encodeURIComponent(jobId)}` };
  }

  /** Adds the job unless one with its id waits or runs; a finished one is replaced (its id is reused). */
  private async enqueue(jobId: string, data: RerunJobData): Promise<{ job: Job<RerunJobData>; duplicate: boolean }> {
    const existing = await this.queue.getJob(jobId);
    if (existing && !FINISHED.has(await existing.getState())) return { job: existing, duplicate: true };
    if (existing) await existing.remove();
    await this.queue.add(data, {
      jobId,
      priority: RERUN_PRIORITY,
      attempts: 3,
      backoff: { type: 'exponential', delay: 10_000 },
      // A re-run limits each of its steps itself (spec timeouts); Bull's grade-job timeout is far too short.
      timeout: RERUN_JOB_TIMEOUT_MS,
    });
    // Two requests racing: Bull keeps the first job under an id and ignores the second add.
    const job = await this.queue.getJob(jobId);
    if (!job) throw new Error(`job ${jobId} vanished right after it was queued`);
    return { job, duplicate: job.data.requestedAt !== data.requestedAt };
  }

  async job(queueName: string, id: string): Promise<JobView> {
    const queue = this.findQueue(queueName);
    const job = await queueCall('looking the job up', () => queue.getJob(id));
    if (!job) throw new NotFoundException(`no job ${id} in queue ${queueName}`);
    return queueCall('reading the job', () => jobView(queueName, job));
  }

  private findQueue(name: string): Queue {
    if (name === RERUN_QUEUE) return this.queue;
    try {
      // Queues other features register (e.g. `grade`) are looked up where the app provides them.
      return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
    } catch {
      throw new NotFoundException(`no queue named ${name}`);
    }
  }
}

async function jobView(queue: string, job: Job): Promise<JobView> {
  const iso = (ms: number | undefined | null) => (ms ? new Date(ms).toISOString() : null);
  return {
    queue,
    id: String(job.id),
    name: job.name,
    state: (await job.getState()) as JobView['state'],
    progress: job.progress(),
    attemptsMade: job.attemptsMade,
    priority: job.opts.priority ?? null,
    createdAt: new Date(job.timestamp).toISOString(),
    startedAt: iso(job.processedOn),
    finishedAt: iso(job.finishedOn),
    failedReason: job.failedReason ?? null,
    result: job.returnvalue ?? null,
    // Only the re-run payload is known to hold nothing but ids; other queues' payloads stay private.
    data: queue === RERUN_QUEUE ? job.data : null,
  };
}
