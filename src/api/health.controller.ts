import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/decorators.js';
import { SERVICE_CONFIG, type ServiceConfig } from '../config/config.js';
import { PrismaService } from '../database/database.module.js';
import { GradeQueue } from '../queue/grade.queue.js';
import { withTimeout } from '../queue/with-timeout.js';
import { measureProcessLimits } from './process-limits.js';

/**
 * Liveness of what the api needs: the database and Redis, and the process's own room (open files,
 * memory: see process-limits.ts). 503 "degraded" when either service is down or the process is
 * near a limit, so that a balancer sends work elsewhere before uploads start failing.
 */
@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    @Inject(PrismaService) private readonly database: PrismaService,
    @Inject(GradeQueue) private readonly queue: GradeQueue,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  @Public()
  @Get('health')
  @ApiOkResponse({ description: '{ status: "ok", database: "up", redis: "up", openFiles: { status, open, limit }, memory: { status, rssBytes, limitBytes, heapUsedBytes, heapLimitBytes } }' })
  @ApiServiceUnavailableResponse({ description: 'status "degraded": database or redis "down", or openFiles/memory "near limit"' })
  async health(@Res({ passthrough: true }) response: Response) {
    const [database, redis] = await Promise.all([this.databaseUp(), this.queue.ping(1_000)]);
    const { ratio, openFilesLimit, memoryLimitBytes } = this.config.health;
    const limits = measureProcessLimits({ ratio, openFilesLimit, memoryLimitBytes });
    const ok = database && redis && limits.openFiles.status === 'ok' && limits.memory.status === 'ok';
    response.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'degraded', database: up(database), redis: up(redis), ...limits };
  }

  private async databaseUp(): Promise<boolean> {
    try {
      await withTimeout(this.database.prisma.$queryRaw`SELECT 1`, 2_000, 'the database');
      return true;
    } catch {
      return false;
    }
  }
}

const up = (ok: boolean) => (ok ? 'up' : 'down');
