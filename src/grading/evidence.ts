import { type Cell, type CellOutput, cellOutputText, type SubmissionDocument } from '../ingest/document.js';
import type { GradingSpec, SectionSpec } from '../specs/spec.schema.js';
import { regex } from './patterns.js';

/** What one exercise (or preliminary section) handed in: its cells and everything they printed. */
export interface SectionEvidence {
  cells: Cell[];
  /** Code of the cells, joined. */
  code: string;
  /** Everything the cells printed (stdout, stderr, results, tracebacks), in order. */
  output: string;
  imageCount: number;
  errors: CellOutput[];
  /** Some cell of the section has outputs or an execution count. */
  executed: boolean;
  /** No code beyond comments and blank lines (the untouched template cell). */
  empty: boolean;
  /** Code may be incomplete (PDF print): code checks must fall back to outputs. */
  codeMayBeHidden: boolean;
}

export function evidenceOf(cells: Cell[], document: SubmissionDocument): SectionEvidence {
  const code = cells.map((c) => c.source).join('\n');
  const outputs = cells.flatMap((c) => c.outputs);
  return {
    cells,
    code,
    output: cells.map(cellOutputText).join(''),
    imageCount: outputs.reduce((n, o) => n + o.images.length, 0),
    errors: outputs.filter((o) => o.type === 'error'),
    executed: cells.some((c) => c.executionCount !== null || c.outputs.length > 0),
    // A PDF shows outputs but may hide code: judge emptiness by outputs too. A notebook keeps all its
    // code: a cell holding only comments handed in nothing, whatever stale output it still carries.
    empty: cells.length === 0 || (isBlankCode(code) && (document.kind === 'ipynb' || outputs.length === 0)),
    codeMayBeHidden: document.codeMayBeTruncated,
  };
}

/** True when the code is only comments and whitespace (the lesson's `# Insert your code ...` template). */
export function isBlankCode(code: string): boolean {
  return code
    .split('\n')
    .every((line) => line.trim() === '' || line.trim().startsWith('#'));
}

/**
 * Assign code cells to exercises by content, since students copy, split and move cells and Colab
 * drops metadata. In order of strength: the template marker in the code itself; an explicit
 * `# Exercise 2A` comment; otherwise the code cells under the markdown heading `Exercise 2A` until
 * the next section heading. One exception: a comment that names one exercise but carries the title of
 * the exercise whose heading it sits under ("# Step 15: Compute RMSE" under "Step 16: Compute RMSE")
 * is a number copied with the code, not a moved cell: the heading decides. Keyed by exercise id.
 */
export function locateExercises(document: SubmissionDocument, spec: GradingSpec): Map<string, Cell[]> {
  const ids = spec.exercises.map((e) => e.id);
  const titles = new Map(spec.exercises.map((e) => [e.id, e.title]));
  const assigned = new Map<string, Cell[]>(ids.map((id) => [id, []]));
  let region: string | null = null;
  for (const cell of document.cells) {
    if (cell.kind === 'markdown') {
      const heading = ids.find((id) => regex(spec.locate.heading, id).test(cell.source));
      if (heading !== undefined) region = heading;
      else if (regex(spec.locate.regionEnd).test(cell.source)) region = null;
      continue;
    }
    if (cell.kind !== 'code') continue;
    const marked = ids.find((id) => regex(spec.locate.marker, id).test(cell.source));
    let commented = ids.find((id) => regex(spec.locate.comment, id).test(cell.source));
    if (commented !== undefined && region !== null && commented !== region) {
      const line = cell.source.split('\n').find((l) => regex(spec.locate.comment, commented!).test(l)) ?? '';
      const here = titleShare(line, titles.get(region)!);
      if (here >= 0.6 && here > titleShare(line, titles.get(commented)!)) commented = region;
    }
    const owner = marked ?? commented ?? region;
    if (owner !== null) assigned.get(owner)!.push(cell);
  }
  return assigned;
}

/** The share of a title's words that a line carries (case and punctuation aside). */
function titleShare(line: string, title: string): number {
  const words = (text: string) => text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  const said = new Set(words(line));
  const wanted = words(title);
  return wanted.length === 0 ? 0 : wanted.filter((w) => said.has(w)).length / wanted.length;
}

/** The cell of a preliminary section (identity, runtime): by its code, else by what it printed. */
export function locateSection(document: SubmissionDocument, section: SectionSpec): Cell[] {
  const code = document.cells.filter((c) => c.kind === 'code');
  const byCode = section.locate.code ? code.find((c) => regex(section.locate.code!).test(c.source)) : undefined;
  if (byCode) return [byCode];
  const byOutput = section.locate.output
    ? code.find((c) => regex(section.locate.output!).test(cellOutputText(c)))
    : undefined;
  return byOutput ? [byOutput] : [];
}

/** All the text of a hand-in, for recognising which lesson it is. */
export function documentText(document: SubmissionDocument): string {
  return document.cells.map((c) => `${c.source}\n${cellOutputText(c)}`).join('\n');
}
