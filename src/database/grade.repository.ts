/**
 * The writes the grader makes, each idempotent and in one transaction:
 * the same bytes recorded twice are one Submission; the same file graded twice with the same spec
 * (version + hash) is one Grade. Safe when two workers race: the database's unique keys decide.
 */
import { idOf } from '../grading/exercise-id.js';
import type { GradeReport } from '../grading/grade.types.js';
import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import {
  describeIssues,
  gradeReportSchema,
  submissionInputSchema,
  type SubmissionInput,
} from './grade-record.schema.js';
import type { z } from 'zod';

export type { SubmissionInput } from './grade-record.schema.js';

export interface RecordedSubmission {
  submissionId: string;
  /** false: these bytes were already recorded for this assignment. */
  created: boolean;
}

export interface SavedGrade {
  gradeId: string;
  /** false: this submission was already graded with this spec version and hash; nothing changed. */
  created: boolean;
}

export type StoredGrade = Prisma.GradeGetPayload<{ include: { exerciseScores: true; checkResults: true } }>;

export interface RowCounts {
  courses: number;
  assignments: number;
  people: number;
  enrollments: number;
  submissions: number;
  grades: number;
  exerciseScores: number;
  checkResults: number;
  rerunRuns: number;
  overrides: number;
  auditEvents: number;
}

export class RepositoryError extends Error {}

/**
 * PGlite has one connection, so transactions queue behind each other; Prisma's defaults (wait 2 s to
 * start, 5 s to finish) would fail a busy CLI run for no fault of the data.
 */
const TRANSACTION = { maxWait: 60_000, timeout: 60_000 } as const;

export class GradeRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Upserts the assignment (by spec id) and the student (by email), then the submission (by bytes). */
  async recordSubmission(input: SubmissionInput): Promise<RecordedSubmission> {
    const data = parse(submissionInputSchema, input, 'submission');
    return this.prisma.$transaction(async (tx) => {
      // createMany + skipDuplicates is INSERT ... ON CONFLICT DO NOTHING: atomic under concurrency,
      // and its count says whether the row is new.
      await tx.assignment.createMany({
        data: [{ specId: data.assignmentSpecId, title: data.assignmentTitle ?? data.assignmentSpecId }],
        skipDuplicates: true,
      });
      const assignment = await tx.assignment.findUniqueOrThrow({
        where: { specId: data.assignmentSpecId },
        select: { id: true },
      });
      let personId: string | null = null;
      if (data.studentEmail) {
        await tx.person.createMany({ data: [{ email: data.studentEmail }], skipDuplicates: true });
        personId = (await tx.person.findUniqueOrThrow({ where: { email: data.studentEmail }, select: { id: true } })).id;
      }
      const inserted = await tx.submission.createMany({
        data: [
          {
            sha256: data.sha256,
            kind: data.kind,
            filename: data.filename,
            sizeBytes: data.sizeBytes,
            storedPath: data.storedPath,
            assignmentId: assignment.id,
            personId,
          },
        ],
        skipDuplicates: true,
      });
      const submission = await tx.submission.findUniqueOrThrow({
        where: { assignmentId_sha256: { assignmentId: assignment.id, sha256: data.sha256 } },
        select: { id: true, personId: true },
      });
      // Same bytes first seen without a known student: now we know whose they are.
      if (inserted.count === 0 && personId && submission.personId === null) {
        await tx.submission.update({ where: { id: submission.id }, data: { personId } });
      }
      return { submissionId: submission.id, created: inserted.count === 1 };
    }, TRANSACTION);
  }

  /** Marks a submission (by id, or recorded first from its file info) as not gradable, with why. */
  async recordRejection(target: string | SubmissionInput, reason: string): Promise<RecordedSubmission> {
    if (reason.trim() === '') throw new RepositoryError('a rejection needs a reason');
    const recorded =
      typeof target === 'string' ? { submissionId: target, created: false } : await this.recordSubmission(target);
    const { count } = await this.prisma.submission.updateMany({
      where: { id: recorded.submissionId },
      data: { status: 'rejected', rejectReason: reason },
    });
    if (count === 0) throw new RepositoryError(`cannot reject submission ${recorded.submissionId}: no such submission`);
    return recorded;
  }

  /**
   * Writes the Grade, its ExerciseScores and CheckResults (preliminaries first, then each exercise's
   * checks, in report order) and marks the submission graded, all or nothing.
   */
  async saveGrade(submissionId: string, report: GradeReport): Promise<SavedGrade> {
    const parsed = parse(gradeReportSchema, report, `grade report for submission ${submissionId}`);
    const key = { submissionId, specVersion: parsed.spec.version, specHash: parsed.spec.hash };
    try {
      return await this.prisma.$transaction(async (tx) => {
        const existing = await tx.grade.findUnique({
          where: { submissionId_specVersion_specHash: key },
          select: { id: true },
        });
        if (existing) return { gradeId: existing.id, created: false };
        const submission = await tx.submission.findUnique({ where: { id: submissionId }, select: { sha256: true } });
        if (!submission) {
          throw new RepositoryError(`cannot save a grade for submission ${submissionId}: no such submission`);
        }
        if (submission.sha256 !== parsed.sha256) {
          throw new RepositoryError(
            `the grade report is for a file with sha256 ${parsed.sha256}, ` +
              `but submission ${submissionId} has ${submission.sha256}`,
          );
        }
        const grade = await tx.grade.create({
          data: {
            ...key,
            specId: parsed.spec.id,
            graderVersion: parsed.graderVersion,
            score: parsed.score,
            maxScore: parsed.maxScore,
            flags: report.flags as unknown as Prisma.InputJsonArray,
            report: report as unknown as Prisma.InputJsonObject,
            exerciseScores: { createMany: { data: exerciseRows(parsed) } },
            checkResults: { createMany: { data: checkRows(parsed) } },
          },
          select: { id: true },
        });
        await tx.submission.update({ where: { id: submissionId }, data: { status: 'graded', rejectReason: null } });
        return { gradeId: grade.id, created: true };
      }, TRANSACTION);
    } catch (error) {
      // Another worker saved the same grade between our check and our insert: theirs stands.
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        const winner = await this.prisma.grade.findUnique({
          where: { submissionId_specVersion_specHash: key },
          select: { id: true },
        });
        if (winner) return { gradeId: winner.id, created: false };
      }
      throw error;
    }
  }

  /** The most recent grade of a submission, with its rows in report order; null when never graded. */
  latestGrade(submissionId: string): Promise<StoredGrade | null> {
    return this.prisma.grade.findFirst({
      where: { submissionId },
      // uuid v7 ids grow with time: they break ties between grades saved in the same millisecond.
      orderBy: [{ gradedAt: 'desc' }, { id: 'desc' }],
      include: {
        exerciseScores: { orderBy: [{ number: 'asc' }, { exerciseId: 'asc' }] },
        checkResults: { orderBy: { ordinal: 'asc' } },
      },
    });
  }

  async countRows(): Promise<RowCounts> {
    const p = this.prisma;
    const counts = {
      courses: p.course.count(),
      assignments: p.assignment.count(),
      people: p.person.count(),
      enrollments: p.enrollment.count(),
      submissions: p.submission.count(),
      grades: p.grade.count(),
      exerciseScores: p.exerciseScore.count(),
      checkResults: p.checkResult.count(),
      rerunRuns: p.rerunRun.count(),
      overrides: p.override.count(),
      auditEvents: p.auditEvent.count(),
    } satisfies Record<keyof RowCounts, Promise<number>>;
    const values = await Promise.all(Object.values(counts));
    return Object.fromEntries(Object.keys(counts).map((key, i) => [key, values[i]])) as unknown as RowCounts;
  }
}

type ParsedReport = z.output<typeof gradeReportSchema>;

function exerciseRows(report: ParsedReport): Prisma.ExerciseScoreCreateManyGradeInput[] {
  return report.exercises.map((exercise) => ({
    number: exercise.number,
    exerciseId: idOf(exercise),
    title: exercise.title,
    score: exercise.score,
    maxScore: exercise.maxScore,
    status: exercise.status,
  }));
}

function checkRows(report: ParsedReport): Prisma.CheckResultCreateManyGradeInput[] {
  const checks = [
    ...report.preliminaries.map((check) => ({ exerciseNumber: null, exerciseId: null, check })),
    ...report.exercises.flatMap((exercise) =>
      exercise.checks.map((check) => ({ exerciseNumber: exercise.number, exerciseId: idOf(exercise), check })),
    ),
  ];
  return checks.map(({ exerciseNumber, exerciseId, check }, ordinal) => ({
    ordinal,
    exerciseNumber,
    exerciseId,
    checkId: check.id,
    description: check.description,
    status: check.status,
    points: check.points,
    maxPoints: check.maxPoints,
    evidence: check.evidence,
  }));
}

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new RepositoryError(`invalid ${what}: ${describeIssues(result.error)}`);
  return result.data;
}
