import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { z } from 'zod';
import type { AuthenticatedUser } from '../../auth/auth.types.js';
import { CurrentUser, Roles } from '../../auth/decorators.js';
import { PrismaService } from '../../database/database.module.js';
import { ClassService } from '../class.service.js';
import { ExportService } from '../export.service.js';
import { canvasAssignmentBody, canvasExportQuery, matrixQuery, specIdParam, uuidParam } from '../http/schemas.js';
import { ZodPipe } from '../../http/zod.pipe.js';
import { RegradeService } from '../regrade.service.js';
import { API_PREFIX } from '../routes.js';

const specId = new ZodPipe(specIdParam, 'specId');
const runId = new ZodPipe(uuidParam, 'regrade id');

@ApiTags('review')
@ApiBearerAuth()
@Controller(`${API_PREFIX}/assignments`)
export class AssignmentsController {
  constructor(
    @Inject(ClassService) private readonly classes: ClassService,
    @Inject(ExportService) private readonly exports: ExportService,
    @Inject(RegradeService) private readonly regrades: RegradeService,
    @Inject(PrismaService) private readonly db: PrismaService,
  ) {}

  @Get(':specId/matrix')
  @Roles('instructor', 'ta')
  @ApiOperation({ summary: 'Class matrix: one row per student, effective score per exercise, flags; filter and sort' })
  matrix(@Param('specId', specId) id: string, @Query(new ZodPipe(matrixQuery, 'query')) query: z.output<typeof matrixQuery>) {
    return this.classes.matrix(id, query);
  }

  @Get(':specId/export/canvas.csv')
  @Roles('instructor', 'ta')
  @ApiOperation({ summary: 'Canvas gradebook import CSV of the effective scores (enrolled students)' })
  async canvas(
    @Param('specId', specId) id: string,
    @Query(new ZodPipe(canvasExportQuery, 'query')) query: z.output<typeof canvasExportQuery>,
    @Res() response: Response,
  ): Promise<void> {
    const { csv, filename } = await this.exports.canvasCsv(id, query);
    response
      .status(200)
      .type('text/csv; charset=utf-8')
      .setHeader('Content-Disposition', `attachment; filename="${filename}"`)
      .send(csv);
  }

  @Put(':specId/canvas-assignment')
  @Roles('instructor')
  @ApiOperation({ summary: "Record the Canvas assignment id used in the gradebook CSV's column header" })
  async setCanvasAssignment(
    @Param('specId', specId) id: string,
    @Body(new ZodPipe(canvasAssignmentBody, 'body')) body: z.output<typeof canvasAssignmentBody>,
  ) {
    const assignment = await this.classes.assignment(id);
    return this.db.prisma.assignment.update({
      where: { id: assignment.id },
      data: { canvasAssignmentId: body.canvasAssignmentId },
      select: { specId: true, title: true, canvasAssignmentId: true },
    });
  }

  @Post(':specId/regrade')
  @HttpCode(202)
  @Roles('instructor')
  @ApiOperation({ summary: 'Re-grade every counted submission with the current spec; results wait for accept/reject' })
  startRegrade(@Param('specId', specId) id: string, @CurrentUser() user: AuthenticatedUser) {
    return this.regrades.start(id, user);
  }

  @Get(':specId/regrade')
  @Roles('instructor', 'ta')
  @ApiOperation({ summary: 'Re-grades of the assignment, newest first' })
  listRegrades(@Param('specId', specId) id: string) {
    return this.regrades.list(id);
  }

  @Get(':specId/regrade/:runId')
  @Roles('instructor', 'ta')
  @ApiOperation({ summary: 'A re-grade: progress, summary and old-vs-new diff per student (?changed=true: changed only)' })
  regrade(@Param('specId', specId) id: string, @Param('runId', runId) run: string, @Query('changed') changed?: string) {
    return this.regrades.view(id, run, { changedOnly: changed === 'true' });
  }

  @Post(':specId/regrade/:runId/accept')
  @HttpCode(200)
  @Roles('instructor')
  @ApiOperation({ summary: 'Make the re-grade the current grades (old grades kept, overrides carried over)' })
  accept(@Param('specId', specId) id: string, @Param('runId', runId) run: string, @CurrentUser() user: AuthenticatedUser) {
    return this.regrades.accept(id, run, user);
  }

  @Post(':specId/regrade/:runId/reject')
  @HttpCode(200)
  @Roles('instructor')
  @ApiOperation({ summary: 'Discard the re-grade (kept as history); the accepted grades stay' })
  reject(@Param('specId', specId) id: string, @Param('runId', runId) run: string, @CurrentUser() user: AuthenticatedUser) {
    return this.regrades.reject(id, run, user);
  }
}
