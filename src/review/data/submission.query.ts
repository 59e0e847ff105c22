/**
 * One submission as staff review it: the file's facts, its grades, the current grade's checks with
 * every override ever made on them, the student's other attempts, and the audit trail. Explicit
 * `select`s throughout: these reads do not depend on columns other features add.
 */
import type { PrismaClient } from '../../generated/prisma/client.js';

const submissionSelect = {
  id: true,
  sha256: true,
  kind: true,
  filename: true,
  sizeBytes: true,
  storedPath: true,
  receivedAt: true,
  status: true,
  rejectReason: true,
  personId: true,
  person: { select: { id: true, email: true, name: true } },
  assignment: { select: { id: true, specId: true, title: true } },
} as const;

export function loadSubmission(prisma: PrismaClient, id: string) {
  return prisma.submission.findUnique({ where: { id }, select: submissionSelect });
}
export type SubmissionRow = NonNullable<Awaited<ReturnType<typeof loadSubmission>>>;

const overrideSelect = {
  id: true,
  checkResultId: true,
  who: true,
  points: true,
  reason: true,
  createdAt: true,
  revokedAt: true,
  revokedBy: true,
  revokeReason: true,
} as const;

/** The submission's newest grade with its checks (report order) and all their overrides (oldest first). */
export function loadCurrentGrade(prisma: PrismaClient, submissionId: string) {
  return prisma.grade.findFirst({
    where: { submissionId },
    orderBy: [{ gradedAt: 'desc' }, { id: 'desc' }],
    select: {
      id: true,
      submissionId: true,
      specId: true,
      specVersion: true,
      specHash: true,
      graderVersion: true,
      score: true,
      maxScore: true,
      report: true,
      gradedAt: true,
      checkResults: {
        orderBy: { ordinal: 'asc' },
        select: {
          id: true,
          ordinal: true,
          exerciseNumber: true,
          exerciseId: true,
          checkId: true,
          status: true,
          points: true,
          maxPoints: true,
          overrides: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], select: overrideSelect },
        },
      },
    },
  });
}
export type CurrentGradeRow = NonNullable<Awaited<ReturnType<typeof loadCurrentGrade>>>;

/** Every grading of the submission, newest first (re-grades keep the old ones). */
export function loadGradeHistory(prisma: PrismaClient, submissionId: string) {
  return prisma.grade.findMany({
    where: { submissionId },
    orderBy: [{ gradedAt: 'desc' }, { id: 'desc' }],
    select: { id: true, specVersion: true, specHash: true, graderVersion: true, score: true, maxScore: true, gradedAt: true },
  });
}

/**
 * A student's attempts at an assignment, oldest first, each with its newest grade and that grade's
 * checks (for the attempt-to-attempt diff). A submission without a known student is its own history.
 */
export function loadAttempts(prisma: PrismaClient, submission: Pick<SubmissionRow, 'id' | 'personId' | 'assignment'>) {
  return prisma.submission.findMany({
    where: submission.personId
      ? { personId: submission.personId, assignmentId: submission.assignment.id }
      : { id: submission.id },
    orderBy: [{ receivedAt: 'asc' }, { id: 'asc' }],
    select: {
      id: true,
      filename: true,
      kind: true,
      receivedAt: true,
      status: true,
      grades: {
        orderBy: [{ gradedAt: 'desc' }, { id: 'desc' }],
        take: 1,
        select: {
          id: true,
          score: true,
          maxScore: true,
          specVersion: true,
          gradedAt: true,
          checkResults: {
            orderBy: { ordinal: 'asc' },
            select: { checkId: true, exerciseNumber: true, exerciseId: true, status: true, points: true, maxPoints: true },
          },
        },
      },
    },
  });
}
export type AttemptRow = Awaited<ReturnType<typeof loadAttempts>>[number];

export function loadPin(prisma: PrismaClient, assignmentId: string, personId: string) {
  return prisma.countedSubmission.findUnique({
    where: { assignmentId_personId: { assignmentId, personId } },
    select: { submissionId: true, pinnedBy: true, reason: true, pinnedAt: true },
  });
}

export function loadAudit(prisma: PrismaClient, subject: string) {
  return prisma.auditEvent.findMany({
    where: { subject },
    orderBy: [{ at: 'asc' }, { id: 'asc' }],
    select: { id: true, actor: true, action: true, data: true, at: true },
  });
}
