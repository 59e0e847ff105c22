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

/** The lesson a hand-in of no named lesson was recognised as, and where its Assignment row belongs. */
export interface RecognisedAssignment {
  specId: string;
  title: string;
  /** The deployment's course (COURSE_CODE): the assignment belongs to it, as an upload's does. */
  courseCode: string | null;
}

export type Placement =
  | ({ outcome: 'graded' } & SavedGrade)
  /** `duplicateOf`: the submission that already holds these bytes for the lesson (set when found so now). */
  | { outcome: 'rejected'; reason: string; duplicateOf?: string }
  | { outcome: 'gone' };

/** Bytes another student handed in: the words the upload uses (whose they are is not the uploader's to learn). */
export const NOT_YOUR_FILE = 'this file cannot be accepted as your submission; if you think it should be, ask your instructor';

/** A hand-in of no named lesson whose bytes its student already handed in for the lesson it is. */
export function duplicateReason(specId: string, existingId: string): string {
  return (
    `you already handed in this same file for ${specId} (submission ${existingId}); ` +
    'that submission is the one graded and counted, this copy is kept as its duplicate'
  );
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
    try {
      return await this.prisma.$transaction((tx) => writeGrade(tx, submissionId, report, parsed), TRANSACTION);
    } catch (error) {
      // Another worker saved the same grade between our check and our insert: theirs stands.
      if (isUniqueViolation(error)) {
        const winner = await this.prisma.grade.findUnique({
          where: { submissionId_specVersion_specHash: gradeKey(submissionId, parsed) },
          select: { id: true },
        });
        if (winner) return { gradeId: winner.id, created: false };
      }
      throw error;
    }
  }

  /**
   * A hand-in recorded under the placeholder assignment (its upload named no lesson), recognised by
   * grading as `target`'s lesson: in one transaction, the submission moves to the target's Assignment
   * row (created as an upload creates it, in the deployment's course) and its grade is saved.
   * Idempotent: a retried job finds the row already moved (the grade is saved once, by spec version
   * and hash) or already decided a duplicate (the same answer again).
   *
   * When the target already holds these bytes (unique assignment + sha256), nothing is merged or
   * dropped: the existing submission stays as it is (its grade, its history) and the placeholder one
   * is rejected as its duplicate, naming it; model files uploaded for the placeholder move to the
   * existing submission (any it already has stay where they are). An existing row with no student
   * (the CLI's) is claimed by this one's, as a named upload of the same bytes claims it. Bytes another
   * student handed in are refused in the words the upload uses, and audited for staff.
   */
  async placeAndSaveGrade(
    submissionId: string,
    report: GradeReport,
    target: RecognisedAssignment,
    placeholder: string,
  ): Promise<Placement> {
    const parsed = parse(gradeReportSchema, report, `grade report for submission ${submissionId}`);
    if (parsed.spec.id !== target.specId) {
      throw new RepositoryError(`the grade report is for ${parsed.spec.id}, not ${target.specId}`);
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.prisma.$transaction(async (tx): Promise<Placement> => {
          // Locked: a second attempt of the same job (a stalled worker) waits for this one's answer.
          // The row alone: joined, a row moved meanwhile would not be seen (its old assignment no longer joins).
          const [locked] = await tx.$queryRaw<Omit<PlacedRow, 'specId'>[]>`
            SELECT "id", "status"::text AS "status", "personId", "verifiedEmail", "sha256", "rejectReason", "assignmentId"
            FROM "Submission" WHERE "id" = ${submissionId}::uuid FOR UPDATE`;
          if (!locked) return { outcome: 'gone' };
          const { specId } = await tx.assignment.findUniqueOrThrow({ where: { id: locked.assignmentId }, select: { specId: true } });
          const row: PlacedRow = { ...locked, specId };
          // Moved by an earlier attempt: only the grade may be missing.
          if (row.specId === target.specId) return { outcome: 'graded', ...(await writeGrade(tx, submissionId, report, parsed)) };
          if (row.specId !== placeholder) {
            throw new RepositoryError(`submission ${submissionId} was handed in for ${row.specId}; only a hand-in of no named lesson is placed`);
          }
          // An earlier attempt found it a duplicate (see below): the same answer.
          if (row.status === 'rejected') return { outcome: 'rejected', reason: row.rejectReason ?? 'rejected' };
          const assignmentId = await ensureAssignment(tx, target);
          const existing = await tx.submission.findUnique({
            where: { assignmentId_sha256: { assignmentId, sha256: row.sha256 } },
            select: { id: true, personId: true },
          });
          if (!existing) {
            await tx.submission.update({ where: { id: submissionId }, data: { assignmentId } });
            return { outcome: 'graded', ...(await writeGrade(tx, submissionId, report, parsed)) };
          }
          if (existing.personId !== null && existing.personId !== row.personId) {
            // Said neutrally, as the upload says it; staff see who (audited).
            await tx.auditEvent.create({
              data: {
                actor: row.verifiedEmail ?? 'grader',
                action: 'submission.duplicate_of_other_student',
                subject: `submission:${existing.id}`,
                data: { sha256: row.sha256, assignment: target.specId, handedInAs: submissionId },
              },
            });
            return rejectIn(tx, submissionId, NOT_YOUR_FILE);
          }
          if (existing.personId === null && row.personId !== null) {
            await tx.submission.update({ where: { id: existing.id }, data: { personId: row.personId, verifiedEmail: row.verifiedEmail } });
          }
          await tx.$executeRaw`
            UPDATE "ModelFile" m SET "submissionId" = ${existing.id}::uuid
            WHERE m."submissionId" = ${submissionId}::uuid AND NOT EXISTS (
              SELECT 1 FROM "ModelFile" o WHERE o."submissionId" = ${existing.id}::uuid AND o."role" = m."role" AND o."sha256" = m."sha256")`;
          return { ...(await rejectIn(tx, submissionId, duplicateReason(target.specId, existing.id))), duplicateOf: existing.id };
        }, TRANSACTION);
      } catch (error) {
        // A concurrent upload of the same bytes for the lesson, or a concurrent save of this grade,
        // took a unique key first: look again (the row or the grade is there now).
        if (attempt < 3 && isUniqueViolation(error)) continue;
        throw error;
      }
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

type Tx = Prisma.TransactionClient;

interface PlacedRow {
  id: string;
  status: string;
  personId: string | null;
  verifiedEmail: string | null;
  sha256: string;
  rejectReason: string | null;
  assignmentId: string;
  specId: string;
}

const gradeKey = (submissionId: string, parsed: ParsedReport) => ({
  submissionId,
  specVersion: parsed.spec.version,
  specHash: parsed.spec.hash,
});

/** The Grade, its ExerciseScores and CheckResults, and the submission marked graded; nothing when this grade exists. */
async function writeGrade(tx: Tx, submissionId: string, report: GradeReport, parsed: ParsedReport): Promise<SavedGrade> {
  const key = gradeKey(submissionId, parsed);
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
}

/** The lesson's Assignment row, created as an upload creates it: in the deployment's course. */
async function ensureAssignment(tx: Tx, target: RecognisedAssignment): Promise<string> {
  let courseId: string | null = null;
  if (target.courseCode) {
    await tx.course.createMany({ data: [{ code: target.courseCode, title: target.courseCode }], skipDuplicates: true });
    courseId = (await tx.course.findUniqueOrThrow({ where: { code: target.courseCode }, select: { id: true } })).id;
  }
  await tx.assignment.createMany({ data: [{ specId: target.specId, title: target.title, courseId }], skipDuplicates: true });
  // An assignment first seen by the CLI has no course yet: this deployment's is the one.
  if (courseId) await tx.assignment.updateMany({ where: { specId: target.specId, courseId: null }, data: { courseId } });
  return (await tx.assignment.findUniqueOrThrow({ where: { specId: target.specId }, select: { id: true } })).id;
}

async function rejectIn(tx: Tx, submissionId: string, reason: string): Promise<{ outcome: 'rejected'; reason: string }> {
  await tx.submission.update({ where: { id: submissionId }, data: { status: 'rejected', rejectReason: reason } });
  return { outcome: 'rejected', reason };
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

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
