/**
 * What the API answers about a submission (pure): its status and, once graded, the JSON contract of
 * ARCHITECTURE.md (the stored GradeReport, with evidence, hints and flags); once rejected, the
 * contract's rejected form. The cause of an `error` (ours) is for staff; students are told it is
 * not their fault.
 */
import type { GradeReport } from '../grading/grade.types.js';
import { withExerciseIds } from '../grading/stored-report.js';
import type { SubmissionView } from './submission.repository.js';

export const ERROR_MESSAGE_FOR_STUDENTS =
  'The grader failed on its side (not a problem with your file). Staff can see it and will have it graded again; nothing is charged to you.';

const STATUS_MESSAGES = {
  received: 'Received; waiting to be graded.',
  graded: 'Graded (pending review by the instructor).',
  rejected: 'This file could not be graded; see the reason, fix it and submit again.',
  error: ERROR_MESSAGE_FOR_STUDENTS,
} as const;

export interface SubmissionResponse {
  submissionId: string;
  status: keyof typeof STATUS_MESSAGES;
  message: string;
  assignment: string;
  filename: string;
  kind: 'ipynb' | 'pdf';
  sizeBytes: number;
  sha256: string;
  receivedAt: string;
  submittedBy: string | null;
  statusUrl: string;
  /** graded: the GradeReport; rejected: { file, kind, status: 'rejected', error }; otherwise null. */
  result: unknown;
  /** Staff only: why our infrastructure failed (status `error`). */
  errorReason?: string | null;
}

export interface SubmissionSummary {
  submissionId: string;
  status: SubmissionResponse['status'];
  assignment: string;
  filename: string;
  receivedAt: string;
  score: number | null;
  maxScore: number | null;
  flags: string[];
  statusUrl: string;
}

export const statusPath = (id: string): string => `/api/submissions/${id}`;

export function toSubmissionResponse(view: SubmissionView, options: { baseUrl: string; staff: boolean }): SubmissionResponse {
  const grade = view.grades[0];
  let result: unknown = null;
  // A grade stored before exercise ids gets them (id = the number), as the contract now promises.
  if (view.status === 'graded' && grade) result = isReport(grade.report) ? withExerciseIds(grade.report) : grade.report;
  if (view.status === 'rejected') result = { file: view.filename, kind: view.kind, status: 'rejected', error: view.rejectReason };
  const response: SubmissionResponse = {
    submissionId: view.id,
    status: view.status,
    message: STATUS_MESSAGES[view.status],
    assignment: view.assignment.specId,
    filename: view.filename,
    kind: view.kind,
    sizeBytes: view.sizeBytes,
    sha256: view.sha256,
    receivedAt: view.receivedAt.toISOString(),
    submittedBy: view.verifiedEmail ?? view.person?.email ?? null,
    statusUrl: `${options.baseUrl}${statusPath(view.id)}`,
    result,
  };
  if (options.staff) response.errorReason = view.errorReason;
  return response;
}

export function toSubmissionSummary(view: SubmissionView, baseUrl: string): SubmissionSummary {
  const grade = view.status === 'graded' ? view.grades[0] : undefined;
  const flags = Array.isArray(grade?.flags) ? (grade.flags as { name?: unknown }[]).map((flag) => String(flag.name)) : [];
  return {
    submissionId: view.id,
    status: view.status,
    assignment: view.assignment.specId,
    filename: view.filename,
    receivedAt: view.receivedAt.toISOString(),
    score: grade?.score ?? null,
    maxScore: grade?.maxScore ?? null,
    flags,
    statusUrl: `${baseUrl}${statusPath(view.id)}`,
  };
}

function isReport(value: unknown): value is GradeReport {
  const report = value as Partial<GradeReport> | null;
  return typeof report === 'object' && report !== null && Array.isArray(report.exercises) && Array.isArray(report.flags);
}
