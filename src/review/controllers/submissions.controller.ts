import { Body, Controller, Delete, ForbiddenException, Get, HttpCode, Inject, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import type { AuthenticatedUser } from '../../auth/auth.types.js';
import { CurrentUser, Roles } from '../../auth/decorators.js';
import { PrismaService } from '../../database/database.module.js';
import { CountedService } from '../counted.service.js';
import { EvidenceService } from '../evidence.service.js';
import { ExportService } from '../export.service.js';
import { pinBody, rerunBody, uuidParam } from '../http/schemas.js';
import { ZodPipe } from '../../http/zod.pipe.js';
import { RerunService } from '../rerun.service.js';
import { API_PREFIX } from '../routes.js';

const submissionId = new ZodPipe(uuidParam, 'submission id');

@ApiTags('review')
@ApiBearerAuth()
@Controller(`${API_PREFIX}/submissions`)
export class SubmissionsReviewController {
  constructor(
    @Inject(EvidenceService) private readonly evidence: EvidenceService,
    @Inject(ExportService) private readonly exports: ExportService,
    @Inject(RerunService) private readonly reruns: RerunService,
    @Inject(CountedService) private readonly counted: CountedService,
    @Inject(PrismaService) private readonly db: PrismaService,
  ) {}

  @Get(':id/evidence')
  @Roles('instructor', 'ta')
  @ApiOperation({ summary: 'The grade with overrides and audit trail, every grading, and the attempts with per-check diffs' })
  show(@Param('id', submissionId) id: string) {
    return this.evidence.evidence(id);
  }

  @Get(':id/results.json')
  @ApiOperation({ summary: 'Gradescope autograder results.json of the current grade (a student: their own only)' })
  async results(@Param('id', submissionId) id: string, @CurrentUser() user: AuthenticatedUser) {
    if (user.role === 'student') await this.assertOwn(id, user);
    return this.exports.gradescopeResults(id);
  }

  @Post(':id/rerun')
  @HttpCode(202)
  @Roles('ta', 'instructor')
  @ApiOperation({ summary: 'Queue a re-run of the failed (or the given) checks, ahead of other work' })
  rerun(
    @Param('id', submissionId) id: string,
    @Body(new ZodPipe(rerunBody, 'body')) body: z.output<typeof rerunBody>,
    @CurrentUser() user: AuthenticatedUser,
  ) {
    return this.reruns.request(id, body.checkIds, user);
  }

  @Put(':id/counted')
  @Roles('instructor')
  @ApiOperation({ summary: 'Make this attempt the one that counts for its student (instead of the latest)' })
  pin(
    @Param('id', submissionId) id: string,
    @Body(new ZodPipe(pinBody, 'body')) body: z.output<typeof pinBody>,
    @CurrentUser() user: AuthenticatedUser,
  ) {
    return this.counted.pin(id, body.reason, user);
  }

  @Delete(':id/counted')
  @Roles('instructor')
  @ApiOperation({ summary: 'Back to "the latest graded attempt counts" for this student' })
  unpin(
    @Param('id', submissionId) id: string,
    @Body(new ZodPipe(pinBody, 'body')) body: z.output<typeof pinBody>,
    @CurrentUser() user: AuthenticatedUser,
  ) {
    return this.counted.unpin(id, body.reason, user);
  }

  /** Students read only their own submissions; the answer does not reveal whether another's exists. */
  private async assertOwn(id: string, user: AuthenticatedUser): Promise<void> {
    const submission = await this.db.prisma.submission.findUnique({
      where: { id },
      select: { personId: true, person: { select: { email: true } } },
    });
    const own =
      submission !== null &&
      ((user.personId !== null && submission.personId === user.personId) || submission.person?.email === user.email.toLowerCase());
    if (!own) throw new ForbiddenException('you can only read your own submissions');
  }
}
