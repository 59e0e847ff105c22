/**
 * The submission named by `:id` must exist and be the caller's own (or the caller is staff), checked
 * before the route's interceptors run: a multipart body (hundreds of MB of model files) is not read,
 * let alone stored, for someone else's submission or a made-up id. Another student's submission
 * answers 404, as a missing one does, so that ids cannot be probed.
 */
import { type CanActivate, type ExecutionContext, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { AuthenticatedUser } from '../auth/auth.types.js';
import { PrismaService } from '../database/database.module.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { isUuid } from '../http/ids.js';

@Injectable()
export class SubmissionOwnerGuard implements CanActivate {
  constructor(@Inject(PrismaService) private readonly database: PrismaService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ params: Record<string, string | undefined>; user?: AuthenticatedUser }>();
    await requireOwnedOrStaff(this.database.prisma, request.params.id ?? '', request.user);
    return true;
  }
}

/** 404 unless the submission exists and `user` owns it or is staff. */
export async function requireOwnedOrStaff(prisma: PrismaClient, id: string, user: AuthenticatedUser | undefined): Promise<void> {
  const row = await submissionOwner(prisma, id);
  if (!row || !user || (user.role === 'student' && (user.personId === null || row.personId !== user.personId))) {
    throw new NotFoundException(`no submission ${id}`);
  }
}

/** The submission's owner (`personId` null: none recorded); null when there is no such submission. */
export async function submissionOwner(prisma: PrismaClient, id: string): Promise<{ personId: string | null } | null> {
  return isUuid(id) ? prisma.submission.findUnique({ where: { id }, select: { personId: true } }) : null;
}
