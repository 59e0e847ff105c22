import { Body, Controller, Delete, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import type { AuthenticatedUser } from '../../auth/auth.types.js';
import { CurrentUser, Roles } from '../../auth/decorators.js';
import { overrideBody, revokeBody, uuidParam } from '../http/schemas.js';
import { ZodPipe } from '../../http/zod.pipe.js';
import { OverrideService } from '../override.service.js';
import { API_PREFIX } from '../routes.js';

const checkResultId = new ZodPipe(uuidParam, 'check result id');

@ApiTags('review')
@ApiBearerAuth()
@Controller(`${API_PREFIX}/checks`)
export class ChecksController {
  constructor(@Inject(OverrideService) private readonly overrides: OverrideService) {}

  @Post(':checkResultId/override')
  @Roles('instructor')
  @ApiOperation({ summary: "Override a check's points (0..maxPoints) with a required reason; the original stays" })
  create(
    @Param('checkResultId', checkResultId) id: string,
    @Body(new ZodPipe(overrideBody, 'body')) body: z.output<typeof overrideBody>,
    @CurrentUser() user: AuthenticatedUser,
  ) {
    return this.overrides.create(id, body, user);
  }

  @Delete(':checkResultId/override')
  @Roles('instructor')
  @ApiOperation({ summary: 'Withdraw the override in force (kept as history, audited); the original points apply' })
  revoke(
    @Param('checkResultId', checkResultId) id: string,
    @Body(new ZodPipe(revokeBody, 'body')) body: z.output<typeof revokeBody>,
    @CurrentUser() user: AuthenticatedUser,
  ) {
    return this.overrides.revoke(id, body.reason, user);
  }
}
