/**
 * Everything behind one submission's grade, for staff: the report with each check's overrides and
 * effective points, every grading of the file, the student's attempts with what changed from one to
 * the next, which attempt counts, a pending re-grade, and the audit trail.
 */
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { GradeReport } from '../grading/grade.types.js';
import { withRowExerciseId } from '../grading/exercise-id.js';
import { withExerciseIds } from '../grading/stored-report.js';
import { PrismaService } from '../database/database.module.js';
import { auditView, submissionSubject } from './data/audit.js';
import {
  type AttemptRow,
  type CurrentGradeRow,
  loadAttempts,
  loadAudit,
  loadCurrentGrade,
  loadGradeHistory,
  loadPin,
  loadSubmission,
  type SubmissionRow,
} from './data/submission.query.js';
import { type CheckChange, diffChecks } from './logic/check-diff.js';
import { chooseCounted } from './logic/counted.js';
import { round } from './logic/effective.js';
import { type ReviewedGrade, reviewGrade } from './logic/grade-view.js';

export interface ReviewedGradeView extends ReviewedGrade {
  id: string;
  spec: { id: string; version: string; hash: string };
  graderVersion: string;
  gradedAt: string;
  file: string;
  kind: GradeReport['kind'];
  student: GradeReport['student'];
  flags: GradeReport['flags'];
  /** How sure the grader was of its reading; null for grades made before it was recorded. */
  reading: NonNullable<GradeReport['reading']> | null;
}

export interface AttemptView {
  submissionId: string;
  filename: string;
  kind: string;
  receivedAt: string;
  status: string;
  gradeId: string | null;
  /** The grader's score of the attempt (before overrides), null when not graded. */
  score: number | null;
  maxScore: number | null;
  counted: boolean;
  /** Against the previous graded attempt: score change and the checks that changed. */
  sincePrevious: { submissionId: string; scoreChange: number; changes: CheckChange[] } | null;
}

/** A stored submission with its current grade, as every review read starts. */
export interface GradedSubmission {
  submission: SubmissionRow;
  grade: CurrentGradeRow | null;
  reviewed: ReviewedGradeView | null;
}

@Injectable()
export class EvidenceService {
  constructor(@Inject(PrismaService) private readonly db: PrismaService) {}

  async graded(submissionId: string): Promise<GradedSubmission> {
    const submission = await loadSubmission(this.db.prisma, submissionId);
    if (!submission) throw new NotFoundException(`no submission ${submissionId}`);
    const grade = await loadCurrentGrade(this.db.prisma, submissionId);
    return { submission, grade, reviewed: grade ? reviewedView(grade) : null };
  }

  async evidence(submissionId: string) {
    const { submission, reviewed } = await this.graded(submissionId);
    const prisma = this.db.prisma;
    const [grades, attempts, pin, audit, pendingRegrade] = await Promise.all([
      loadGradeHistory(prisma, submissionId),
      loadAttempts(prisma, submission),
      submission.personId ? loadPin(prisma, submission.assignment.id, submission.personId) : null,
      loadAudit(prisma, submissionSubject(submissionId)),
      prisma.regradeItem.findFirst({
        where: { submissionId, run: { status: 'pending' } },
        select: { runId: true, oldScore: true, newScore: true, changed: true, error: true, diff: true },
      }),
    ]);
    const choice = chooseCounted(
      attempts.map((a) => ({ submissionId: a.id, receivedAt: a.receivedAt, status: a.status, gradeId: a.grades[0]?.id ?? null })),
      pin?.submissionId ?? null,
    );
    return {
      submission: {
        id: submission.id,
        filename: submission.filename,
        kind: submission.kind,
        sha256: submission.sha256,
        sizeBytes: submission.sizeBytes,
        receivedAt: submission.receivedAt.toISOString(),
        status: submission.status,
        rejectReason: submission.rejectReason,
        student: submission.person,
        assignment: { specId: submission.assignment.specId, title: submission.assignment.title },
      },
      counted: {
        submissionId: choice.counted?.submissionId ?? null,
        reason: choice.reason,
        thisOne: choice.counted?.submissionId === submission.id,
        pin: pin ? { ...pin, pinnedAt: pin.pinnedAt.toISOString() } : null,
      },
      grade: reviewed,
      grades: grades.map((g) => ({ ...g, gradedAt: g.gradedAt.toISOString(), current: g.id === reviewed?.id })),
      attempts: attemptViews(attempts, choice.counted?.submissionId ?? null),
      pendingRegrade,
      audit: audit.map(auditView),
    };
  }
}

export function reviewedView(grade: CurrentGradeRow): ReviewedGradeView {
  // The repository validated the report before storing it (grade-record.schema.ts); one stored before
  // exercise ids gets them here (id = the number).
  const report = withExerciseIds(grade.report as unknown as GradeReport);
  const reviewed = reviewGrade(grade.id, report, grade.checkResults);
  return {
    id: grade.id,
    spec: { id: grade.specId, version: grade.specVersion, hash: grade.specHash },
    graderVersion: grade.graderVersion,
    gradedAt: grade.gradedAt.toISOString(),
    file: report.file,
    kind: report.kind,
    student: report.student,
    flags: report.flags,
    reading: report.reading ?? null,
    ...reviewed,
  };
}

function attemptViews(attempts: AttemptRow[], countedId: string | null): AttemptView[] {
  let previous: { submissionId: string; score: number; checks: AttemptRow['grades'][number]['checkResults'] } | null = null;
  return attempts.map((attempt) => {
    const grade = attempt.grades[0] ?? null;
    const sincePrevious =
      grade && previous
        ? {
            submissionId: previous.submissionId,
            scoreChange: round(grade.score - previous.score),
            changes: diffChecks(previous.checks.map(withRowExerciseId), grade.checkResults.map(withRowExerciseId)),
          }
        : null;
    if (grade) previous = { submissionId: attempt.id, score: grade.score, checks: grade.checkResults };
    return {
      submissionId: attempt.id,
      filename: attempt.filename,
      kind: attempt.kind,
      receivedAt: attempt.receivedAt.toISOString(),
      status: attempt.status,
      gradeId: grade?.id ?? null,
      score: grade?.score ?? null,
      maxScore: grade?.maxScore ?? null,
      counted: attempt.id === countedId,
      sincePrevious,
    };
  });
}
