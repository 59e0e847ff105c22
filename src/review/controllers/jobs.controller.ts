import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { Roles } from '../../auth/decorators.js';
import { jobParams } from '../http/schemas.js';
import { ZodPipe } from '../../http/zod.pipe.js';
import { RerunService } from '../rerun.service.js';
import { API_PREFIX } from '../routes.js';

@ApiTags('review')
@ApiBearerAuth()
@Controller(`${API_PREFIX}/jobs`)
export class JobsController {
  constructor(@Inject(RerunService) private readonly reruns: RerunService) {}

  @Get(':queue/:id')
  @Roles('ta', 'instructor')
  @ApiOperation({ summary: 'State and progress of a queue job (poll it to watch a re-run live)' })
  job(@Param(new ZodPipe(jobParams, 'path')) params: z.output<typeof jobParams>) {
    return this.reruns.job(params.queue, params.id);
  }
}
