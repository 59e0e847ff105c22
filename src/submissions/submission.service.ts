/**
 * Accepting an upload: adopt the streamed file into the content-addressed store, record the
 * Submission row (idempotent on assignment + sha256; one statement), and only then enqueue its
 * grade job. When
 * Redis is down the upload is still accepted; the reconciler enqueues it later.
 *
 * An upload that names no assignment, where the service has no DEFAULT_ASSIGNMENT and serves more
 * than one lesson, is recorded under the placeholder assignment UNRECOGNISED_ASSIGNMENT: its grade
 * job recognises the lesson and moves it there (src/queue/grade-job.handler.ts).
 */
import { rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { BadRequestException, ConflictException, Inject, Injectable, Logger } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '../config/config.js';
import { PrismaService } from '../database/database.module.js';
import { NOT_YOUR_FILE } from '../database/grade.repository.js';
import { UNRECOGNISED_ASSIGNMENT } from '../grading/submission-grader.js';
import { PeopleRepository } from '../identity/people.repository.js';
import { GradeQueue, gradeJobFor, type EnqueueOutcome } from '../queue/grade.queue.js';
import type { LoadedSpec } from '../specs/spec.loader.js';
import { SpecRegistry } from '../specs/spec.registry.js';
import { FileStore } from './file-store.js';
import { SubmissionRepository } from './submission.repository.js';
import { UploadQuotas } from './upload-quota.js';
import type { StreamedUpload } from './upload.storage.js';

export interface Uploader {
  /** The Person's email (roster spelling). */
  email: string;
  personId: string | null;
  /** The email as Google verified it for this request or session. */
  verifiedEmail: string;
}

export interface AcceptedSubmission {
  submissionId: string;
  status: 'received' | 'graded' | 'rejected' | 'error';
  /** true: these bytes were already submitted for this assignment; the same submission is returned. */
  duplicate: boolean;
  /** What happened to the grade job ('unavailable': Redis did not answer; the reconciler will enqueue it). */
  queue: EnqueueOutcome | 'not-needed';
}

@Injectable()
export class SubmissionService {
  private readonly logger = new Logger('Submissions');

  constructor(
    @Inject(SubmissionRepository) private readonly submissions: SubmissionRepository,
    @Inject(PeopleRepository) private readonly people: PeopleRepository,
    @Inject(PrismaService) private readonly database: PrismaService,
    @Inject(FileStore) private readonly files: FileStore,
    @Inject(SpecRegistry) private readonly registry: SpecRegistry,
    @Inject(GradeQueue) private readonly queue: GradeQueue,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(UploadQuotas) private readonly quotas: UploadQuotas,
  ) {}

  /**
   * The assignment named, the configured default, or the only lesson there is; null when none is
   * named among several lessons: the lesson is recognised when the hand-in is graded.
   */
  resolveAssignment(requested: string | undefined): LoadedSpec | null {
    const ids = [...new Set(this.registry.specs.map((loaded) => loaded.spec.id))];
    const id = requested ?? (this.config.defaultAssignment || undefined) ?? (ids.length === 1 ? ids[0] : undefined);
    if (!id) return null;
    const spec = this.registry.byId(id);
    if (!spec) throw new BadRequestException(`unknown assignment '${id}' (known: ${someOf(ids)})`);
    return spec;
  }

  async accept(upload: StreamedUpload, uploader: Uploader, assignment: string | undefined): Promise<AcceptedSubmission> {
    try {
      const spec = this.resolveAssignment(assignment);
      const specId = spec?.spec.id ?? UNRECOGNISED_ASSIGNMENT;
      const personId = uploader.personId ?? (await this.people.ensurePerson(uploader.email)).id;
      // The upload's real size against the person's daily bytes (the guard checked before the body).
      await this.quotas.check(personId, { bytes: upload.size, sha256: upload.sha256 });
      if (!spec) {
        // These bytes already graded for their lesson: the answer a named upload of them would get.
        const own = await this.submissions.gradedCopy(personId, upload.sha256, UNRECOGNISED_ASSIGNMENT);
        if (own) {
          this.logger.log(`${own.id} resubmitted (same bytes, no lesson named) from ${uploader.verifiedEmail}`);
          return { submissionId: own.id, status: own.status, duplicate: true, queue: 'not-needed' };
        }
      }
      const stored = await this.files.adopt(upload.path, upload.sha256);
      const row = await this.submissions.recordUpload({
        sha256: upload.sha256,
        kind: upload.kind,
        filename: displayName(upload.originalname, upload.kind),
        sizeBytes: upload.size,
        storedPath: stored.path,
        assignmentSpecId: specId,
        assignmentTitle: spec?.spec.title ?? UNRECOGNISED_TITLE,
        personId,
        verifiedEmail: uploader.verifiedEmail,
      });
      if (row.personId !== personId) await this.refuseOthersFile(row.id, uploader, upload.sha256, specId);
      const needsJob = row.status === 'received' || row.status === 'error';
      // No lesson named: the job's spec version is 'auto' (whatever the hand-in is recognised as).
      const queue = needsJob
        ? await this.queue.ensureQueued(gradeJobFor(this.registry, row.id, specId), { newSubmission: row.created, owner: personId })
        : 'not-needed';
      this.logger.log(
        `${row.id} ${row.created ? 'received' : 'resubmitted (same bytes)'} from ${uploader.verifiedEmail}` +
          `${spec ? '' : ' (no lesson named: recognised when graded)'}; job: ${queue}`,
      );
      return { submissionId: row.id, status: row.status, duplicate: !row.created, queue };
    } finally {
      // Adopted files were moved away; anything left is a refused upload's copy.
      await rm(upload.path, { force: true });
    }
  }

  /** The same bytes were handed in by someone else: worth a look by staff (audited), not a second row. */
  private async refuseOthersFile(existingId: string, uploader: Uploader, sha256: string, assignment: string): Promise<never> {
    await this.database.prisma.auditEvent.create({
      data: {
        actor: uploader.verifiedEmail,
        action: 'submission.duplicate_of_other_student',
        subject: `submission:${existingId}`,
        data: { sha256, assignment },
      },
    });
    // Said neutrally: whether (and by whom) these bytes were handed in is not the uploader's to learn.
    throw new ConflictException(NOT_YOUR_FILE);
  }
}

/** The placeholder assignment's title (staff see it among the assignments, with the hand-ins it holds). */
export const UNRECOGNISED_TITLE = 'Lesson not recognised (yet)';

/** The student's file name, as a plain name (no folders, no control characters), with the sniffed type's extension. */
export function displayName(original: string | undefined, kind: 'ipynb' | 'pdf'): string {
  const name = basename((original ?? '').replace(/\\/g, '/'))
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, 200);
  if (name === '') return `submission.${kind}`;
  return name.toLowerCase().endsWith(`.${kind}`) ? name : `${name}.${kind}`;
}

/** A list short enough for an error message: the whole course has ~90 lessons. */
function someOf(ids: string[]): string {
  const sorted = [...ids].sort();
  return sorted.length <= 12 ? sorted.join(', ') : `${sorted.slice(0, 12).join(', ')}, … ${sorted.length - 12} more`;
}
