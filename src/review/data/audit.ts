/**
 * Audit trail conventions: every review action is one AuditEvent, written in the same transaction as
 * the change it records. Actions on a submission use the subject "submission:<id>", so the evidence
 * view reads a submission's whole trail with one indexed query.
 */
import type { Prisma } from '../../generated/prisma/client.js';

export const submissionSubject = (submissionId: string) => `submission:${submissionId}`;
export const assignmentSubject = (specId: string) => `assignment:${specId}`;

export type AuditAction =
  | 'override.create'
  | 'override.revoke'
  | 'counted.pin'
  | 'counted.unpin'
  | 'rerun.request'
  | 'regrade.start'
  | 'regrade.accept'
  | 'regrade.reject';

export function auditEvent(
  actor: string,
  action: AuditAction,
  subject: string,
  data: Record<string, unknown>,
): Prisma.AuditEventCreateManyInput {
  return { actor, action, subject, data: data as Prisma.InputJsonObject };
}

/** AuditEvent ids are BigInt, which JSON cannot carry: they leave as strings. */
export function auditView(event: { id: bigint; actor: string; action: string; data: unknown; at: Date }) {
  return { id: event.id.toString(), at: event.at.toISOString(), actor: event.actor, action: event.action, data: event.data };
}
