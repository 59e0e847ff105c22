/**
 * Uploads and results on the web (session token or cookie) and from Colab (Google access token).
 * A student sees only their own submissions: another's answers 404, as a missing one does, so that
 * ids cannot be probed. Staff (ta, instructor) see all.
 */
import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Req,
  UnsupportedMediaTypeException,
  UploadedFile,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, type ApiBodyOptions, ApiConsumes, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import type { AuthenticatedUser } from '../auth/auth.types.js';
import { CurrentUser, Public } from '../auth/decorators.js';
import { SessionTokens } from '../auth/session-tokens.js';
import { SERVICE_CONFIG, type ServiceConfig } from '../config/config.js';
import { ZodBody } from '../http/zod.pipe.js';
import { GoogleAccessTokenGuard, type GoogleAuthenticatedRequest } from '../identity/google-access.guard.js';
import { SubmissionService } from './submission.service.js';
import { SubmissionRepository } from './submission.repository.js';
import { statusPath, toSubmissionResponse, toSubmissionSummary } from './submission.view.js';
import { UploadQuotaGuard } from './upload-quota.js';
import type { StreamedUpload } from './upload.storage.js';
import { isUuid } from '../http/ids.js';

const uploadFields = z.object({
  assignment: z
    .string()
    .regex(/^[a-z0-9_]{1,64}$/, 'a spec id such as class_06_2')
    .optional(),
});

const UPLOAD_BODY: ApiBodyOptions = {
  schema: {
    type: 'object',
    required: ['file'],
    properties: {
      file: { type: 'string', format: 'binary', description: '.ipynb or .pdf (the content decides, not the name)' },
      assignment: {
        type: 'string',
        pattern: '^[a-z0-9_]{1,64}$',
        description:
          'optional: the lesson, a grading spec id such as class_06_2 or class_05_1_rev4. Without it: DEFAULT_ASSIGNMENT when the ' +
          "service sets one, else the only lesson served, else the lesson is recognised when the hand-in is graded (until then the " +
          "submission's assignment is 'unrecognised'; graded, it is the lesson's). A hand-in that fits no lesson, or two equally, " +
          'is then rejected with the reason: hand it in again naming the assignment.',
      },
    },
  },
};


function requireFile(file: StreamedUpload | undefined, request: Request): StreamedUpload {
  if (file) return file;
  if (!request.is('multipart/form-data')) {
    throw new UnsupportedMediaTypeException("send multipart/form-data with the notebook or PDF in the field 'file'");
  }
  throw new BadRequestException("no file: send the notebook or PDF as the multipart field 'file'");
}

@ApiTags('submissions')
@Controller('api/submissions')
export class SubmissionsController {
  constructor(
    @Inject(SubmissionService) private readonly service: SubmissionService,
    @Inject(SubmissionRepository) private readonly submissions: SubmissionRepository,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiBearerAuth()
  @UseGuards(UploadQuotaGuard)
  @UseInterceptors(FileInterceptor('file'))
  @ApiConsumes('multipart/form-data')
  @ApiBody(UPLOAD_BODY)
  @ApiAcceptedResponse({
    description:
      '{ submissionId, statusUrl, status, duplicate, queue }: stored; graded in the background (an upload naming no lesson: ' +
      'its lesson recognised then, see the field assignment)',
  })
  async upload(
    @UploadedFile() file: StreamedUpload | undefined,
    @Body(new ZodBody(uploadFields)) fields: z.infer<typeof uploadFields>,
    @CurrentUser() user: AuthenticatedUser,
    @Req() request: Request,
  ) {
    const upload = requireFile(file, request);
    const accepted = await this.service.accept(upload, { email: user.email, personId: user.personId, verifiedEmail: user.email }, fields.assignment);
    return { ...accepted, statusUrl: `${this.config.publicBaseUrl}${statusPath(accepted.submissionId)}` };
  }

  @Get('mine')
  @ApiBearerAuth()
  @ApiOkResponse({ description: 'your submissions, newest first, with status and score' })
  async mine(@CurrentUser() user: AuthenticatedUser) {
    const views = user.personId ? await this.submissions.listForPerson(user.personId) : [];
    return { submissions: views.map((view) => toSubmissionSummary(view, this.config.publicBaseUrl)) };
  }

  @Get(':id')
  @ApiBearerAuth()
  @ApiOkResponse({ description: 'status; when graded, the JSON contract (score, exercises, checks with evidence and hints, flags)' })
  async one(@Param('id') id: string, @CurrentUser() user: AuthenticatedUser) {
    const view = isUuid(id) ? await this.submissions.findView(id) : null;
    const staff = user.role !== 'student';
    if (!view || (!staff && (user.personId === null || view.personId !== user.personId))) {
      throw new NotFoundException(`no submission ${id}`);
    }
    return toSubmissionResponse(view, { baseUrl: this.config.publicBaseUrl, staff });
  }
}

/**
 * The Colab submit cell's door: the student's Google access token instead of a session. The answer
 * carries a short session token for polling the status URL.
 */
@ApiTags('submissions')
@Controller('api/colab/submissions')
export class ColabSubmissionsController {
  constructor(
    @Inject(SubmissionService) private readonly service: SubmissionService,
    @Inject(SessionTokens) private readonly sessions: SessionTokens,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  @Public()
  @Post()
  @HttpCode(202)
  @UseGuards(GoogleAccessTokenGuard, UploadQuotaGuard)
  @UseInterceptors(FileInterceptor('file'))
  @ApiBearerAuth()
  @ApiConsumes('multipart/form-data')
  @ApiBody(UPLOAD_BODY)
  @ApiAcceptedResponse({
    description: '{ submissionId, statusUrl, status, duplicate, queue, sessionToken, email }; the submit cell names no lesson: recognised when graded',
  })
  async upload(
    @UploadedFile() file: StreamedUpload | undefined,
    @Body(new ZodBody(uploadFields)) fields: z.infer<typeof uploadFields>,
    @Req() request: Request & GoogleAuthenticatedRequest,
  ) {
    const upload = requireFile(file, request);
    const user = request.user!;
    const verifiedEmail = request.googleIdentity!.email;
    const accepted = await this.service.accept(upload, { email: user.email, personId: user.personId, verifiedEmail }, fields.assignment);
    return {
      ...accepted,
      statusUrl: `${this.config.publicBaseUrl}${statusPath(accepted.submissionId)}`,
      email: verifiedEmail,
      sessionToken: this.sessions.issue(user),
    };
  }
}
