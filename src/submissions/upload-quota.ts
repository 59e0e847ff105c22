/**
 * Per-person limits on hand-ins, so that one student cannot fill the disk or the grading queue:
 * - hand-ins still waiting to be graded (status `received`): at most MAX_GRADES_IN_FLIGHT_PER_USER;
 * - bytes received in the last 24 hours: at most UPLOAD_QUOTA_BYTES_PER_DAY, hand-ins and the model
 *   files uploaded for them together (model files count for the hand-in's owner).
 * Both are checked before the body is read (UploadQuotaGuard, after the route's identity guard;
 * ModelUploadQuotaGuard for model files), and the bytes again with the upload's real size before it
 * is recorded. Model uploads are also cut off while streaming once they pass what is left of the day
 * (the guard hands the storage engine a byte budget), so no more than that is ever written. Beyond
 * either: 429 naming the limit, with when to try again; a single upload larger than the whole daily
 * quota: 413. Concurrent uploads of one person may pass the same check together (a few over).
 */
import { type CanActivate, type ExecutionContext, HttpException, HttpStatus, Inject, Injectable, PayloadTooLargeException } from '@nestjs/common';
import type { AuthenticatedUser } from '../auth/auth.types.js';
import { SERVICE_CONFIG, type ServiceConfig } from '../config/config.js';
import { PrismaService } from '../database/database.module.js';
import { formatBytes } from '../ingest/submission.reader.js';

const DAY_MS = 24 * 3600 * 1000;

export class QuotaExceeded extends HttpException {
  constructor(message: string) {
    super({ statusCode: HttpStatus.TOO_MANY_REQUESTS, message }, HttpStatus.TOO_MANY_REQUESTS);
  }
}

export interface QuotaUsage {
  /** Hand-ins waiting to be graded. */
  inFlight: number;
  /** Bytes received in the last 24 hours: hand-ins and the model files uploaded for them. */
  usedBytes: number;
  /** Hand-ins of these very bytes already (a re-upload adds nothing). */
  again: number;
}

/** Where a streaming upload learns how many bytes it may still write (see upload.storage.ts). */
export interface UploadByteBudget {
  remaining: number;
  /** The error to fail the upload with once `remaining` is passed. */
  exceeded(): Error;
}

@Injectable()
export class UploadQuotas {
  constructor(
    @Inject(PrismaService) private readonly database: PrismaService,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  get bytesPerDay(): number {
    return this.config.quotas.uploadBytesPerDay;
  }

  /** One statement (uploads come in bursts; the pool is shared with grading). */
  async usage(personId: string, sha256 = ''): Promise<QuotaUsage> {
    const since = new Date(Date.now() - DAY_MS);
    const [row] = await this.database.prisma.$queryRaw<
      { inFlight: number; recent: bigint | number | null; models: bigint | number | null; again: number }[]
    >`
      SELECT count(*) FILTER (WHERE status = 'received')::int AS "inFlight",
             sum("sizeBytes") FILTER (WHERE "receivedAt" >= ${since}) AS "recent",
             (SELECT sum(m."sizeBytes") FROM "ModelFile" m JOIN "Submission" o ON o.id = m."submissionId"
               WHERE o."personId" = ${personId}::uuid AND m."uploadedAt" >= ${since}) AS "models",
             count(*) FILTER (WHERE sha256 = ${sha256})::int AS "again"
      FROM "Submission" WHERE "personId" = ${personId}::uuid`;
    return {
      inFlight: row?.inFlight ?? 0,
      usedBytes: Number(row?.recent ?? 0) + Number(row?.models ?? 0),
      again: row?.again ?? 0,
    };
  }

  /**
   * Throws QuotaExceeded when the person has too many hand-ins in flight, or when `incomingBytes` more
   * would pass the daily bytes (a re-upload of bytes they already handed in adds nothing).
   */
  async check(personId: string, incoming: { bytes: number; sha256?: string } = { bytes: 0 }): Promise<void> {
    const { gradesInFlight } = this.config.quotas;
    const { inFlight, usedBytes, again } = await this.usage(personId, incoming.sha256);
    if (again > 0) return;
    if (inFlight >= gradesInFlight) {
      throw new QuotaExceeded(
        `${inFlight} of your hand-ins are still waiting to be graded (at most ${gradesInFlight} at once); try again when they are graded`,
      );
    }
    this.checkBytes(usedBytes, incoming.bytes);
  }

  /** Throws when `incomingBytes` more (0: any more at all) would pass the daily bytes, having used `usedBytes`. */
  checkBytes(usedBytes: number, incomingBytes: number, what = 'this upload'): void {
    const limit = this.bytesPerDay;
    if (incomingBytes > limit) {
      throw new PayloadTooLargeException(
        `${what} (${formatBytes(incomingBytes)}) is larger than the whole daily upload quota (UPLOAD_QUOTA_BYTES_PER_DAY: ${formatBytes(limit)} a day)`,
      );
    }
    if (usedBytes + incomingBytes > limit || (incomingBytes === 0 && usedBytes >= limit)) {
      throw new QuotaExceeded(quotaMessage(usedBytes, limit, incomingBytes, what));
    }
  }
}

/** The words of a refusal for bytes: what was used of what limit, and what this upload would add. */
export function quotaMessage(usedBytes: number, limit: number, incomingBytes: number, what = 'this upload'): string {
  return (
    `upload quota reached: ${formatBytes(usedBytes)} of ${formatBytes(limit)} handed in over the last 24 hours ` +
    `(UPLOAD_QUOTA_BYTES_PER_DAY, hand-ins and model files together)` +
    (incomingBytes > 0 ? `; ${what} would add ${formatBytes(incomingBytes)}` : '') +
    '; try again later'
  );
}

/** Before the body is read: refuses a person already at a limit (the identity guard ran first). */
@Injectable()
export class UploadQuotaGuard implements CanActivate {
  constructor(@Inject(UploadQuotas) private readonly quotas: UploadQuotas) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const user = context.switchToHttp().getRequest<{ user?: AuthenticatedUser }>().user;
    if (user?.personId) await this.quotas.check(user.personId);
    return true;
  }
}
