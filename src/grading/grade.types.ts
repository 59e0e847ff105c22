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
  /** A PDF hand-in read with low confidence (reading.confidence < reading.threshold): staff check it. */
  'read_uncertain',
  /** The hand-in loads or recreates another model than the lesson's (e.g. the example's ResNet50). */
  'wrong_model',
] as const;
export type FlagName = (typeof FLAG_NAMES)[number];

export interface Flag {
  name: FlagName;
  /** The leading integer of the exercise's id (2 for "2A"), when the flag is about one exercise. */
  exercise: number | null;
  /**
   * The exercise's id ("2A"), when the flag is about one exercise. Absent in grades stored before ids
   * existed: there it is String(exercise).
   */
  exerciseId: string | null;
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
  /**
   * Set when the hand-in was read with low confidence (flag read_uncertain): `hint` then says the PDF
   * was hard to read and staff will look, and the check's own hint (if any) is kept here for staff.
   */
  hintIfReadCorrectly?: string;
  /**
   * Points the check earned that are withheld until staff review the hand-in (a hold, below): `points`
   * is what it pays meanwhile. `status` and `evidence`: the check's own, when the hold changed them.
   */
  withheld?: { points: number; flag: FlagName; reason: string; status?: CheckStatus; evidence?: string };
}

/**
 * A grade held for staff review: a flag that, by the spec's `holds` rules (or by identity:
 * gmail_mismatch), withholds points until a person looks. An instructor releases them with overrides.
 */
export interface Hold {
  flag: FlagName;
  /** The leading integer of the id of the exercise that raised the flag; null for the hand-in as a whole (identity). */
  exercise: number | null;
  /** The id of the exercise that raised the flag ("2A"); null for the hand-in as a whole. */
  exerciseId: string | null;
  /** Leading integers of `exerciseIds` (kept for consumers that predate ids; may repeat: 2A and 2B are both 2). */
  exercises: number[];
  /** Exercises whose points it withholds or caps (the exercise itself and those depending on it), by id, in spec order. */
  exerciseIds: string[];
  /** Points withheld by this hold (a check held by several holds counts for the first). */
  points: number;
  detail: string;
}

export interface ExerciseResult {
  /** The exercise's id as the course numbers it ("1", "2A", "10"): the key, and what people read. */
  id: string;
  /** The id's leading integer (2 for "2A"), kept for consumers that predate ids. */
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
  /** The rubric that produced the grade; `title` and `revision` (the lesson revision) are for people. */
  spec: { id: string; version: string; hash: string; title?: string; revision?: string };
  graderVersion: string;
  score: number;
  maxScore: number;
  /** Identity and runtime checks (not part of any exercise). */
  preliminaries: CheckResult[];
  exercises: ExerciseResult[];
  flags: Flag[];
  /** How sure the grader is that it read the hand-in right (absent in grades made before it existed). */
  reading?: ReadingAssessment;
  /** Holds for staff review (empty: none; absent in grades made before holds existed). */
  holds?: Hold[];
}

/** One thing the lesson lets the grader look for in a hand-in, and how much of it was found. */
export interface ReadingPart {
  found: number;
  expected: number;
  /** found / expected, rounded to 3 decimals. */
  share: number;
}

/**
 * Lesson-aware reading confidence (src/grading/reading-confidence.ts). For a PDF: the lowest of the
 * reader's own confidence and the shares of what the lesson says must be there (its example code,
 * every exercise heading, an output under every exercise cell that prints). For a notebook: the
 * reader's confidence (1); nothing else is measured.
 */
export interface ReadingAssessment {
  /** The layout the reader recognised (ReadingLayout in src/ingest/document.ts). */
  layout: string;
  /** In [0, 1], rounded to 3 decimals. */
  confidence: number;
  /** Below this (PDFs only), the grade carries read_uncertain. */
  threshold: number;
  uncertain: boolean;
  /** The reader's own confidence (document.reading.confidence). */
  readerConfidence: number;
  /**
   * Lines of the lesson's example code found in the code read: from the blank lesson notebook when
   * the spec names one (`source: 'lesson'`), else the code patterns the spec expects (`'spec'`).
   * Null for notebooks.
   */
  exampleCode: (ReadingPart & { source: 'lesson' | 'spec' }) | null;
  /** Exercise headings found as markdown. Null for notebooks. */
  headings: ReadingPart | null;
  /** Cells with code under checks that read output, which have output. Null for notebooks or when none. */
  outputs: ReadingPart | null;
  /**
   * Lines that failed output checks look for, which the code visibly prints (e.g. "Max difference:"),
   * found in the output read. Null for notebooks or when no such check failed.
   */
  printedLines: ReadingPart | null;
  /** Each measure below the threshold, in words (empty when confident). */
  reasons: string[];
  /** The reader's warnings (non-fatal oddities found while reading). */
  warnings: string[];
}

export interface RejectedReport {
  file: string;
  kind: 'ipynb' | 'pdf' | null;
  status: 'rejected';
  error: string;
}

export type FileReport = GradeReport | RejectedReport;
