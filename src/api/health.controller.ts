import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/decorators.js';
import { PrismaService } from '../database/database.module.js';
import { GradeQueue } from '../queue/grade.queue.js';
import { withTimeout } from '../queue/with-timeout.js';

/** Liveness of what the api needs: the database and Redis. 503 when either is down. */
@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    @Inject(PrismaService) private readonly database: PrismaService,
    @Inject(GradeQueue) private readonly queue: GradeQueue,
  ) {}

  @Public()
  @Get('health')
  @ApiOkResponse({ description: '{ status: "ok", database: "up", redis: "up" }' })
  @ApiServiceUnavailableResponse({ description: 'database or redis "down"' })
  async health(@Res({ passthrough: true }) response: Response) {
    const [database, redis] = await Promise.all([this.databaseUp(), this.queue.ping(1_000)]);
    const body = { status: database && redis ? 'ok' : 'degraded', database: up(database), redis: up(redis) };
    response.status(database && redis ? 200 : 503);
    return body;
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
