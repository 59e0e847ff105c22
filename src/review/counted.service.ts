/** Staff choosing which attempt counts (pin), or going back to "the latest graded attempt" (unpin). */
import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { AuthenticatedUser } from '../auth/auth.types.js';
import { PrismaService } from '../database/database.module.js';
import { auditEvent, submissionSubject } from './data/audit.js';

@Injectable()
export class CountedService {
  constructor(@Inject(PrismaService) private readonly db: PrismaService) {}

  async pin(submissionId: string, reason: string | undefined, user: AuthenticatedUser) {
    const submission = await this.db.prisma.submission.findUnique({
      where: { id: submissionId },
      select: { id: true, personId: true, assignmentId: true, _count: { select: { grades: true } } },
    });
    if (!submission) throw new NotFoundException(`no submission ${submissionId}`);
    if (!submission.personId) throw new ConflictException('this submission has no known student, so it cannot count for anyone');
    if (submission._count.grades === 0) throw new ConflictException('only a graded attempt can be chosen to count');
    const key = { assignmentId: submission.assignmentId, personId: submission.personId };
    return this.db.prisma.$transaction(async (tx) => {
      const previous = await tx.countedSubmission.findUnique({ where: { assignmentId_personId: key }, select: { submissionId: true } });
      const pin = await tx.countedSubmission.upsert({
        where: { assignmentId_personId: key },
        create: { ...key, submissionId, pinnedBy: user.email, reason: reason ?? null },
        update: { submissionId, pinnedBy: user.email, reason: reason ?? null, pinnedAt: new Date() },
        select: { submissionId: true, pinnedBy: true, reason: true, pinnedAt: true },
      });
      await tx.auditEvent.create({
        data: auditEvent(user.email, 'counted.pin', submissionSubject(submissionId), {
          personId: submission.personId,
          previousPin: previous?.submissionId ?? null,
          reason: reason ?? null,
        }),
      });
      return { ...pin, pinnedAt: pin.pinnedAt.toISOString() };
    });
  }

  async unpin(submissionId: string, reason: string | undefined, user: AuthenticatedUser) {
    return this.db.prisma.$transaction(async (tx) => {
      const { count } = await tx.countedSubmission.deleteMany({ where: { submissionId } });
      if (count === 0) throw new NotFoundException(`submission ${submissionId} is not pinned`);
      await tx.auditEvent.create({
        data: auditEvent(user.email, 'counted.unpin', submissionSubject(submissionId), { reason: reason ?? null }),
      });
      return { submissionId, pinned: false };
    });
  }
}
