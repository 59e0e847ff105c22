/**
 * Accepting an upload: adopt the streamed file into the content-addressed store, record the
 * Submission row (idempotent on assignment + sha256; one statement), and only then enqueue its
 * grade job. When
 * Redis is down the upload is still accepted; the reconciler enqueues it later.
 */
import { rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { BadRequestException, ConflictException, Inject, Injectable, Logger } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '../config/config.js';
import { PrismaService } from '../database/database.module.js';
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

  /** The assignment named, the configured default, or the only lesson there is. */
  resolveAssignment(requested: string | undefined): LoadedSpec {
    const ids = [...new Set(this.registry.specs.map((loaded) => loaded.spec.id))];
    const id = requested ?? this.config.defaultAssignment ?? (ids.length === 1 ? ids[0] : undefined);
    if (!id) throw new BadRequestException(`name the assignment (one of: ${someOf(ids)})`);
    const spec = this.registry.byId(id);
    if (!spec) throw new BadRequestException(`unknown assignment '${id}' (known: ${someOf(ids)})`);
    return spec;
  }

  async accept(upload: StreamedUpload, uploader: Uploader, assignment: string | undefined): Promise<AcceptedSubmission> {
    try {
      const spec = this.resolveAssignment(assignment);
      const personId = uploader.personId ?? (await this.people.ensurePerson(uploader.email)).id;
      // The upload's real size against the person's daily bytes (the guard checked before the body).
      await this.quotas.check(personId, { bytes: upload.size, sha256: upload.sha256 });
      const stored = await this.files.adopt(upload.path, upload.sha256);
      const row = await this.submissions.recordUpload({
        sha256: upload.sha256,
        kind: upload.kind,
        filename: displayName(upload.originalname, upload.kind),
        sizeBytes: upload.size,
        storedPath: stored.path,
        assignmentSpecId: spec.spec.id,
        assignmentTitle: spec.spec.title,
        personId,
        verifiedEmail: uploader.verifiedEmail,
      });
      if (row.personId !== personId) {
        // The same bytes were handed in by someone else: worth a look by staff (audited), not a second row.
        await this.database.prisma.auditEvent.create({
          data: {
            actor: uploader.verifiedEmail,
            action: 'submission.duplicate_of_other_student',
            subject: `submission:${row.id}`,
            data: { sha256: upload.sha256, assignment: spec.spec.id },
          },
        });
        // Said neutrally: whether (and by whom) these bytes were handed in is not the uploader's to learn.
        throw new ConflictException('this file cannot be accepted as your submission; if you think it should be, ask your instructor');
      }
      const needsJob = row.status === 'received' || row.status === 'error';
      const queue = needsJob
        ? await this.queue.ensureQueued(gradeJobFor(this.registry, row.id, spec.spec.id), { newSubmission: row.created, owner: personId })
        : 'not-needed';
      this.logger.log(`${row.id} ${row.created ? 'received' : 'resubmitted (same bytes)'} from ${uploader.verifiedEmail}; job: ${queue}`);
      return { submissionId: row.id, status: row.status, duplicate: !row.created, queue };
    } finally {
      // Adopted files were moved away; anything left is a refused upload's copy.
      await rm(upload.path, { force: true });
    }
  }
}

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
