/**
 * Lesson-aware reading confidence: how sure the grader is that it read a PDF hand-in right, from
 * what the lesson lets it check, combined with the reader's own confidence. Pure, no I/O.
 *
 * A PDF reader only knows the page; the lesson knows what must be on it. For a PDF, four measures,
 * each a share in [0, 1]:
 *   - reader:      the reader's own confidence (document.reading.confidence);
 *   - exampleCode: the lesson's example code found among the code cells read. From the blank lesson
 *                  notebook when the spec names one (its non-template code cells, line by line),
 *                  else the code the spec expects (sections' `locate.code`, the patterns of
 *                  `code_regex` checks of exercises that were handed in);
 *   - headings:    the spec's exercise headings found as markdown;
 *   - outputs:     exercise (and identity/runtime) cells with code under checks that read printed
 *                  output, which have output;
 *   - printedLines: for the output checks that failed, the line their pattern looks for, where the
 *                  reading can be judged (the code visibly prints its literal start, e.g.
 *                  "Max difference:", or the whole line turns up beside the exercise in a cell it
 *                  does not own): found in the exercise's output. A print the code makes but the
 *                  output lacks, or an output read as markdown, is the mark of an output lost in
 *                  reading (a page break, a box misread), and exactly what would cost points silently.
 * The confidence is the lowest of them (the grader is as sure as its weakest evidence). Below
 * READ_UNCERTAIN_THRESHOLD the grade carries `read_uncertain`; a low confidence never lowers a
 * score by itself, it sends the hand-in to staff and softens the feedback of failed checks.
 * Notebooks are read exactly: their confidence is the reader's (1) and nothing else is measured.
 */
import { type Cell, cellOutputText, type SubmissionDocument } from '../ingest/document.js';
import type { LoadedSpec } from '../specs/spec.loader.js';
import type { CheckSpec } from '../specs/spec.schema.js';
import { isBlankCode, locateSection } from './evidence.js';
import type { ReadingAssessment, ReadingPart } from './grade.types.js';
import { literalStart, regex } from './patterns.js';

/** Below this confidence a PDF hand-in is flagged `read_uncertain`. */
export const READ_UNCERTAIN_THRESHOLD = 0.8;

/**
 * Lesson code lines longer than this may be cut off by a print (the reader drops cut lines, see
 * SubmissionDocument.source): when the document says code may be truncated, such a line counts when
 * it is found and is not missed when it is not.
 */
export const PRINTABLE_LINE_LENGTH = 72;

/** Lines shorter than this (`)`, `else:`, `try:`) say nothing about where they were read. */
const MIN_LINE_LENGTH = 6;

/** Check kinds that read a cell's printed output: a cell under them that printed nothing is suspicious in a PDF. */
const OUTPUT_KINDS = new Set<CheckSpec['kind']>(['output_regex', 'output_number', 'numbers_agree', 'figure', 'email', 'seed_reproduction', 'allclose']);

/** How many examples a reason quotes. */
const EXAMPLES = 3;

/**
 * `failed`: ids of the checks that failed (the rubric engine's results), for the printedLines measure.
 */
export function assessReading(
  document: SubmissionDocument,
  loaded: LoadedSpec,
  located: Map<string, Cell[]>,
  failed: ReadonlySet<string> = new Set(),
): ReadingAssessment {
  const readerConfidence = clamp(document.reading.confidence);
  const base = {
    layout: document.reading.layout,
    threshold: READ_UNCERTAIN_THRESHOLD,
    readerConfidence: round(readerConfidence),
    warnings: [...document.warnings],
  };
  if (document.kind !== 'pdf') {
    return {
      ...base, confidence: round(readerConfidence), uncertain: false, exampleCode: null, headings: null, outputs: null, printedLines: null, reasons: [],
    };
  }

  const reasons: string[] = [];
  if (readerConfidence < READ_UNCERTAIN_THRESHOLD) {
    reasons.push(
      `the reader's own confidence is ${format(readerConfidence)} (layout ${document.reading.layout}` +
        `${document.warnings.length ? `, ${document.warnings.length} warning${document.warnings.length === 1 ? '' : 's'}` : ''})`,
    );
  }
  const code = loaded.lesson ? lessonCode(document, loaded.lesson.codeCells) : expectedCode(document, loaded, located);
  const headings = exerciseHeadings(document, loaded);
  const outputs = printedOutputs(document, loaded, located);
  const lines = failedCheckLines(document, loaded, located, failed);
  const measures = [code, headings, outputs, lines];
  for (const m of measures) {
    if (m && m.share < READ_UNCERTAIN_THRESHOLD) reasons.push(m.reason);
  }

  const confidence = Math.min(readerConfidence, ...measures.filter((p) => p !== null).map((p) => p.share));
  return {
    ...base,
    confidence: round(confidence),
    uncertain: confidence < READ_UNCERTAIN_THRESHOLD,
    exampleCode: code ? { ...part(code), source: loaded.lesson ? 'lesson' : 'spec' } : null,
    headings: headings ? part(headings) : null,
    outputs: outputs ? part(outputs) : null,
    printedLines: lines ? part(lines) : null,
    reasons,
  };
}

/** The flag's detail: the confidence and every reason, one line. */
export function readUncertainDetail(assessment: ReadingAssessment): string {
  const why = assessment.reasons.length ? assessment.reasons.join('; ') : 'no single measure explains it';
  return `reading confidence ${format(assessment.confidence)} < ${format(assessment.threshold)}: ${why}`.slice(0, 1000);
}

interface Measure extends ReadingPart {
  reason: string;
}

const part = (m: Measure): ReadingPart => ({ found: m.found, expected: m.expected, share: m.share });

function measure(found: number, expected: number, reason: (missing: number) => string): Measure | null {
  if (expected === 0) return null;
  const share = round(found / expected);
  return { found, expected, share, reason: reason(expected - found) };
}

/** Code as compared: NFKC (a PDF's ligatures and no-break spaces), whitespace collapsed, trimmed. */
export function normalizeCodeLine(line: string): string {
  return line.normalize('NFKC').replace(/\s+/g, ' ').trim();
}

/** The lesson's example code, line by line, among the document's code lines. */
function lessonCode(document: SubmissionDocument, lessonCells: string[]): Measure | null {
  const read = new Set(codeCells(document).flatMap((c) => c.source.split('\n').map(normalizeCodeLine)));
  const lines = new Set<string>();
  const cellsMissing: { firstLine: string; missing: number; total: number }[] = [];
  for (const source of lessonCells) {
    if (isBlankCode(source)) continue; // an exercise template: the student's code replaces it
    const cellLines = [...new Set(source.split('\n').map(normalizeCodeLine))].filter((l) => l.length >= MIN_LINE_LENGTH && !lines.has(l));
    cellLines.forEach((l) => lines.add(l));
    const counted = cellLines.filter((l) => read.has(l) || !mayBeCut(document, l));
    const missing = counted.filter((l) => !read.has(l)).length;
    if (counted.length > 0 && missing / counted.length > 1 - READ_UNCERTAIN_THRESHOLD) {
      cellsMissing.push({ firstLine: cellLines.find((l) => !l.startsWith('#')) ?? cellLines[0], missing, total: counted.length });
    }
  }
  const counted = [...lines].filter((l) => read.has(l) || !mayBeCut(document, l));
  const found = counted.filter((l) => read.has(l)).length;
  return measure(found, counted.length, (missing) => {
    const cells = cellsMissing
      .slice(0, EXAMPLES)
      .map((c) => `“${clip(c.firstLine)}” (${c.missing} of ${c.total} lines)`)
      .join(', ');
    return (
      `${missing} of ${counted.length} lines of the lesson's example code were not found in the code read` +
      (cells ? `; most missing in the example cells starting ${cells}${cellsMissing.length > EXAMPLES ? ` and ${cellsMissing.length - EXAMPLES} more` : ''}` : '')
    );
  });
}

const mayBeCut = (document: SubmissionDocument, line: string) => document.codeMayBeTruncated && line.length > PRINTABLE_LINE_LENGTH;

/** Without the lesson: the code the spec itself expects to see. */
function expectedCode(document: SubmissionDocument, loaded: LoadedSpec, located: Map<string, Cell[]>): Measure | null {
  const code = codeCells(document).map((c) => c.source).join('\n');
  const expected: { pattern: string; what: string }[] = [];
  for (const section of loaded.spec.sections) {
    if (section.locate.code) expected.push({ pattern: section.locate.code, what: `${section.title} (/${section.locate.code}/)` });
  }
  for (const exercise of loaded.spec.exercises) {
    const cells = located.get(exercise.id) ?? [];
    // An exercise not handed in says nothing about the reading (exercise_missing covers it).
    if (cells.every((c) => isBlankCode(c.source) && c.outputs.length === 0)) continue;
    for (const check of exercise.checks) {
      if (check.kind === 'code_regex') expected.push({ pattern: check.pattern, what: `Exercise ${exercise.id}: ${check.description}` });
    }
  }
  const missing = expected.filter((e) => !regex(e.pattern).test(code));
  return measure(expected.length - missing.length, expected.length, (count) =>
    `${count} of ${expected.length} pieces of code the spec expects were not found in the code read: ${missing
      .slice(0, EXAMPLES)
      .map((m) => m.what)
      .join('; ')}${missing.length > EXAMPLES ? ` and ${missing.length - EXAMPLES} more` : ''}`,
  );
}

/** Every exercise heading of the spec, as markdown; one read as code or output is named as such. */
function exerciseHeadings(document: SubmissionDocument, loaded: LoadedSpec): Measure | null {
  const { spec } = loaded;
  const missing: string[] = [];
  let found = 0;
  for (const exercise of spec.exercises) {
    const heading = regex(spec.locate.heading, exercise.id);
    if (document.cells.some((c) => c.kind === 'markdown' && heading.test(c.source))) {
      found += 1;
      continue;
    }
    // Its text elsewhere: a heading read as code or output (or a student's `# Exercise N` comment).
    const elsewhere = document.cells.find((c) => c.kind !== 'markdown' && (heading.test(c.source) || heading.test(cellOutputText(c))));
    missing.push(
      elsewhere
        ? `Exercise ${exercise.id} (its heading's text is in cell ${elsewhere.index}'s ${heading.test(elsewhere.source) ? elsewhere.kind : 'output'}, no markdown cell)`
        : `Exercise ${exercise.id}`,
    );
  }
  return measure(found, spec.exercises.length, (count) => `${count} of ${spec.exercises.length} exercise headings were not found: ${missing.join(', ')}`);
}

/**
 * Cells whose checks read printed output, handed in (code that is not the template) and run, that
 * show output. "Run" is known only where the layout prints prompts (nbconvert's `In [n]:`): there a
 * cell without a count was never run and its silence is the student's; elsewhere (Colab's layouts)
 * every such cell is expected to have printed.
 */
function printedOutputs(document: SubmissionDocument, loaded: LoadedSpec, located: Map<string, Cell[]>): Measure | null {
  const promptsShown = document.reading.layout === 'nbconvert';
  const expected: { what: string; cells: Cell[] }[] = [];
  const consider = (what: string, checks: CheckSpec[], cells: Cell[]) => {
    if (!checks.some((c) => OUTPUT_KINDS.has(c.kind))) return;
    const written = cells.filter((c) => c.kind === 'code' && !isBlankCode(c.source));
    const run = promptsShown ? written.filter((c) => c.executionCount !== null || c.outputs.length > 0) : written;
    if (run.length > 0) expected.push({ what, cells: run });
  };
  for (const section of loaded.spec.sections) consider(section.title.split(':')[0], section.checks, locateSection(document, section));
  for (const exercise of loaded.spec.exercises) consider(`Exercise ${exercise.id}`, exercise.checks, located.get(exercise.id) ?? []);
  const silent = expected.filter((e) => e.cells.every((c) => c.outputs.length === 0));
  return measure(expected.length - silent.length, expected.length, (count) =>
    `${count} of ${expected.length} cells that should print have no output read: ${silent
      .map((s) => `${s.what} (cell ${s.cells.map((c) => c.index).join(', ')})`)
      .join(', ')}`,
  );
}

/**
 * The lines failed output checks look for, where the reading can be judged: the code visibly prints
 * the line's literal start (e.g. "Max difference:"), or the whole line turns up next to the exercise
 * in a cell the exercise does not own (an output read as markdown, or as another cell's output).
 * A line is found when the exercise's own output has it (its value may be what is wrong) or shows
 * what the check's `near` pattern recognises (another branch of the code printed). Cells that stopped
 * with an error (or print a traceback), cells never run (where prompts show it) and checks worth no
 * points are left out: their missing lines are the student's, or cost nothing.
 */
function failedCheckLines(
  document: SubmissionDocument,
  loaded: LoadedSpec,
  located: Map<string, Cell[]>,
  failed: ReadonlySet<string>,
): Measure | null {
  const promptsShown = document.reading.layout === 'nbconvert';
  const regionEnd = regex(loaded.spec.locate.regionEnd);
  const expected: { what: string; label: string; lost: string | null }[] = [];
  const consider = (where: string, checks: CheckSpec[], cells: Cell[]) => {
    const run = cells.filter((c) => c.kind === 'code' && (!promptsShown || c.executionCount !== null || c.outputs.length > 0));
    const output = run.map(cellOutputText).join('');
    if (run.length === 0 || run.some((c) => c.outputs.some((o) => o.type === 'error')) || TRACEBACK.test(output)) return;
    const code = run.map((c) => c.source).join('\n');
    const around = neighbours(document, cells, regionEnd);
    for (const check of checks) {
      // A check worth nothing costs nothing (and informational lines are often printed conditionally).
      if (!failed.has(check.id) || check.points === 0) continue;
      const near = 'near' in check && check.near ? regex(check.near) : null;
      for (const pattern of linePatterns(check)) {
        const line = regex(pattern);
        const label = literalStart(pattern);
        const printed = label.length >= MIN_LABEL_LENGTH && code.includes(label);
        const elsewhere = around.find((c) => line.test(c.source) || line.test(cellOutputText(c)));
        if (!printed && !elsewhere) continue;
        const inOutput = (printed && output.includes(label)) || line.test(output) || (near?.test(output) ?? false);
        const lost = inOutput
          ? null
          : elsewhere
            ? `read in cell ${elsewhere.index}'s ${line.test(elsewhere.source) ? elsewhere.kind : 'output'}`
            : 'printed by the code, not in its output';
        expected.push({ what: `${where}, ${check.id}`, label: label || pattern, lost });
      }
    }
  };
  for (const section of loaded.spec.sections) consider(section.title.split(':')[0], section.checks, locateSection(document, section));
  for (const exercise of loaded.spec.exercises) consider(`Exercise ${exercise.id}`, exercise.checks, located.get(exercise.id) ?? []);
  const lost = expected.filter((e) => e.lost !== null);
  return measure(expected.length - lost.length, expected.length, (count) =>
    `${count} of ${expected.length} lines that failed checks look for were not read in the exercise's output: ${lost
      .slice(0, EXAMPLES)
      .map((l) => `“${clip(l.label)}” (${l.what}: ${l.lost})`)
      .join(', ')}${lost.length > EXAMPLES ? ` and ${lost.length - EXAMPLES} more` : ''}`,
  );
}

/** A traceback printed as text (a PDF shows no output types): the cell stopped there. */
const TRACEBACK = /Traceback \(most recent call last\)/;

/** How far past an exercise's last cell its stray output is looked for. */
const NEIGHBOURS = 4;

/**
 * Cells around an exercise it does not own, where a misread output of it can land: between its cells,
 * and up to NEIGHBOURS cells after them, stopping at the next section heading.
 */
function neighbours(document: SubmissionDocument, cells: Cell[], regionEnd: RegExp): Cell[] {
  if (cells.length === 0) return [];
  const owned = new Set(cells.map((c) => c.index));
  const first = document.cells.findIndex((c) => owned.has(c.index));
  let last = -1;
  document.cells.forEach((c, i) => {
    if (owned.has(c.index)) last = i;
  });
  const found: Cell[] = [];
  for (let i = first; i < document.cells.length && i <= last + NEIGHBOURS; i++) {
    const cell = document.cells[i];
    // A heading opens its cell: a later line starting with '#' is a code hint inside the text.
    if (i > last && cell.kind === 'markdown' && regionEnd.test(cell.source.trimStart().split('\n')[0])) break;
    if (!owned.has(cell.index)) found.push(cell);
  }
  return found;
}

/** A label shorter than this ("Loss:") could be printed anywhere: not evidence of a lost line. */
const MIN_LABEL_LENGTH = 8;

/** The patterns of a check that look for a printed line. */
function linePatterns(check: CheckSpec): string[] {
  switch (check.kind) {
    case 'output_regex':
    case 'output_number':
    case 'allclose':
      return [check.pattern];
    case 'numbers_agree':
      return Object.values(check.values);
    case 'seed_reproduction':
      return [check.shapePattern, check.valuesPattern, check.labelsPattern];
    default:
      return [];
  }
}

const codeCells = (document: SubmissionDocument) => document.cells.filter((c) => c.kind === 'code');
const clamp = (value: number) => (Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0);
const round = (value: number) => Math.round(value * 1000) / 1000;
const format = (value: number) => value.toFixed(2);
const clip = (line: string) => (line.length > 50 ? `${line.slice(0, 49)}…` : line);
