/**
 * Model files count against the same daily upload bytes as hand-ins (UPLOAD_QUOTA_BYTES_PER_DAY),
 * for the hand-in's owner. Checked before any byte is stored, after SubmissionOwnerGuard:
 * - an owner already at the limit is refused (429) before the body is read;
 * - so is a request whose declared length (Content-Length, less room for the multipart framing)
 *   would pass what is left of the day (413 when it is more than the whole day's quota);
 * - what is left is handed to the storage engine as a byte budget (upload.storage.ts): a body that
 *   declares no length, or lies about it, is cut off once it passes it, and nothing of it is kept.
 * The controller checks the real sizes again before recording (other requests may have landed).
 * Staff uploading for a student are not refused; what they upload still counts for the owner.
 */
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../auth/auth.types.js';
import { PrismaService } from '../database/database.module.js';
import { formatBytes } from '../ingest/submission.reader.js';
import { QuotaExceeded, UploadQuotas } from '../submissions/upload-quota.js';
import type { BudgetedRequest } from '../submissions/upload.storage.js';
import { submissionOwner } from './submission-owner.guard.js';

/** Room for the multipart framing (boundaries, part headers) of up to three files in Content-Length. */
export const MULTIPART_FRAMING_BYTES = 16 * 1024;

type QuotaRequest = BudgetedRequest & {
  params: Record<string, string | undefined>;
  headers: Record<string, string | string[] | undefined>;
  user?: AuthenticatedUser;
};

@Injectable()
export class ModelUploadQuotaGuard implements CanActivate {
  constructor(
    @Inject(PrismaService) private readonly database: PrismaService,
    @Inject(UploadQuotas) private readonly quotas: UploadQuotas,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<QuotaRequest>();
    if (request.user?.role !== 'student') return true;
    const owner = await ownerOf(this.database, request.params.id ?? '');
    if (!owner) return true;
    const { usedBytes } = await this.quotas.usage(owner);
    const declared = Number(request.headers['content-length']);
    const expected = Number.isFinite(declared) ? Math.max(0, declared - MULTIPART_FRAMING_BYTES) : 0;
    this.quotas.checkBytes(usedBytes, expected, 'this upload');
    const limit = this.quotas.bytesPerDay;
    const left = Math.max(0, limit - usedBytes);
    request.uploadByteBudget = {
      remaining: left,
      exceeded: () =>
        new QuotaExceeded(
          `upload quota reached: this upload passed the ${formatBytes(left)} left of ${formatBytes(limit)} a day ` +
            '(UPLOAD_QUOTA_BYTES_PER_DAY, hand-ins and model files together) and nothing of it was kept; try again later',
        ),
    };
    return true;
  }
}

/** The person who handed in the submission (null: none recorded, or no such submission). */
export async function ownerOf(database: PrismaService, submissionId: string): Promise<string | null> {
  return (await submissionOwner(database.prisma, submissionId))?.personId ?? null;
}
