/**
 * Bull queues on Redis (@nestjs/bull), shared by the api (producer) and the workers (consumers).
 * Settings that make a lost worker harmless: jobs are locked while processed (lockDuration, renewed
 * at half of it); a lock left to expire by a dead worker is found by the stalled-job check
 * (stalledInterval) and the job goes back to waiting; attempts with exponential backoff.
 */
import { BullModule } from '@nestjs/bull';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { ServiceConfig } from '../config/config.js';
import { GradeQueue } from './grade.queue.js';
import { GRADE_QUEUE, RERUN_QUEUE } from './queue.names.js';

export function bullOptions(config: ServiceConfig) {
  const { worker } = config;
  return {
    url: config.redisUrl,
    prefix: config.queuePrefix,
    redis: {
      // Bull's default waits up to 20 s between reconnections; a restarted Redis should be used at once.
      retryStrategy: (times: number) => Math.min(200 * times, 2_000),
      ...(config.redisUrl.startsWith('rediss://') ? { tls: {} } : {}),
    },
    settings: {
      lockDuration: worker.lockDurationMs,
      stalledInterval: worker.stalledIntervalMs,
      // A job whose worker died twice is failed (then `error`), not retried forever.
      maxStalledCount: 2,
      // After a Redis outage, take jobs again within a second (Bull's default waits 5 s).
      retryProcessDelay: 1_000,
    },
    defaultJobOptions: {
      attempts: worker.attempts,
      backoff: { type: 'exponential', delay: worker.backoffMs },
      timeout: worker.jobTimeoutMs,
      // Finished jobs keep their id (so a duplicate enqueue stays a no-op) for a while, not forever.
      removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
      removeOnFail: { age: 30 * 24 * 3600 },
    },
  };
}

@Global()
@Module({})
export class QueueModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    const queues = BullModule.registerQueue({ name: GRADE_QUEUE }, { name: RERUN_QUEUE });
    return {
      module: QueueModule,
      imports: [BullModule.forRoot(bullOptions(config)), queues],
      providers: [GradeQueue],
      exports: [queues, GradeQueue],
    };
  }
}
