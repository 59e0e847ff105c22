import { rm } from 'node:fs/promises';
import { BadRequestException, Controller, Get, HttpCode, Inject, Param, Post, UploadedFiles, UseGuards, UseInterceptors } from '@nestjs/common';
import { FileFieldsInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/auth.types.js';
import { CurrentUser } from '../auth/decorators.js';
import { PrismaService } from '../database/database.module.js';
import { FileStore } from '../submissions/file-store.js';
import { UploadQuotas } from '../submissions/upload-quota.js';
import type { StreamedUpload } from '../submissions/upload.storage.js';
import type { ModelFileRole } from './model-files.js';
import { ModelFilesRepository } from './model-files.repository.js';
import { ModelUploadQuotaGuard, ownerOf } from './model-upload-quota.guard.js';
import { SubmissionOwnerGuard } from './submission-owner.guard.js';

type Uploaded = Partial<Record<'weights' | 'onnx' | 'onnxData', StreamedUpload<ModelFileRole>[]>>;

/**
 * The model files a re-run measures: `POST /api/submissions/:id/model` (multipart `weights`, optional
 * `onnx` and `onnxData`), by the submission's owner or staff, checked before any byte is read
 * (SubmissionOwnerGuard). Streamed to disk, size-limited, hashed, classified by content, kept
 * content-addressed. Their bytes count against the owner's daily upload quota, shared with hand-ins
 * (ModelUploadQuotaGuard before the body, and again here with the real sizes before anything is kept).
 */
@ApiTags('re-runs')
@ApiBearerAuth()
@Controller('api/submissions/:id/model')
@UseGuards(SubmissionOwnerGuard)
export class ModelFilesController {
  constructor(
    @Inject(PrismaService) private readonly database: PrismaService,
    @Inject(FileStore) private readonly files: FileStore,
    @Inject(UploadQuotas) private readonly quotas: UploadQuotas,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiConsumes('multipart/form-data')
  @UseGuards(ModelUploadQuotaGuard)
  @UseInterceptors(FileFieldsInterceptor([{ name: 'weights', maxCount: 1 }, { name: 'onnx', maxCount: 1 }, { name: 'onnxData', maxCount: 1 }]))
  async upload(@Param('id') id: string, @UploadedFiles() uploaded: Uploaded | undefined, @CurrentUser() user: AuthenticatedUser) {
    const all = Object.values(uploaded ?? {}).flat();
    try {
      if (!uploaded?.weights?.[0] && !uploaded?.onnx?.[0]) {
        throw new BadRequestException("send the weights (.pth) as the multipart field 'weights' (and optionally 'onnx', 'onnxData')");
      }
      if (user.role === 'student') await this.checkQuota(id, all);
      const stored = [];
      for (const file of all) {
        const { path } = await this.files.adopt(file.path, file.sha256);
        stored.push({ role: file.kind, filename: file.originalname, sha256: file.sha256, sizeBytes: file.size, storedPath: path });
      }
      await new ModelFilesRepository(this.database.prisma).record(id, stored);
      return { submissionId: id, files: stored.map(({ storedPath: _p, ...rest }) => rest) };
    } catch (error) {
      // Nothing half-kept: temporary copies of a refused request are removed.
      await Promise.all(all.map((f) => rm(f.path, { force: true })));
      throw error;
    }
  }

  /** The real sizes against the owner's day, before anything is kept; files already recorded here add nothing. */
  private async checkQuota(id: string, files: StreamedUpload<ModelFileRole>[]): Promise<void> {
    const owner = await ownerOf(this.database, id);
    if (!owner) return;
    const known = await new ModelFilesRepository(this.database.prisma).list(id);
    const added = files
      .filter((file) => !known.some((row) => row.role === file.kind && row.sha256 === file.sha256))
      .reduce((sum, file) => sum + file.size, 0);
    if (added === 0) return;
    const { usedBytes } = await this.quotas.usage(owner);
    this.quotas.checkBytes(usedBytes, added, 'these model files');
  }

  @Get()
  async list(@Param('id') id: string) {
    const rows = await new ModelFilesRepository(this.database.prisma).list(id);
    return { submissionId: id, files: rows.map(({ role, filename, sha256, sizeBytes, uploadedAt }) => ({ role, filename, sha256, sizeBytes, uploadedAt })) };
  }
}
