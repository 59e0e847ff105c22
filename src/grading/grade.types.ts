/**
 * The grade as the CLI prints it (`grade --json`) and as it is stored.
 * This is the stable contract documented in ARCHITECTURE.md and the README: add fields, never rename.
 */

export type CheckStatus = 'pass' | 'fail' | 'skip' | 'error';
export type ExerciseStatus = 'pass' | 'partial' | 'fail' | 'missing' | 'error';

/** Fixed flag names (ARCHITECTURE.md). New ones may be added; none renamed. */
export const FLAG_NAMES = [
  'gmail_missing',
  'gmail_mismatch',
  'cpu_runtime',
  'seed_is_42',
  'wrong_resolution',
  'exercise_missing',
  'error_output',
  'parity_failed',
  'outputs_inconsistent',
  'not_reproduced',
  'code_truncated',
  /** The Google-verified uploader is not on the course roster (graded all the same). */
  'not_on_roster',
] as const;
export type FlagName = (typeof FLAG_NAMES)[number];

export interface Flag {
  name: FlagName;
  /** Exercise number the flag refers to, when it is about one exercise. */
  exercise: number | null;
  detail: string;
}

export interface CheckResult {
  id: string;
  description: string;
  status: CheckStatus;
  points: number;
  maxPoints: number;
  /** What the grader saw, in words an instructor can verify against the hand-in. */
  evidence: string;
  /** What to do about it, for the student (failed checks only). */
  hint?: string;
}

export interface ExerciseResult {
  number: number;
  title: string;
  score: number;
  maxScore: number;
  status: ExerciseStatus;
  /** Indexes of the cells attributed to this exercise. */
  cells: number[];
  /** How the exercise was handed in: cells never run, out of order, split over several cells. */
  notes: string[];
  checks: CheckResult[];
}

export interface GradeProvenance {
  specId: string;
  specVersion: string;
  /** sha256 of the spec file's bytes. */
  specHash: string;
  graderVersion: string;
}

export interface GradeReport {
  file: string;
  kind: 'ipynb' | 'pdf';
  status: 'graded';
  sha256: string;
  /**
   * email: the Gmail the notebook prints. verified: null when no Google identity came with the file
   * (CLI); else whether the printed Gmail is the Google-verified uploader's (gmail_mismatch when not).
   * submittedBy / onRoster: the verified uploader and whether the roster knows them (API uploads only).
   */
  student: { email: string | null; verified: boolean | null; submittedBy?: string; onRoster?: boolean };
  spec: { id: string; version: string; hash: string };
  graderVersion: string;
  score: number;
  maxScore: number;
  /** Identity and runtime checks (not part of any exercise). */
  preliminaries: CheckResult[];
  exercises: ExerciseResult[];
  flags: Flag[];
}

export interface RejectedReport {
  file: string;
  kind: 'ipynb' | 'pdf' | null;
  status: 'rejected';
  error: string;
}

export type FileReport = GradeReport | RejectedReport;
