import { escapeRegex } from '../../grading/exercise-id.js';
import { HEADING_LINE_START } from '../../grading/patterns.js';
import type { LessonOutline, OutlineExercise } from './lesson-outline.js';

/**
 * A first spec for a lesson, from its outline: one section per exercise, checks from what the lesson
 * itself says. Every exercise is worth 10 points: the cell ran without a traceback, printed what the
 * lesson shows (split over its output blocks) and drew a figure where the paired Example draws one.
 * An instructor reads it and corrects it; `calibrate` (calibrate.ts) corrects it against the
 * instructor's own executed runs first.
 */
export interface DraftSpec {
  id: string;
  version: string;
  title: string;
  revision?: string;
  recognise: { headings: string[]; minShare: number; prefer: string[] };
  locate: { heading: string; marker: string; comment: string; regionEnd: string };
  sections: DraftSection[];
  exercises: DraftExercise[];
}

export interface DraftSection {
  id: string;
  title: string;
  locate: { code?: string; output?: string };
  missingFlag?: 'gmail_missing';
  checks: DraftCheck[];
}

export interface DraftExercise {
  id: string;
  title: string;
  checks: DraftCheck[];
  /** Said in the YAML above the exercise: where its checks came from, what calibration changed. */
  notes: string[];
}

export type DraftCheck =
  | { id: string; kind: 'no_error'; description: string; points: number; hint?: string }
  | { id: string; kind: 'figure'; description: string; points: number; minImages: number; hint?: string }
  | { id: string; kind: 'expected_output'; description: string; points: number; match: 'exact' | 'similar'; lines: string[]; minShare: number; hint?: string }
  | { id: string; kind: 'email'; description: string; points: number; hint?: string; flag?: { name: string } }
  | { id: string; kind: 'output_absent'; description: string; points: number; pattern: string; flag?: { name: string; when?: string } };

export const EXERCISE_POINTS = 10;
const FIGURE_POINTS = 3;
const RAN_POINTS = 4;
/**
 * Share of an `exact` block of four lines or more that must be found: a last digit of a probability
 * moves between GPUs (25.45% / 25.46%); one such line must not cost the exercise.
 */
export const EXACT_LONG_SHARE = 0.8;
/** Share of a `similar` block's lines that must be found: outputs vary, the shape should not. */
export const SIMILAR_SHARE = 0.6;

/**
 * Heading styles, as patterns where `{n}` is the exercise id (PDF prints drop # and **), ignoring case
 * (`(?i)`): one lesson heads its steps `STEP 4`, its template comments `# Step 4`.
 */
const HEAD = String.raw`^[ \t]*(?:#{1,6}[ \t]*)?(?:\*\*|__)?[ \t]*`;
const AFTER_ID = String.raw`(?![0-9A-Za-z])`;
export const LOCATE_BY_STYLE = {
  exercise: {
    heading: `(?i)${HEAD}Exercise[ \\t]*(?:-?[ \\t]*Step[ \\t]*-?[ \\t]*)?{n}${AFTER_ID}`,
    // `# @title Exercise 7A: …` (Colab's form title) or the template's `# Insert your code for Exercise 3 - Step 1 here`.
    marker: String.raw`(?i)^[ \t]*#[ \t]*(?:@title[ \t]+\**[ \t]*|Insert your code for[ \t]+)Exercise[ \t]*(?:-?[ \t]*Step[ \t]*-?[ \t]*)?{n}` + AFTER_ID,
    comment: String.raw`(?i)^[ \t]*#[ \t]*Exercise[ \t]+{n}` + AFTER_ID,
    // Any other heading ends the exercise (a video, a note, the next topic): its code cells are not the exercise's.
    regionEnd: `(?i)${HEAD}(?:Exercise|Example)\\b|^[ \\t]*#{1,6}[ \\t]+\\S`,
  },
  step: {
    heading: `(?i)${HEAD}Step[ \\t]+{n}${AFTER_ID}`,
    marker: String.raw`(?i)^[ \t]*#[ \t]*(?:@title[ \t]+\**[ \t]*|Insert your code for[ \t]+)Step[ \t]+{n}` + AFTER_ID,
    comment: String.raw`(?i)^[ \t]*#[ \t]*Step[ \t]+{n}` + AFTER_ID,
    regionEnd: `(?i)${HEAD}(?:Step|Example)\\b|^[ \\t]*#{1,6}[ \\t]+\\S`,
  },
} as const;

/** A lesson file's stem as a spec id: `BIO1173_Class_01_2` → `bio1173_class_01_2`. */
export function specIdFor(stem: string): string {
  return stem.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

export function draftSpec(outline: LessonOutline, options: { id: string; revision?: string }): DraftSpec {
  const sections: DraftSection[] = [];
  if (outline.identityCell) {
    sections.push({
      id: 'identity',
      title: 'Identity: Gmail address printed by the first cell',
      locate: { code: literal(outline.identityCell), output: 'Note: Using Google CoLab|GMAIL address' },
      missingFlag: 'gmail_missing',
      checks: [{
        id: 'identity.gmail',
        kind: 'email',
        description: "The first cell printed the student's Gmail address",
        points: 5,
        hint: 'Run the first cell in Colab: it mounts your Drive and prints your Gmail address.',
        flag: { name: 'gmail_missing' },
      }],
    });
  }
  if (outline.gpuCell) {
    const cpu = String.raw`GPU available: False|No GPU found|HAVEN'T SELECTED A GPU|No compatible device|not using a GPU|Running on CPU`;
    sections.push({
      id: 'runtime',
      title: 'Runtime: a GPU was attached',
      locate: { code: literal(outline.gpuCell), output: 'Colab GPU Check|Running on (?:a )?GPU|GPU detected|No GPU found' },
      checks: [{
        id: 'runtime.gpu',
        kind: 'output_absent',
        description: 'The run-time check found a GPU (recorded for staff)',
        points: 0,
        pattern: cpu,
        flag: { name: 'cpu_runtime', when: cpu },
      }],
    });
  }
  // Tie-breakers between lessons whose exercises read the same (a lesson copied under a new name, the
  // binary and multiclass assignments): the file the Colab badge opens, the marker, the lesson's
  // topic and its Examples' headings.
  const prefer = [
    ...(outline.badgeFile ? [`/${escapeRegex(outline.badgeFile)}`] : []),
    ...(outline.marker ? [escapeRegex(outline.marker)] : []),
    ...[outline.topic, ...outline.examples].flatMap((text) => headingLinePattern(text ?? '') ?? []),
  ];
  return {
    id: options.id,
    version: '1.0.0',
    title: outline.title,
    ...(options.revision ? { revision: options.revision } : {}),
    recognise: { headings: outline.exercises.map(headingPattern), minShare: 0.5, prefer },
    locate: { ...LOCATE_BY_STYLE[outline.style] },
    sections,
    exercises: outline.exercises.map((e) => draftExercise(e)),
  };
}

function draftExercise(exercise: OutlineExercise): DraftExercise {
  const key = `ex${exercise.id.toLowerCase()}`;
  const notes = [
    exercise.foundBy === 'code-title'
      ? `found by its code cell's title only (the lesson has no "Exercise ${exercise.id}" heading)`
      : `heading: "${exercise.heading}"`,
  ];
  const checks: DraftCheck[] = [{
    id: `${key}.ran`,
    kind: 'no_error',
    description: `Exercise ${exercise.id} ran without an error`,
    points: RAN_POINTS,
    hint: `Run the cell of Exercise ${exercise.id} and fix the error it prints before handing in.`,
  }];
  if (exercise.figure) {
    checks.push({
      id: `${key}.figure`,
      kind: 'figure',
      description: `Exercise ${exercise.id} drew its figure`,
      points: FIGURE_POINTS,
      minImages: 1,
      hint: `Exercise ${exercise.id} should draw a figure, as its Example does: run the cell so the figure shows.`,
    });
  }
  const blocks = exercise.expected;
  const left = EXERCISE_POINTS - RAN_POINTS - (exercise.figure ? FIGURE_POINTS : 0);
  blocks.forEach((block, index) => {
    // Whole points when they divide evenly; else hundredths (an exercise of ten steps still pays each).
    const each = Math.floor((left * 100) / blocks.length) / 100;
    const share = index === 0 ? Math.round((left - each * (blocks.length - 1)) * 100) / 100 : each;
    if (block.demoted) notes.push(`output block ${index + 1}: the lesson says "the following output", drafted as similar (timings, dates or a long listing)`);
    checks.push({
      id: blocks.length === 1 ? `${key}.output` : `${key}.output${index + 1}`,
      kind: 'expected_output',
      description: `Exercise ${exercise.id} printed ${block.match === 'exact' ? 'the output the lesson shows' : 'output similar to the lesson\'s'}`,
      points: share,
      match: block.match,
      lines: block.lines,
      minShare: block.match === 'similar' ? SIMILAR_SHARE : block.lines.length >= 4 ? EXACT_LONG_SHARE : 1,
      hint: `Compare what Exercise ${exercise.id} printed with the output the lesson shows below it.`,
    });
  });
  if (blocks.length === 0) {
    // Nothing to compare: the exercise's points go to running cleanly (and drawing, where it draws).
    checks[0].points = EXERCISE_POINTS - (exercise.figure ? FIGURE_POINTS : 0);
    notes.push('the lesson shows no output for it');
  }
  return { id: exercise.id, title: exercise.title, checks, notes };
}

/**
 * A heading's start: markdown's # and **, or a code cell's `# @title` (exercises headed only there).
 * Recognition knows this start (SearchableText, patterns.ts, tests the rest of the pattern first).
 */
const LINE_START = HEADING_LINE_START;

/** Between two words of a heading: anything but letters and digits (markdown's `_emphasis_` too). */
const WORD_GAP = String.raw`[\W_]+`;

/** A heading line (Example, topic) as a tie-breaking pattern: its words at a line's start. */
export function headingLinePattern(text: string): string | null {
  const words = (text.match(/[A-Za-z0-9]+/g) ?? []).slice(0, 16);
  return words.length < 2 ? null : `${LINE_START}${words.map(escapeRegex).join(WORD_GAP)}`;
}

/** Recognition pattern for one exercise: its label and the first words of its heading. */
export function headingPattern(exercise: OutlineExercise): string {
  // At a line's start (a heading, not a sentence quoting it), every word of the title: neighbouring
  // revisions often differ in one late word ("Construct and Compile [Classification] Neural Network").
  const words = (exercise.heading.match(/[A-Za-z0-9]+/g) ?? []).slice(0, 16);
  return `${LINE_START}${words.map(escapeRegex).join(WORD_GAP)}`;
}


/** A code line as a pattern, spaces loose (students and Colab re-indent). */
function literal(line: string): string {
  return escapeRegex(line.trim()).replace(/\s+/g, String.raw`[ \t]*`);
}
