/**
 * Putting grade jobs on the queue, never blocking an upload on Redis: when Redis does not answer in
 * time the caller learns 'unavailable' and goes on (the Submission row is stored; the reconciler
 * enqueues it later).
 *
 * A fair queue: every grade job gets a place in its student's lane, Bull's `priority` = 1 + how many
 * of that student's grade jobs are already waiting, delayed (between attempts) or running. Bull takes
 * lower numbers first and equal numbers in arrival order, so a student's fourth hand-in waits behind
 * every other student's first: one heavy hand-in (or a burst of them) cannot starve the others. The
 * upload and the reconciler both enqueue through `ensureQueued`, so both get a lane place.
 */
import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import { SERVICE_CONFIG, type ServiceConfig } from '../config/config.js';
import type { SpecRegistry } from '../specs/spec.registry.js';
import { GRADE_QUEUE, type GradeJobData, gradeJobId, RERUN_QUEUE } from './queue.names.js';
import { withTimeout } from './with-timeout.js';

export type EnqueueOutcome = 'queued' | 'already-queued' | 'retried' | 'unavailable';

export interface EnqueueOptions {
  /** A submission recorded just now has no job yet (saves a round trip). */
  newSubmission?: boolean;
  /** The student whose hand-in it is (Submission.personId): the lane it queues in; null: a lane of its own. */
  owner?: string | null;
}

/** A lane's entry whose job Bull does not hold yet counts this long (another enqueue may be adding it). */
const LANE_ADDING_GRACE_MS = 60_000;
/** A lane no enqueue touched for this long is dropped by Redis (its jobs are long finished). */
const LANE_TTL_MS = 7 * 24 * 3600 * 1000;

/**
 * One atomic step per enqueue: counts the student's jobs still live in Bull (waiting: the priority
 * set; delayed; running: the active list; or in wait/paused, where a job re-queued without a
 * priority lies), forgets finished ones, records this job, and answers the count. An entry whose job
 * hash does not exist yet is another enqueue between this step and Bull's add: it counts for a while.
 *   KEYS: lane (sorted set: job id -> when placed, ms), priority, delayed, active, wait, paused
 *   ARGV: job id, now (ms), grace (ms), lane ttl (ms), job key prefix
 */
const LANE_PLACE_SCRIPT = `
local ahead = 0
local lane = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
for i = 1, #lane, 2 do
  local id, since = lane[i], tonumber(lane[i + 1])
  if id ~= ARGV[1] then
    local live = redis.call('ZSCORE', KEYS[2], id) or redis.call('ZSCORE', KEYS[3], id)
      or redis.call('LPOS', KEYS[4], id) or redis.call('LPOS', KEYS[5], id) or redis.call('LPOS', KEYS[6], id)
      or (redis.call('EXISTS', ARGV[5] .. id) == 0 and tonumber(ARGV[2]) - since < tonumber(ARGV[3]))
    if live then ahead = ahead + 1 else redis.call('ZREM', KEYS[1], id) end
  end
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return ahead
`;

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
  async ensureQueued(data: GradeJobData, options: EnqueueOptions = {}): Promise<EnqueueOutcome> {
    const jobId = gradeJobId(data);
    const work = (async (): Promise<EnqueueOutcome> => {
      // A submission recorded just now has no job yet: one round trip instead of two.
      const existing = options.newSubmission ? null : await this.queue.getJob(jobId);
      if (existing) {
        if (!(await existing.isFailed())) return 'already-queued';
        // Failed for good: the same id again, with fresh attempts and a place in the lane as it is now
        // (Bull's retry() would put it back without its priority, behind everything).
        const priority = await this.lanePlace(jobId, options.owner ?? null);
        await existing.remove();
        await this.queue.add(data, { jobId, priority });
        return 'retried';
      }
      await this.queue.add(data, { jobId, priority: await this.lanePlace(jobId, options.owner ?? null) });
      return 'queued';
    })();
    try {
      return await withTimeout(work, this.config.enqueueTimeoutMs, 'Redis');
    } catch (error) {
      this.logger.warn(`grade job ${jobId} not enqueued now (${(error as Error).message}); the reconciler will`);
      return 'unavailable';
    }
  }

  /**
   * The job's priority in its student's lane: 1 + the student's grade jobs waiting, delayed or running
   * (this one not counted, so enqueueing it again gives the same answer). No owner: 1.
   */
  async lanePlace(jobId: string, owner: string | null): Promise<number> {
    if (!owner) return 1;
    const key = (name: string) => this.queue.toKey(name);
    const ahead = await this.queue.client.eval(
      LANE_PLACE_SCRIPT,
      6,
      key(`lane:${owner}`),
      key('priority'),
      key('delayed'),
      key('active'),
      key('wait'),
      key('paused'),
      jobId,
      String(Date.now()),
      String(LANE_ADDING_GRACE_MS),
      String(LANE_TTL_MS),
      key(''),
    );
    return 1 + Number(ahead);
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
