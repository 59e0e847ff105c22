/**
 * Instructor overrides of a check's points. The CheckResult is never changed: an Override row is
 * added (and an AuditEvent with it, in one transaction); withdrawing marks the overrides revoked, so
 * the history stays complete and the original points apply again.
 */
import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { AuthenticatedUser } from '../auth/auth.types.js';
import { PrismaService } from '../database/database.module.js';
import { auditEvent, submissionSubject } from './data/audit.js';
import { activeOverride, round } from './logic/effective.js';

export interface OverrideResult {
  checkResultId: string;
  checkId: string;
  submissionId: string;
  gradeId: string;
  originalPoints: number;
  maxPoints: number;
  /** The check's points now (override in force, or the original). */
  effectivePoints: number;
  override: { id: string; who: string; points: number; reason: string; createdAt: string } | null;
  /** The grade's effective total after the change. */
  gradeScore: number;
  maxScore: number;
}

@Injectable()
export class OverrideService {
  constructor(@Inject(PrismaService) private readonly db: PrismaService) {}

  async create(checkResultId: string, input: { points: number; reason: string }, user: AuthenticatedUser): Promise<OverrideResult> {
    const check = await this.currentCheck(checkResultId);
    if (input.points < 0 || input.points > check.maxPoints) {
      throw new BadRequestException(`points must be between 0 and ${check.maxPoints} for check ${check.checkId}, not ${input.points}`);
    }
    const before = activeOverride(check.overrides)?.points ?? check.points;
    await this.db.prisma.$transaction(async (tx) => {
      const override = await tx.override.create({
        data: { checkResultId, who: user.email, points: input.points, reason: input.reason },
        select: { id: true },
      });
      await tx.auditEvent.create({
        data: auditEvent(user.email, 'override.create', submissionSubject(check.grade.submissionId), {
          overrideId: override.id,
          checkResultId,
          checkId: check.checkId,
          gradeId: check.gradeId,
          originalPoints: check.points,
          from: before,
          to: input.points,
          reason: input.reason,
        }),
      });
    });
    return this.result(checkResultId);
  }

  /** Withdraws every override in force on the check: its original points apply again. */
  async revoke(checkResultId: string, reason: string | undefined, user: AuthenticatedUser): Promise<OverrideResult> {
    const check = await this.currentCheck(checkResultId);
    const active = check.overrides.filter((o) => o.revokedAt === null);
    if (active.length === 0) throw new NotFoundException(`check ${check.checkId} has no override in force`);
    const before = activeOverride(check.overrides)!.points;
    await this.db.prisma.$transaction(async (tx) => {
      const now = new Date();
      const { count } = await tx.override.updateMany({
        where: { id: { in: active.map((o) => o.id) }, revokedAt: null },
        data: { revokedAt: now, revokedBy: user.email, revokeReason: reason ?? null },
      });
      // Someone else withdrew them between our read and this write: nothing left to record.
      if (count === 0) throw new ConflictException(`the override on check ${check.checkId} was just withdrawn by someone else`);
      await tx.auditEvent.create({
        data: auditEvent(user.email, 'override.revoke', submissionSubject(check.grade.submissionId), {
          overrideIds: active.map((o) => o.id),
          checkResultId,
          checkId: check.checkId,
          gradeId: check.gradeId,
          from: before,
          to: check.points,
          reason: reason ?? null,
        }),
      });
    });
    return this.result(checkResultId);
  }

  /** The check, refusing one of a superseded grade: an override there would change nothing anyone sees. */
  private async currentCheck(checkResultId: string) {
    const check = await this.db.prisma.checkResult.findUnique({
      where: { id: checkResultId },
      select: {
        id: true,
        gradeId: true,
        checkId: true,
        points: true,
        maxPoints: true,
        grade: { select: { submissionId: true, gradedAt: true } },
        overrides: { select: { id: true, points: true, createdAt: true, revokedAt: true } },
      },
    });
    if (!check) throw new NotFoundException(`no check result ${checkResultId}`);
    const current = await this.db.prisma.grade.findFirst({
      where: { submissionId: check.grade.submissionId },
      orderBy: [{ gradedAt: 'desc' }, { id: 'desc' }],
      select: { id: true },
    });
    if (current?.id !== check.gradeId) {
      throw new ConflictException(
        `check ${check.checkId} belongs to a superseded grade (graded ${check.grade.gradedAt.toISOString()}); ` +
          `change the check of the submission's current grade (${current?.id})`,
      );
    }
    return check;
  }

  private async result(checkResultId: string): Promise<OverrideResult> {
    const check = await this.db.prisma.checkResult.findUniqueOrThrow({
      where: { id: checkResultId },
      select: {
        checkId: true,
        gradeId: true,
        points: true,
        maxPoints: true,
        grade: { select: { submissionId: true, score: true, maxScore: true } },
        overrides: { select: { id: true, who: true, points: true, reason: true, createdAt: true, revokedAt: true } },
      },
    });
    const delta = await this.gradeOverrideDelta(check.gradeId);
    const override = activeOverride(check.overrides);
    return {
      checkResultId,
      checkId: check.checkId,
      submissionId: check.grade.submissionId,
      gradeId: check.gradeId,
      originalPoints: check.points,
      maxPoints: check.maxPoints,
      effectivePoints: override?.points ?? check.points,
      override: override
        ? { id: override.id, who: override.who, points: override.points, reason: override.reason, createdAt: override.createdAt.toISOString() }
        : null,
      gradeScore: round(check.grade.score + delta),
      maxScore: check.grade.maxScore,
    };
  }

  /** Sum of (override − original) over the grade's checks with an override in force. */
  private async gradeOverrideDelta(gradeId: string): Promise<number> {
    const checks = await this.db.prisma.checkResult.findMany({
      where: { gradeId, overrides: { some: { revokedAt: null } } },
      select: { points: true, overrides: { where: { revokedAt: null }, select: { id: true, points: true, createdAt: true, revokedAt: true } } },
    });
    return checks.reduce((total, c) => total + activeOverride(c.overrides)!.points - c.points, 0);
  }
}
