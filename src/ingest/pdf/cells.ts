import type { Cell, CellOutput } from '../document.js';
import { type DocumentMetrics, type InputRegion, median, type PageLayout } from './layout.js';
import { glyphWidth, type Prompt, renderColumns, renderProse, type TextLine } from './lines.js';
import { type OutputDraft, outputOf, type PlacedText } from './outputs.js';
import type { PlacedImage } from './raw-page.js';

/**
 * Turn the pages' elements, in reading order, into notebook cells: markdown (split at headings),
 * code cells (source from input boxes, possibly continued on the next page) and their outputs.
 */
export function assembleCells(pages: PageLayout[], metrics: DocumentMetrics): { cells: Cell[]; warnings: string[] } {
  const assembler = new CellAssembler(metrics, columnLefts(pages));
  for (const page of pages) assembler.addPage(page);
  return assembler.finish();
}

interface CodeDraft {
  kind: 'code';
  page: number;
  executionCount: number | null;
  prompt: Prompt | null;
  region: InputRegion | null;
  source: PlacedText[];
  outputs: OutputDraft[];
  /** Outputs have started: later fixed-pitch text is output, a later box is a new cell. */
  inOutputs: boolean;
  /** Lines after the first when the print has no input box for this cell: code or output, unknown yet. */
  undecided: PlacedText[];
}

interface MarkdownDraft {
  kind: 'markdown';
  page: number;
  lines: string[];
}

type Draft = CodeDraft | MarkdownDraft;

interface ColumnLefts {
  code: number;
  output: number;
}

/** A page holds about 60 lines: a gap claiming more blank lines comes from broken geometry. */
const MAX_BLANK_LINES = 60;

class CellAssembler {
  private readonly drafts: Draft[] = [];
  private readonly warnings: string[] = [];
  private current: Draft | null = null;

  constructor(
    private readonly metrics: DocumentMetrics,
    private readonly lefts: ColumnLefts,
  ) {}

  addPage(page: PageLayout): void {
    page.elements.forEach((element, index) => {
      switch (element.kind) {
        case 'prompt':
          return this.onPrompt(element.prompt, page.number);
        case 'code':
          return this.onCode(element.line, element.region, page.number, index === 0);
        case 'mono':
          return this.onMono(element.line, element.tint, page.number);
        case 'prose':
          return this.onProse(element.line, page.number);
        case 'image':
          return this.onImage(element.image);
      }
    });
  }

  finish(): { cells: Cell[]; warnings: string[] } {
    this.close();
    const cells = this.drafts.map((draft, index) => this.toCell(draft, index));
    return { cells, warnings: this.warnings };
  }

  private onPrompt(prompt: Prompt, page: number): void {
    if (prompt.kind === 'In') {
      this.startCode(page, prompt);
      return;
    }
    const cell = this.current;
    if (cell?.kind !== 'code') return;
    this.settleUndecided(cell);
    cell.inOutputs = true;
    cell.outputs.push({ type: 'result', tint: null, lines: [], image: null });
  }

  private onCode(line: TextLine, region: InputRegion, page: number, firstOnPage: boolean): void {
    const current = this.current;
    const sameCell =
      current?.kind === 'code' &&
      (current.region === region ||
        (region.prompt !== null && current.prompt === region.prompt) ||
        // A box at the very top of a page without a prompt: the cell goes on from the previous page.
        (region.prompt === null && firstOnPage && !current.inOutputs));
    let cell: CodeDraft;
    if (sameCell) {
      cell = current;
    } else {
      if (region.prompt === null) this.warnings.push(`page ${page}: code box without an In [ ] prompt read as a new cell`);
      cell = this.startCode(page, region.prompt);
    }
    const sameBox = cell.region === region;
    cell.region = region;
    this.appendLine(cell.source, { text: renderColumns(line, this.lefts.code, this.metrics.glyph), y: line.y, page }, sameBox);
  }

  private onMono(line: TextLine, tint: string | null, page: number): void {
    const cell = this.current;
    if (cell?.kind !== 'code') {
      // A code block inside markdown: its own font size, so its own character width.
      this.markdown(page).lines.push(renderColumns(line, line.x0, lineGlyph(line) ?? this.metrics.glyph));
      return;
    }
    if (!cell.inOutputs && cell.region === null && tint === null) {
      this.collectUndecided(cell, line, page);
      return;
    }
    this.settleUndecided(cell);
    cell.inOutputs = true;
    this.appendOutput(cell, tint, { text: renderColumns(line, this.lefts.output, this.metrics.glyph), y: line.y, page });
  }

  private onProse(line: TextLine, page: number): void {
    const text = renderProse(line);
    const cell = this.current;
    // A rich result (an HTML table, say) prints in proportional type right after `Out[n]:`.
    const last = cell?.kind === 'code' ? cell.outputs[cell.outputs.length - 1] : undefined;
    if (cell?.kind === 'code' && last?.type === 'result' && this.continuesOutput(last, line, page)) {
      last.lines.push({ text, y: line.y, page });
      return;
    }
    const heading = line.fontSize >= this.metrics.bodyFontSize * 1.15;
    const draft = heading || this.current?.kind !== 'markdown' ? this.startMarkdown(page) : this.current;
    draft.lines.push(text);
  }

  private onImage(image: PlacedImage): void {
    const cell = this.current;
    // Images after markdown text are the lesson's own pictures (expected-output screenshots), not figures.
    if (cell?.kind !== 'code') return;
    this.settleUndecided(cell);
    cell.inOutputs = true;
    cell.outputs.push({
      type: 'image',
      tint: null,
      lines: [],
      image: { mime: 'image/pdf-xobject', bytes: null, width: image.pixelWidth || null, height: image.pixelHeight || null },
    });
  }

  private startCode(page: number, prompt: Prompt | null): CodeDraft {
    this.close();
    const draft: CodeDraft = {
      kind: 'code',
      page,
      executionCount: prompt?.executionCount ?? null,
      prompt,
      region: null,
      source: [],
      outputs: [],
      inOutputs: false,
      undecided: [],
    };
    this.drafts.push(draft);
    this.current = draft;
    return draft;
  }

  private startMarkdown(page: number): MarkdownDraft {
    this.close();
    const draft: MarkdownDraft = { kind: 'markdown', page, lines: [] };
    this.drafts.push(draft);
    this.current = draft;
    return draft;
  }

  private markdown(page: number): MarkdownDraft {
    return this.current?.kind === 'markdown' ? this.current : this.startMarkdown(page);
  }

  private close(): void {
    if (this.current?.kind === 'code') this.settleUndecided(this.current);
    this.current = null;
  }

  private appendOutput(cell: CodeDraft, tint: string | null, placed: PlacedText): void {
    let output = cell.outputs[cell.outputs.length - 1];
    if (!output || output.type === 'image' || output.tint !== tint) {
      output = { type: 'text', tint, lines: [], image: null };
      cell.outputs.push(output);
    }
    this.appendLine(output.lines, placed, true);
  }

  /** Append a line, restoring the empty lines the vertical gap shows (within one block on one page). */
  private appendLine(lines: PlacedText[], placed: PlacedText, sameBlock: boolean): void {
    const previous = lines[lines.length - 1];
    if (previous && sameBlock && previous.page === placed.page) {
      for (let i = 0; i < this.blankLinesBetween(previous.y, placed.y); i++) lines.push({ text: '', y: placed.y, page: placed.page });
    }
    lines.push(placed);
  }

  private continuesOutput(output: OutputDraft, line: TextLine, page: number): boolean {
    const previous = output.lines[output.lines.length - 1];
    if (!previous) return true;
    return previous.page === page && line.y - previous.y < line.fontSize * 3;
  }

  /** Empty lines between two baselines of fixed-pitch text on the same page (at most a page's worth). */
  private blankLinesBetween(y0: number, y1: number): number {
    return Math.min(MAX_BLANK_LINES, Math.max(0, Math.round((y1 - y0) / this.metrics.pitch) - 1));
  }

  // ---- prints without cell backgrounds: code and output told apart by line spacing only ----

  private collectUndecided(cell: CodeDraft, line: TextLine, page: number): void {
    const text = renderColumns(line, this.lefts.code, this.metrics.glyph);
    // The prompt's page too: a prompt at the top of one page (the classic template prints it on a
    // line of its own) has the height of the output that opens the next page.
    const onPromptLine =
      cell.prompt !== null && cell.source.length === 0 && page === cell.page && Math.abs(line.y - cell.prompt.y) < line.fontSize / 2;
    if (onPromptLine) cell.source.push({ text, y: line.y, page });
    else cell.undecided.push({ text, y: line.y, page });
  }

  /**
   * Lines printed after a prompt whose cell has no input box. Code lines sit on a regular grid;
   * the gap between a cell's input and its output is not a whole number of lines. Lines up to the
   * first such gap are code, the rest output. Without such a gap nothing says where code ends, so
   * everything after the first line is kept as output (output checks still see it), with a warning.
   */
  private settleUndecided(cell: CodeDraft): void {
    if (cell.undecided.length === 0) return;
    const undecided = cell.undecided;
    cell.undecided = [];
    const anchor = cell.source[cell.source.length - 1];
    const lines = anchor ? [anchor, ...undecided] : undecided;
    const boundary = firstOffGrid(lines, this.metrics.pitch);
    if (boundary === -1) {
      this.warnings.push(
        `page ${cell.page}: cell ${promptLabel(cell)} has no input box; its code and output could not be told apart, so its text after the first line is kept as output`,
      );
    }
    const codeCount = boundary === -1 ? 0 : boundary - (anchor ? 1 : 0);
    for (const placed of undecided.slice(0, codeCount)) this.appendLine(cell.source, placed, true);
    for (const placed of undecided.slice(codeCount)) {
      cell.inOutputs = true;
      this.appendOutput(cell, null, placed);
    }
  }

  // ---- conversion ----

  private toCell(draft: Draft, index: number): Cell {
    if (draft.kind === 'markdown') {
      return { index, kind: 'markdown', source: draft.lines.join('\n'), executionCount: null, outputs: [], id: null, page: draft.page };
    }
    return {
      index,
      kind: 'code',
      source: draft.source.map((l) => l.text).join('\n'),
      executionCount: draft.executionCount,
      outputs: draft.outputs.map((o) => outputOf(o, this.wrapCapacity())).filter((o): o is CellOutput => o !== null),
      id: null,
      page: draft.page,
    };
  }

  /** Characters that fit on an output line: longer lines were wrapped by the browser. */
  private wrapCapacity(): number | null {
    if (this.metrics.contentRight === null) return null;
    return Math.floor((this.metrics.contentRight - this.lefts.output) / this.metrics.glyph + 0.02);
  }
}

function lineGlyph(line: TextLine): number | null {
  return median(line.items.filter((i) => i.str.length >= 2).map(glyphWidth));
}

/** Index of the first line whose distance to the line before is not a whole number of lines, or -1. */
function firstOffGrid(lines: PlacedText[], pitch: number): number {
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].page !== lines[i - 1].page) continue;
    const steps = (lines[i].y - lines[i - 1].y) / pitch;
    if (Math.abs(steps - Math.round(steps)) > 0.2) return i;
  }
  return -1;
}

function promptLabel(cell: CodeDraft): string {
  return `In [${cell.executionCount ?? ' '}]`;
}

/**
 * Left edges of code and output text, learnt from the print: the most common starting x of code
 * lines (most start at column 0), and of fixed-pitch lines just left of it (outputs start at the
 * content edge; the editor's padding puts code a little to the right).
 */
function columnLefts(pages: PageLayout[]): ColumnLefts {
  const codeStarts: number[] = [];
  const monoStarts: number[] = [];
  for (const page of pages) {
    const promptYs = page.elements.flatMap((e) => (e.kind === 'prompt' && e.prompt.kind === 'In' ? [e.prompt.y] : []));
    for (const element of page.elements) {
      if (element.kind === 'code') codeStarts.push(element.line.x0);
      if (element.kind === 'mono') {
        if (promptYs.some((y) => Math.abs(y - element.line.y) < 2)) codeStarts.push(element.line.x0);
        else monoStarts.push(element.line.x0);
      }
    }
  }
  const code = mode(codeStarts) ?? mode(monoStarts) ?? 0;
  const output = mode(monoStarts.filter((x) => x <= code + 1 && x >= code - 8)) ?? code;
  return { code, output };
}

/** Most common value, rounded to a quarter point (positions snap to a grid). */
function mode(values: number[]): number | null {
  const counts = new Map<number, number>();
  for (const value of values) {
    const key = Math.round(value * 4) / 4;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let best: number | null = null;
  let bestCount = 0;
  for (const [key, count] of counts) {
    if (count > bestCount || (count === bestCount && best !== null && key < best)) {
      best = key;
      bestCount = count;
    }
  }
  return best;
}
