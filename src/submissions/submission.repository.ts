/**
 * Submissions as the api and the grade worker use them: uploads recorded (batched, see
 * recordUpload), status and results read, `error` marked, stuck rows found for the reconciler.
 * Grades and rejections are written by GradeRepository (src/database/), shared with the CLI.
 */
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { UNRECOGNISED_ASSIGNMENT } from '../grading/submission-grader.js';
import { uuidv7 } from './uuid7.js';

const latestGrade = {
  orderBy: [{ gradedAt: 'desc' }, { id: 'desc' }],
  take: 1,
} satisfies Prisma.Submission$gradesArgs;

const submissionView = {
  assignment: { select: { specId: true } },
  person: { select: { email: true } },
  grades: { ...latestGrade, select: { report: true, score: true, maxScore: true, flags: true, gradedAt: true } },
} satisfies Prisma.SubmissionInclude;

export type SubmissionView = Prisma.SubmissionGetPayload<{ include: typeof submissionView }>;

export interface SubmissionToGrade {
  id: string;
  sha256: string;
  kind: 'ipynb' | 'pdf';
  filename: string;
  storedPath: string;
  verifiedEmail: string | null;
  assignmentSpecId: string;
}

export interface UploadInput {
  sha256: string;
  kind: 'ipynb' | 'pdf';
  filename: string;
  sizeBytes: number;
  storedPath: string;
  assignmentSpecId: string;
  assignmentTitle: string;
  personId: string;
  verifiedEmail: string;
}

export interface RecordedUpload {
  id: string;
  status: SubmissionView['status'];
  /** Whose submission it is: the uploader's, unless these bytes were first handed in by someone else. */
  personId: string | null;
  /** false: these bytes were already submitted for this assignment (the same row is returned). */
  created: boolean;
}

interface PendingUpload {
  input: UploadInput;
  resolve: (recorded: RecordedUpload) => void;
  reject: (error: unknown) => void;
}

export class SubmissionRepository {
  /** Assignment ids by spec id: looked up (or created) once per process, not on every upload. */
  private readonly assignments = new Map<string, Promise<string>>();
  /** Uploads waiting for the INSERT in flight to commit. */
  private readonly pending: PendingUpload[] = [];
  private flushing = false;

  /** `courseCode`: the deployment's course; assignments created by uploads belong to it (its roster counts). */
  constructor(
    private readonly prisma: PrismaClient,
    private readonly courseCode: string | null = null,
  ) {}

  /**
   * The upload path's write. New rows are inserted in batches: uploads arriving while one INSERT
   * commits go together into the next (one statement, one WAL flush for all of them), so a class
   * uploading at once does not queue on the database's commit latency. INSERT ... ON CONFLICT DO
   * NOTHING on (assignment, sha256): the same bytes again give the existing row. The person is the
   * uploader's, known before (session or Colab identity); the CLI records through GradeRepository.
   */
  recordUpload(input: UploadInput): Promise<RecordedUpload> {
    return new Promise((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, 500);
        await this.insertBatch(batch).catch((error: unknown) => {
          // A cached assignment id may be what failed (the row was removed): look them up again.
          this.assignments.clear();
          batch.forEach((item) => item.reject(error));
        });
      }
    } finally {
      this.flushing = false;
    }
  }

  private async insertBatch(batch: PendingUpload[]): Promise<void> {
    const ids = await Promise.all(batch.map((item) => this.assignmentId(item.input.assignmentSpecId, item.input.assignmentTitle)));
    const column = <T>(pick: (input: UploadInput) => T): T[] => batch.map(({ input }) => pick(input));
    // Raw SQL on purpose: one statement whose text does not change with the batch size (arrays as
    // parameters), so nothing is planned or compiled per batch. Ids are uuid v7, as Prisma makes them.
    const inserted = await this.prisma.$queryRaw<{ id: string; status: SubmissionView['status']; personId: string | null; assignmentId: string; sha256: string }[]>`
      INSERT INTO "Submission" ("id", "sha256", "kind", "filename", "sizeBytes", "storedPath", "assignmentId", "personId", "verifiedEmail")
      SELECT * FROM unnest(
        ${batch.map(() => uuidv7())}::uuid[], ${column((i) => i.sha256)}::char(64)[], ${column((i) => i.kind)}::text[]::"SubmissionKind"[],
        ${column((i) => i.filename)}::text[], ${column((i) => i.sizeBytes)}::int[], ${column((i) => i.storedPath)}::text[],
        ${ids}::uuid[], ${column((i) => i.personId)}::uuid[], ${column((i) => i.verifiedEmail)}::text[])
      ON CONFLICT ("assignmentId", "sha256") DO NOTHING
      RETURNING "id", "status"::text AS "status", "personId", "assignmentId", "sha256"`;
    const created = new Map(inserted.map((row) => [`${row.assignmentId}:${row.sha256}`, row]));
    for (const [i, item] of batch.entries()) {
      const key = `${ids[i]}:${item.input.sha256}`;
      const row = created.get(key);
      if (row) {
        // The first of identical uploads in one batch creates the row; the others find it below.
        created.delete(key);
        item.resolve({ id: row.id, status: row.status, personId: row.personId, created: true });
      } else {
        this.existing(ids[i], item.input).then(item.resolve, item.reject);
      }
    }
  }

  private async existing(assignmentId: string, input: UploadInput): Promise<RecordedUpload> {
    const select = { id: true, status: true, personId: true } as const;
    const key = { assignmentId_sha256: { assignmentId, sha256: input.sha256 } };
    const row = await this.prisma.submission.findUniqueOrThrow({ where: key, select });
    if (row.personId !== null) return { ...row, created: false };
    // First seen without a known student (the CLI, no Gmail printed): now we know whose it is.
    const claimed = await this.prisma.submission.update({
      where: key,
      data: { personId: input.personId, verifiedEmail: input.verifiedEmail },
      select,
    });
    return { ...claimed, created: false };
  }

  private assignmentId(specId: string, title: string): Promise<string> {
    let id = this.assignments.get(specId);
    if (!id) {
      id = (async () => {
        // The placeholder for hand-ins of no named lesson is not one of the course's lessons.
        const courseId = specId === UNRECOGNISED_ASSIGNMENT ? null : await this.courseId();
        await this.prisma.assignment.createMany({ data: [{ specId, title, courseId }], skipDuplicates: true });
        // An assignment first seen by the CLI has no course yet: this deployment's is the one.
        if (courseId) await this.prisma.assignment.updateMany({ where: { specId, courseId: null }, data: { courseId } });
        return (await this.prisma.assignment.findUniqueOrThrow({ where: { specId }, select: { id: true } })).id;
      })();
      id.catch(() => this.assignments.delete(specId));
      this.assignments.set(specId, id);
    }
    return id;
  }

  private async courseId(): Promise<string | null> {
    if (!this.courseCode) return null;
    await this.prisma.course.createMany({ data: [{ code: this.courseCode, title: this.courseCode }], skipDuplicates: true });
    return (await this.prisma.course.findUniqueOrThrow({ where: { code: this.courseCode }, select: { id: true } })).id;
  }

  /**
   * The person's graded submission of these bytes under a lesson (any assignment but `placeholder`),
   * newest first: an upload that names no lesson and brings bytes already graded gets it back, as a
   * named upload of them would. (Found by the person's index; another student's copy is found when
   * the hand-in is graded.)
   */
  async gradedCopy(personId: string, sha256: string, placeholder: string): Promise<{ id: string; status: SubmissionView['status'] } | null> {
    return this.prisma.submission.findFirst({
      where: { personId, sha256, status: 'graded', assignment: { specId: { not: placeholder } } },
      orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
      select: { id: true, status: true },
    });
  }

  findView(id: string): Promise<SubmissionView | null> {
    return this.prisma.submission.findUnique({ where: { id }, include: submissionView });
  }

  /** A person's submissions, newest first. */
  listForPerson(personId: string, limit = 200): Promise<SubmissionView[]> {
    return this.prisma.submission.findMany({
      where: { personId },
      orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
      take: limit,
      include: submissionView,
    });
  }

  async forGrading(id: string): Promise<SubmissionToGrade | null> {
    const row = await this.prisma.submission.findUnique({
      where: { id },
      select: {
        id: true,
        sha256: true,
        kind: true,
        filename: true,
        storedPath: true,
        verifiedEmail: true,
        assignment: { select: { specId: true } },
      },
    });
    if (!row) return null;
    const { assignment, ...rest } = row;
    return { ...rest, assignmentSpecId: assignment.specId };
  }

  /**
   * Our infrastructure failed for good (after the last attempt): `error`, with the reason for staff.
   * A submission graded or rejected meanwhile (another attempt won) keeps its result.
   */
  async markError(id: string, reason: string): Promise<boolean> {
    const { count } = await this.prisma.submission.updateMany({
      where: { id, status: { in: ['received', 'error'] } },
      data: { status: 'error', errorReason: reason.slice(0, 2000) },
    });
    return count === 1;
  }

  /** Submissions still `received` that arrived before `before`: their job may have been lost. */
  stuckInReceived(before: Date, limit: number): Promise<{ id: string; personId: string | null; assignment: { specId: string } }[]> {
    return this.prisma.submission.findMany({
      where: { status: 'received', receivedAt: { lt: before } },
      orderBy: { receivedAt: 'asc' },
      take: limit,
      select: { id: true, personId: true, assignment: { select: { specId: true } } },
    });
  }
}
