/**
 * One grade job: the stored bytes → SubmissionGrader.evaluate (the CLI's grading path) → identity
 * facts from the upload → the grade or the rejection, stored idempotently. A hand-in whose upload
 * named no lesson (recorded under UNRECOGNISED_ASSIGNMENT) is graded by the lesson recognised, and
 * moves to that lesson's assignment with its grade in one transaction (GradeRepository
 * placeAndSaveGrade); one that fits no lesson, or two equally, is rejected with the registry's
 * reason, so that its student can hand it in again naming the lesson. Anything thrown here is
 * ours (database, file store, a bug, a timeout): the queue retries it, and only after the last
 * attempt is the submission marked `error`; a student's bad file is a rejection, never a throw.
 */
import { readFile } from 'node:fs/promises';
import type { ServiceConfig } from '../config/config.js';
import type { GradeRepository } from '../database/grade.repository.js';
import { type SubmissionGrader, UNRECOGNISED_ASSIGNMENT } from '../grading/submission-grader.js';
import { applyIdentity } from '../identity/identity-match.js';
import type { PeopleRepository } from '../identity/people.repository.js';
import { FileStore } from '../submissions/file-store.js';
import type { SpecRegistry } from '../specs/spec.registry.js';
import { storedReadingOf } from '../submissions/stored-reading.js';
import type { SubmissionRepository } from '../submissions/submission.repository.js';
import { type GradeJobData, type GradeJobResult, gradeJobSchema } from './queue.names.js';

export class GradeJobHandler {
  constructor(
    private readonly grader: SubmissionGrader,
    private readonly grades: GradeRepository,
    private readonly submissions: SubmissionRepository,
    private readonly people: PeopleRepository,
    private readonly config: Pick<ServiceConfig, 'courseCode'>,
    /** Where what the staff page shows of a PDF is kept (null: not kept, the page says so). */
    private readonly files: FileStore | null = null,
    /** Where a recognised lesson's title comes from (its Assignment row is created when first graded). */
    private readonly registry: SpecRegistry | null = null,
  ) {}

  async handle(payload: GradeJobData): Promise<GradeJobResult> {
    const { submissionId } = gradeJobSchema.parse(payload);
    const submission = await this.submissions.forGrading(submissionId);
    if (!submission) return { outcome: 'gone' };
    const bytes = await readFile(submission.storedPath);
    const sha256 = FileStore.sha256(bytes);
    if (sha256 !== submission.sha256) {
      throw new Error(`stored file ${submission.storedPath} has sha256 ${sha256}, expected ${submission.sha256}`);
    }
    // Handed in naming no lesson: the lesson is whichever the hand-in is recognised as.
    const unnamed = submission.assignmentSpecId === UNRECOGNISED_ASSIGNMENT;
    const { report, document } = await this.grader.evaluateWithDocument(
      { path: submission.storedPath, filename: submission.filename, kind: submission.kind, bytes },
      { internalErrors: 'throw', assignment: unnamed ? undefined : submission.assignmentSpecId },
    );
    // A PDF is read here once; the staff page shows this, and never reads the PDF in the api.
    if (document && submission.kind === 'pdf' && this.files) {
      await this.files.putReading(sha256, JSON.stringify(storedReadingOf(document)));
    }
    if (report.status === 'rejected') return this.reject(submissionId, report.error);
    if (!unnamed && report.spec.id !== submission.assignmentSpecId) {
      return this.reject(
        submissionId,
        `this is a ${report.spec.id} notebook, but it was handed in for ${submission.assignmentSpecId}`,
      );
    }
    const onRoster = submission.verifiedEmail
      ? await this.people.isOnRoster(submission.verifiedEmail, this.config.courseCode)
      : null;
    const graded = applyIdentity(report, { verifiedEmail: submission.verifiedEmail, onRoster });
    if (unnamed) {
      const loaded = this.registry?.byHash(report.spec.hash) ?? this.registry?.byId(report.spec.id);
      const placed = await this.grades.placeAndSaveGrade(
        submissionId,
        graded,
        { specId: report.spec.id, title: loaded?.spec.title ?? report.spec.id, courseCode: this.config.courseCode },
        UNRECOGNISED_ASSIGNMENT,
      );
      if (placed.outcome === 'graded') return { outcome: 'graded', gradeId: placed.gradeId, created: placed.created, score: graded.score };
      return placed.outcome === 'rejected' ? { outcome: 'rejected', reason: placed.reason } : placed;
    }
    const saved = await this.grades.saveGrade(submissionId, graded);
    return { outcome: 'graded', gradeId: saved.gradeId, created: saved.created, score: graded.score };
  }

  private async reject(submissionId: string, reason: string): Promise<GradeJobResult> {
    await this.grades.recordRejection(submissionId, reason);
    return { outcome: 'rejected', reason };
  }
}
