import { basename } from 'node:path';
import { type SubmissionDocument, UnreadableSubmissionError } from '../ingest/document.js';
import { type LoadedSubmission, loadSubmissionFile, parseSubmission, type ReadLimits } from '../ingest/submission.reader.js';
import type { SpecRegistry } from '../specs/spec.registry.js';
import { FileStore } from '../submissions/file-store.js';
import type { FileReport, GradeReport, RejectedReport } from './grade.types.js';
import { GRADER_VERSION } from './grader.version.js';
import { gradeDocument } from './rubric.engine.js';

/** Where grades go. The database implements it; `--no-store` runs use none. */
export interface GradeSink {
  recordSubmission(input: {
    sha256: string;
    kind: 'ipynb' | 'pdf';
    filename: string;
    sizeBytes: number;
    storedPath: string;
    assignmentSpecId: string;
    studentEmail?: string | null;
  }): Promise<{ submissionId: string; created: boolean }>;
  recordRejection(submissionId: string, reason: string): Promise<unknown>;
  saveGrade(submissionId: string, report: GradeReport): Promise<{ gradeId: string; created: boolean }>;
}

export interface EvaluateOptions {
  /** 'throw' (the worker): a reader failure that is not the file's fault is retried, not charged. */
  internalErrors?: 'reject' | 'throw';
  /** The assignment the hand-in was handed in for: decides between lessons it fits equally. */
  assignment?: string;
}

/** Assignment id used for files rejected before their lesson is known. */
export const UNRECOGNISED_ASSIGNMENT = 'unrecognised';

export type StoredFileReport = FileReport & { stored?: { submissionId: string; created: boolean } };

/**
 * One hand-in to a stored, explained grade: load (limits, sniffing) → keep the bytes → read into a
 * Document → recognise the lesson → grade → store. Bad input becomes a RejectedReport naming the
 * file and the reason; nothing else is lost.
 */
export class SubmissionGrader {
  constructor(
    private readonly registry: SpecRegistry,
    private readonly limits: ReadLimits,
    private readonly fileStore: FileStore | null,
    private readonly sink: GradeSink | null,
  ) {}

  /** The CLI's path: a file on disk, graded and stored. */
  async gradeFile(path: string, options: Pick<EvaluateOptions, 'assignment'> = {}): Promise<StoredFileReport> {
    return (await this.gradeFileWithDocument(path, options)).report;
  }

  /** gradeFile, handing back the parsed hand-in too (null when it could not be read): `grade --rerun`
   * measures the same Document it graded instead of reading the file twice. */
  async gradeFileWithDocument(
    path: string,
    options: Pick<EvaluateOptions, 'assignment'> = {},
  ): Promise<{ report: StoredFileReport; document: SubmissionDocument | null }> {
    let loaded;
    try {
      loaded = await loadSubmissionFile(path, this.limits);
    } catch (error) {
      return { report: { ...rejected(error, null), file: basename(path) }, document: null };
    }
    const storedPath = this.fileStore ? (await this.fileStore.put(loaded.bytes)).path : path;
    const { report, document } = await this.evaluateWithDocument(loaded, options);
    return { report: await this.store(loaded, storedPath, report), document };
  }

  private async store(loaded: LoadedSubmission, storedPath: string, report: FileReport): Promise<StoredFileReport> {
    if (!this.sink) return report;
    const stored = await this.sink.recordSubmission({
      sha256: FileStore.sha256(loaded.bytes),
      kind: loaded.kind,
      filename: loaded.filename,
      sizeBytes: loaded.bytes.length,
      storedPath,
      assignmentSpecId: report.status === 'graded' ? report.spec.id : UNRECOGNISED_ASSIGNMENT,
      studentEmail: report.status === 'graded' ? report.student.email : null,
    });
    if (report.status === 'graded') await this.sink.saveGrade(stored.submissionId, report);
    else await this.sink.recordRejection(stored.submissionId, report.error);
    return { ...report, stored };
  }

  /**
   * Read, recognise and grade loaded bytes; no storage. The queue worker and the CLI share it.
   * `internalErrors: 'throw'` (the worker): a reader failure that is not the file's fault is thrown,
   * so the job is retried and ends as `error`, instead of becoming a rejection charged to the student.
   */
  async evaluate(loaded: LoadedSubmission, options: EvaluateOptions = {}): Promise<FileReport> {
    return (await this.evaluateWithDocument(loaded, options)).report;
  }

  /** As `evaluate`, with the Document read (null when unreadable): the worker stores what pages show of it. */
  async evaluateWithDocument(
    loaded: LoadedSubmission,
    options: EvaluateOptions = {},
  ): Promise<{ report: FileReport; document: SubmissionDocument | null }> {
    let document;
    try {
      document = await parseSubmission(loaded, this.limits);
    } catch (error) {
      if (options.internalErrors === 'throw' && !(error instanceof UnreadableSubmissionError)) throw error;
      return { report: { ...rejected(error, loaded.kind), file: loaded.filename }, document: null };
    }
    const recognition = this.registry.recognise(document, { assignment: options.assignment });
    if (!recognition.spec) {
      return { report: { file: loaded.filename, kind: loaded.kind, status: 'rejected', error: recognition.reason }, document };
    }
    const { spec, hash } = recognition.spec;
    const result = gradeDocument(document, recognition.spec);
    const report: GradeReport = {
      file: loaded.filename,
      kind: loaded.kind,
      status: 'graded',
      sha256: FileStore.sha256(loaded.bytes),
      // Verification against Google happens where a token is presented (the upload API), not here.
      student: { email: result.email, verified: null },
      spec: { id: spec.id, version: spec.version, hash, title: spec.title, ...(spec.revision ? { revision: spec.revision } : {}) },
      graderVersion: GRADER_VERSION,
      score: result.score,
      maxScore: result.maxScore,
      preliminaries: result.preliminaries,
      exercises: result.exercises,
      flags: result.flags,
      reading: result.reading,
      holds: result.holds,
    };
    return { report, document };
  }
}

function rejected(error: unknown, kind: 'ipynb' | 'pdf' | null): RejectedReport {
  if (error instanceof UnreadableSubmissionError) {
    return { file: error.file, kind, status: 'rejected', error: error.reason };
  }
  // A reader bug must not stop a whole folder: report it against this file, as the grader's fault.
  return { file: '(unknown)', kind, status: 'rejected', error: `grader error while reading: ${(error as Error).message}` };
}
