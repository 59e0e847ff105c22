/**
 * Per-person limits on hand-ins, so that one student cannot fill the disk or the grading queue:
 * - hand-ins still waiting to be graded (status `received`): at most MAX_GRADES_IN_FLIGHT_PER_USER;
 * - bytes of hand-ins received in the last 24 hours: at most UPLOAD_QUOTA_BYTES_PER_DAY.
 * Both are checked before the body is read (UploadQuotaGuard, after the route's identity guard), and
 * the bytes again with the upload's real size before it is recorded. Beyond either: 429 with when
 * to try again. Concurrent uploads of one person may pass the same check together (a few over).
 */
import { type CanActivate, type ExecutionContext, HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
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

@Injectable()
export class UploadQuotas {
  constructor(
    @Inject(PrismaService) private readonly database: PrismaService,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  /**
   * Throws QuotaExceeded when the person has too many hand-ins in flight, or when `incomingBytes` more
   * would pass the daily bytes (a re-upload of bytes they already handed in adds nothing).
   */
  async check(personId: string, incoming: { bytes: number; sha256?: string } = { bytes: 0 }): Promise<void> {
    const { uploadBytesPerDay, gradesInFlight } = this.config.quotas;
    // One statement (uploads come in bursts; the pool is shared with grading).
    const [row] = await this.database.prisma.$queryRaw<{ inFlight: number; recent: bigint | number | null; again: number }[]>`
      SELECT count(*) FILTER (WHERE status = 'received')::int AS "inFlight",
             sum("sizeBytes") FILTER (WHERE "receivedAt" >= ${new Date(Date.now() - DAY_MS)}) AS "recent",
             count(*) FILTER (WHERE sha256 = ${incoming.sha256 ?? ''})::int AS "again"
      FROM "Submission" WHERE "personId" = ${personId}::uuid`;
    const inFlight = row?.inFlight ?? 0;
    const again = row?.again ?? 0;
    if (again > 0) return;
    if (inFlight >= gradesInFlight) {
      throw new QuotaExceeded(
        `${inFlight} of your hand-ins are still waiting to be graded (at most ${gradesInFlight} at once); try again when they are graded`,
      );
    }
    const used = Number(row?.recent ?? 0);
    if (used + incoming.bytes > uploadBytesPerDay || (incoming.bytes === 0 && used >= uploadBytesPerDay)) {
      throw new QuotaExceeded(
        `upload quota reached: ${formatBytes(used)} of ${formatBytes(uploadBytesPerDay)} handed in over the last 24 hours; try again later`,
      );
    }
  }
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
