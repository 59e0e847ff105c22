/** Roster import (instructors): a Canvas roster CSV → people and enrollments (see roster-csv.ts). */
import {
  BadRequestException,
  Body,
  Controller,
  HttpCode,
  Inject,
  Post,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { AuthenticatedUser } from '../auth/auth.types.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { SERVICE_CONFIG, type ServiceConfig } from '../config/config.js';
import { ZodBody } from '../http/zod.pipe.js';
import { PeopleRepository } from './people.repository.js';
import { parseRosterCsv, RosterFormatError } from './roster-csv.js';

const rosterFields = z.object({
  /** Role for rows whose file has no Role column value (default: student). */
  role: z.enum(['student', 'ta', 'instructor']).optional(),
});

@ApiTags('roster')
@Controller('api/roster')
export class RosterController {
  constructor(
    @Inject(PeopleRepository) private readonly people: PeopleRepository,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  @Post()
  @HttpCode(200)
  @Roles('instructor')
  @UseInterceptors(FileInterceptor('file'))
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        file: { type: 'string', format: 'binary', description: 'Canvas roster CSV (Gmail/Email/SIS Login ID, Student, ID, SIS User ID, Section, Role)' },
        role: { type: 'string', enum: ['student', 'ta', 'instructor'], description: 'role of rows without a Role value' },
      },
    },
  })
  @ApiOkResponse({ description: '{ course, people: {created, updated}, enrollments: {created, updated}, skipped: [{line, reason}] }' })
  async importRoster(
    @UploadedFile() file: Express.Multer.File | undefined,
    @Body(new ZodBody(rosterFields)) fields: z.infer<typeof rosterFields>,
    @CurrentUser() user: AuthenticatedUser,
  ) {
    if (!file) throw new BadRequestException("no roster: send the CSV as the multipart field 'file'");
    let roster;
    try {
      roster = parseRosterCsv(file.buffer.toString('utf8'));
    } catch (error) {
      if (error instanceof RosterFormatError) throw new BadRequestException(`${file.originalname}: ${error.message}`);
      throw error;
    }
    const entries = roster.entries.map((entry) => ({ ...entry, role: entry.role ?? fields.role ?? null }));
    const summary = await this.people.importRoster(this.config.courseCode, entries, user.email);
    return { ...summary, skipped: roster.skipped };
  }
}
