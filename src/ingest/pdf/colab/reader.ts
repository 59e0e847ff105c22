import type { Cell, CellOutput, ReadingLayout } from '../../document.js';
import type { ExtractedPdf } from '../extract.js';
import { bodyFontSize, median } from '../layout.js';
import { glyphWidth, renderColumns, renderProse, type TextLine } from '../lines.js';
import { outputOf, type OutputDraft, type PlacedText } from '../outputs.js';
import type { PaintedBox, PlacedImage, RawPage, Rect } from '../raw-page.js';
import { contentLines, repeatedBandLines } from './chrome.js';
import { frameColorOf, pageStructure, type PageStructure, tightest } from './structure.js';

/**
 * Reader for Colab's own File → Print (no `In [n]:` prompts). Each text line is classified as
 * markdown, code or output from the page's drawing (structure.ts), its x position and its font,
 * then lines are assembled into cells in reading order. Every line records whether the drawing
 * confirmed its kind; the share of confirmed text is the read's confidence.
 */
export interface ColabRead {
  cells: Cell[];
  warnings: string[];
  layout: ReadingLayout;
  confidence: number;
  /** Header, footer and interface lines dropped. */
  chromeLines: number;
}

type LineKind = 'code' | 'output' | 'markdown';

interface ClassifiedLine {
  line: TextLine;
  kind: LineKind;
  /** The drawing (an editor box, a frame, an output area) confirmed the kind. */
  confirmed: boolean;
  /** Editor box or container the line sits in; lines of one editor belong to one cell. */
  container: Rect | null;
  page: number;
}

interface Metrics {
  glyph: number;
  pitch: number;
  codeLeft: number;
  bodyFontSize: number;
  frameColor: string | null;
}

/** Line pitches of code and of output, which differ in some prints (Safari sets code looser). */
interface Pitches {
  codePitch: number;
  outputPitch: number;
}

interface PageInput {
  page: RawPage;
  lines: TextLine[];
  structure: PageStructure;
}

export function readColabPrint(extracted: ExtractedPdf): ColabRead {
  const repeated = repeatedBandLines(extracted.pages);
  let chromeLines = 0;
  const stripped = extracted.pages.map((page) => {
    const result = contentLines(page, repeated);
    chromeLines += result.chromeLines;
    return { page, lines: result.lines };
  });
  const frameColor = frameColorOf(stripped);
  const pages: PageInput[] = stripped.map(({ page, lines }) => ({ page, lines, structure: pageStructure(page, frameColor) }));
  const metrics = measure(pages, frameColor);
  const editorShape = learnEditorShape(pages, metrics);
  const cellShape = learnCellShape(pages, metrics, editorShape);
  const classified = pages.map((page, index) => classifyPage(page, metrics, editorShape, cellShape, index > 0 && runsOffPage(pages[index - 1])));
  const assembler = new ColabAssembler({ ...metrics, codePitch: kindPitch(classified, 'code') ?? metrics.pitch, outputPitch: kindPitch(classified, 'output') ?? metrics.pitch });
  for (const [index, page] of pages.entries()) assembler.addPage(classified[index], figures(page.page), page.page.number);
  const { cells, warnings } = assembler.finish();

  const layout: ReadingLayout = frameColor !== null ? 'colab-boxed' : pages.some((p) => p.structure.containers.length > 0) ? 'colab-indented' : 'colab-plain';
  return { cells, warnings, layout, confidence: confidenceOf(classified.flat(), cells), chromeLines };
}

function measure(pages: PageInput[], frameColor: string | null): Metrics {
  const monoLines = pages.flatMap(({ lines }) => lines.filter(isMono));
  const glyph = median(monoLines.flatMap((l) => l.items.filter((i) => i.mono && i.str.length >= 2).map(glyphWidth))) ?? 6;
  return { glyph, pitch: monoPitch(monoLines, pages) ?? 12, codeLeft: codeLeftOf(pages), bodyFontSize: bodyFontSize(pages.flatMap(({ lines }) => lines), isMono), frameColor };
}

function isMono(line: TextLine): boolean {
  return line.monoShare >= 0.5;
}

/**
 * Where code lines start: the x of the first fixed-pitch line in each cell box (an editor's first
 * line, or in the boxed layout a frame's), most common first; without boxes, the leftmost x that
 * many fixed-pitch lines share (outputs and indented code start further right).
 */
function codeLeftOf(pages: PageInput[]): number {
  const firsts: number[] = [];
  for (const { lines, structure } of pages) {
    const boxes = structure.frames.length > 0 ? structure.frames : structure.containers;
    const seen = new Set<Rect>();
    for (const line of lines) {
      const box = tightest(boxes, line, structure.pageHeight);
      if (!box || seen.has(box)) continue;
      seen.add(box);
      // Only a box that starts on this page: a continued one starts mid-cell.
      if (isMono(line) && box.y0 > 0 && line.y - box.y0 < line.fontSize * 3) firsts.push(line.x0);
    }
  }
  const fromBoxes = mode(firsts);
  if (fromBoxes !== null) return fromBoxes;
  const starts = pages.flatMap(({ lines }) => lines.filter(isMono).map((l) => l.x0));
  const counts = roundedCounts(starts);
  const enough = Math.max(1, starts.length * 0.03);
  const candidates = [...counts].filter(([, count]) => count >= enough).map(([x]) => x);
  if (candidates.length > 0) return Math.min(...candidates);
  return starts.length > 0 ? Math.min(...starts) : 0;
}

/** Baseline distance of consecutive fixed-pitch lines of the main size (the smallest common gap). */
function monoPitch(monoLines: TextLine[], pages: PageInput[]): number | null {
  const size = mode(monoLines.map((l) => l.fontSize));
  if (size === null) return null;
  const gaps: number[] = [];
  for (const { lines } of pages) {
    const same = lines.filter((l) => isMono(l) && Math.abs(l.fontSize - size) < 0.3);
    for (let i = 1; i < same.length; i++) {
      const gap = same[i].y - same[i - 1].y;
      if (gap >= size * 0.9 && gap <= size * 2) gaps.push(gap);
    }
  }
  return commonGap(gaps, 1);
}

/** Smallest common baseline distance between consecutive fixed-pitch lines of one kind in one box. */
function kindPitch(pages: ClassifiedLine[][], kind: LineKind): number | null {
  const gaps: number[] = [];
  for (const lines of pages) {
    const same = lines.filter((l) => l.kind === kind && isMono(l.line));
    for (let i = 1; i < same.length; i++) {
      const gap = same[i].line.y - same[i - 1].line.y;
      if (same[i].container === same[i - 1].container && gap >= same[i].line.fontSize * 0.9) gaps.push(gap);
    }
  }
  return commonGap(gaps, 3);
}

/**
 * The line pitch among baseline gaps: the most frequent gap (wider ones hold blank lines, a rare
 * narrower one is a stray), averaged over the gaps near it, since baselines snap to the device grid.
 */
function commonGap(gaps: number[], atLeast: number): number | null {
  if (gaps.length < atLeast) return null;
  const usual = mode(gaps);
  if (usual === null) return null;
  const near = gaps.filter((g) => Math.abs(g - usual) <= usual * 0.08);
  return near.reduce((a, b) => a + b, 0) / near.length;
}

// ---- classification ----

/** x is a whole number of characters right of the code column. */
function onColumnGrid(x: number, metrics: Metrics): boolean {
  const columns = (x - metrics.codeLeft) / metrics.glyph;
  return Math.abs(columns - Math.round(columns)) <= 0.25;
}

function startsCodeColumn(line: TextLine, metrics: Metrics): boolean {
  return isMono(line) && Math.abs(line.x0 - metrics.codeLeft) <= metrics.glyph * 0.6;
}

/**
 * The editors' shape, learnt from the boxes found by their first lines (indented layout): an editor
 * continued on the next page may hold only indented lines, and is known by its shape (the cell box
 * around it is wider, an output area starts further right).
 */
interface EditorShape {
  key: string;
  x0: number;
  x1: number;
}

function learnEditorShape(pages: PageInput[], metrics: Metrics): EditorShape | null {
  if (metrics.frameColor !== null) return null;
  const counts = new Map<string, { count: number; box: PaintedBox }>();
  for (const { lines, structure } of pages) {
    for (const editor of editorBoxes(lines, structure, false, (line) => startsCodeColumn(line, metrics), null)) {
      const entry = counts.get(shapeOf(editor)) ?? { count: 0, box: editor };
      entry.count++;
      counts.set(shapeOf(editor), entry);
    }
  }
  const [key, best] = [...counts].sort((a, b) => b[1].count - a[1].count)[0] ?? ['', { count: 0, box: null }];
  return best.count >= 2 && best.box ? { key, x0: best.box.x0, x1: best.box.x1 } : null;
}

/** The most common shape of the boxes that hold one editor at their top (indented layout). */
function learnCellShape(pages: PageInput[], metrics: Metrics, editorShape: EditorShape | null): string | null {
  if (metrics.frameColor !== null) return null;
  const counts = new Map<string, number>();
  for (const { lines, structure } of pages) {
    const editors = editorBoxes(lines, structure, false, (line) => startsCodeColumn(line, metrics), editorShape);
    for (const box of structure.containers) {
      if (!editors.has(box) && editorAtTop(box, editors)) counts.set(shapeOf(box), (counts.get(shapeOf(box)) ?? 0) + 1);
    }
  }
  const [shape, count] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [null, 0];
  return count >= 2 ? shape : null;
}

/**
 * An output area of the indented layout: a box starting 10–60 pt right of the editors' left edge
 * and reaching the cell's right edge. Its lines are output even on a page where the cell's editor
 * is not (an output cut by a page break).
 */
function isOutputArea(box: Rect, shape: EditorShape | null): boolean {
  return shape !== null && box.x0 >= shape.x0 + 10 && box.x0 <= shape.x0 + 60 && box.x1 >= shape.x1 - 2;
}

function shapeOf(box: PaintedBox): string {
  return `${box.paint}:${box.color}:${Math.round(box.x0)}:${Math.round(box.x1)}`;
}

/**
 * The page's last cell frame goes on into the bottom margin or past the page (Chrome draws the cut
 * frame's next slice there): the next page's first frame continues it.
 */
function runsOffPage({ page, structure }: PageInput): boolean {
  return structure.frames.some((frame) => frame.y1 > page.height * 0.94);
}

function classifyPage(
  { page, lines, structure }: PageInput,
  metrics: Metrics,
  editorShape: EditorShape | null,
  cellShape: string | null,
  continued: boolean,
): ClassifiedLine[] {
  // Chrome also draws the slices of frames from earlier pages above the page; they end in the top margin.
  const firstFrame = structure.frames.reduce<Rect | null>(
    (top, frame) => (frame.y1 > page.height * 0.06 && (!top || frame.y0 < top.y0) ? frame : top),
    null,
  );
  const boxed = metrics.frameColor !== null;
  const startsCode = (line: TextLine) => startsCodeColumn(line, metrics);
  const indentedFromCode = (line: TextLine) => line.x0 >= metrics.codeLeft + metrics.glyph * 1.5;
  const editors = editorBoxes(lines, structure, boxed, startsCode, editorShape);
  // Code sits on the code's column grid (indentation is whole characters). Safari puts outputs 4.65
  // characters right of the code, off the grid; Chrome 2020–2024 about 20 pt, which in its fonts is
  // 5.06 characters and passes for an indent: there the boxes decide.
  const offGrid = (line: TextLine) => !boxed && isMono(line) && !onColumnGrid(line.x0, metrics);
  const result: ClassifiedLine[] = [];
  let previous: ClassifiedLine | null = null;
  let previousFrame: Rect | null = null;
  for (const line of lines) {
    const container = tightest(structure.containers, line, structure.pageHeight);
    const frame = boxed ? tightest(structure.frames, line, structure.pageHeight) : null;
    let kind: LineKind;
    let confirmed = true;
    if (container && editors.has(container) && !offGrid(line)) {
      kind = 'code';
    } else if (container && editors.has(container)) {
      // Safari draws the editor box over the first output line.
      kind = 'output';
    } else if (boxed) {
      if (!frame) {
        kind = 'markdown';
      } else if (frameHasEditor(frame, editors) || frame.y0 < 0 || (continued && frame === firstFrame)) {
        kind = 'output';
      } else if (!structure.containers.some((c) => c !== frame && c.y0 <= frame.y0 + 3 && c.y1 >= frame.y0 && overlapsX(c, frame))) {
        // A frame with nothing painted inside: printed without background graphics, or a text cell.
        // Its first line is the cell's code, then the code's line grid says where output starts.
        const firstInFrame = previousFrame !== frame;
        kind = !isMono(line) ? 'markdown' : firstInFrame ? 'code' : byGap(line, previous, page.number, metrics);
        confirmed = false;
      } else {
        kind = 'markdown';
      }
    } else if (container) {
      // Below an editor in the same cell box: output. Elsewhere (a text cell's box, the page's own
      // box): markdown, however far right it starts (lists, quotes, a text cell's padding).
      const inOutput =
        isOutputArea(container, editorShape) ||
        belowEditorInCell(line, structure.containers, editors) ||
        // (prose at the markdown's x in such a box is a text cell's, cut by the page break)
        (continuedCell(container, cellShape, lines, editors) && (isMono(line) || indentedFromCode(line))) ||
        // A table row right after output lines (the rest of a DataFrame cut by the page break).
        (previous?.kind === 'output' &&
          previous.page === page.number &&
          Math.abs(previous.line.fontSize - line.fontSize) < 0.5 &&
          line.y - previous.line.y < line.fontSize * 3);
      // Code lives in editors: a line at the code column outside one is a text cell's (inline code
      // opening a sentence, a code block), unless it follows output (a table's first column).
      kind = offGrid(line) || inOutput ? 'output' : 'markdown';
    } else {
      // No drawing at all: x positions, the column grid and spacing only.
      confirmed = false;
      if (!isMono(line)) kind = indentedFromCode(line) && previous && previous.kind !== 'markdown' ? 'output' : 'markdown';
      else if (startsCode(line)) kind = 'code';
      else if (!indentedFromCode(line)) kind = 'markdown';
      else if (offGrid(line)) kind = 'output';
      else kind = byGap(line, previous, page.number, metrics);
    }
    const classifiedLine: ClassifiedLine = { line, kind, confirmed, container, page: page.number };
    result.push(classifiedLine);
    previous = classifiedLine;
    previousFrame = frame;
  }
  return result;
}

/**
 * Editor boxes of the page. Indented layout: boxes that are the tightest around a line starting at
 * the code column (outputs live in their own, indented areas). Boxed layout: a filled box at the
 * top of a frame (outputs start at the code column too, so position says nothing there).
 */
function editorBoxes(
  lines: TextLine[],
  structure: PageStructure,
  boxed: boolean,
  startsCode: (l: TextLine) => boolean,
  editorShape: EditorShape | null,
): Set<PaintedBox> {
  const editors = new Set<PaintedBox>();
  if (boxed) {
    for (const frame of structure.frames) {
      for (const box of structure.containers) {
        if (box === frame || box.paint !== 'fill') continue;
        if (Math.abs(box.y0 - frame.y0) <= 3 && box.x1 - box.x0 >= (frame.x1 - frame.x0) * 0.9 && box.y1 <= frame.y1 + 1) editors.add(box);
      }
    }
    return editors;
  }
  // A box whose first line starts at the code column: a text cell opens with prose, and a code
  // block further down in it does not make it an editor. A box continued from the previous page
  // (drawn from above the page) may open mid-block: any line at the code column will do.
  const opened = new Set<PaintedBox>();
  for (const line of lines) {
    const box = tightest(structure.containers, line, structure.pageHeight);
    if (!box || (opened.has(box) && box.y0 >= 0)) continue;
    opened.add(box);
    if (startsCode(line)) editors.add(box);
  }
  for (const box of structure.containers) if (editorShape && shapeOf(box) === editorShape.key) editors.add(box);
  return editors;
}

/**
 * The line sits in a cell box below its editor. A cell box holds one editor, at its top, and is a
 * few points wider at most; the notebook's own box (around every cell) is none.
 */
function belowEditorInCell(line: TextLine, containers: PaintedBox[], editors: Set<PaintedBox>): boolean {
  for (const cell of containers) {
    if (!(line.x0 + 0.5 >= cell.x0 - 0.5 && line.x0 <= cell.x1 && line.y >= cell.y0 && line.y - line.fontSize * 0.3 <= cell.y1 + 0.5)) continue;
    const editor = editorAtTop(cell, editors);
    if (editor && editor.y0 < line.y) return true;
  }
  return false;
}

/** The one editor at the top of a cell box (a few points below its top, a few points narrower), or null. */
function editorAtTop(cell: Rect, editors: Set<PaintedBox>): PaintedBox | null {
  const inside = [...editors].filter(
    (editor) => editor.x0 >= cell.x0 - 1 && editor.x1 <= cell.x1 + 1 && editor.y0 >= cell.y0 - 1 && editor.y1 <= cell.y1 + 1,
  );
  if (inside.length !== 1) return null;
  const [editor] = inside;
  return cell.x1 - cell.x0 <= editor.x1 - editor.x0 + 20 && editor.y0 - cell.y0 <= 12 ? editor : null;
}

/**
 * A cell box continued from the page before: shaped like the print's cell boxes (learnt from those
 * around an editor), starting at the top of the page's content, with no editor on this page. Its
 * editor was on the page before, so what it holds is output.
 */
function continuedCell(container: PaintedBox, cellShape: string | null, lines: TextLine[], editors: Set<PaintedBox>): boolean {
  if (cellShape === null || shapeOf(container) !== cellShape) return false;
  const firstTop = Math.min(...lines.map((l) => l.top));
  return container.y0 <= firstTop + 1 && editorAtTop(container, editors) === null && ![...editors].some((e) => e.y0 >= container.y0 - 1 && e.y1 <= container.y1 + 1);
}

function frameHasEditor(frame: Rect, editors: Set<PaintedBox>): boolean {
  for (const editor of editors) if (editor.y0 >= frame.y0 - 3 && editor.y1 <= frame.y1 + 1 && overlapsX(editor, frame)) return true;
  return false;
}

function overlapsX(a: Rect, b: Rect): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1;
}

/**
 * Without boxes, a fixed-pitch line right after code on the code's line grid continues the code
 * (indented code); off the grid (the gap between a cell's input and its output is not a whole
 * number of lines) or after a blank stretch, it is output.
 */
function byGap(line: TextLine, previous: ClassifiedLine | null, page: number, metrics: Metrics): LineKind {
  if (!previous || previous.kind !== 'code' || previous.page !== page) return 'output';
  const steps = (line.y - previous.line.y) / metrics.pitch;
  return Math.abs(steps - Math.round(steps)) <= 0.2 && steps < 3.5 ? 'code' : 'output';
}

// ---- assembly ----

interface CodeDraft {
  kind: 'code';
  page: number;
  source: PlacedText[];
  outputs: OutputDraft[];
  editor: Rect | null;
  lastCodeY: number;
  lastCodePage: number;
  lastOutputMono: boolean;
}

interface MarkdownDraft {
  kind: 'markdown';
  page: number;
  lines: string[];
  /** The last line, when it was a heading (a heading may wrap onto a second line). */
  lastHeading: { page: number; y: number; size: number } | null;
}

class ColabAssembler {
  private readonly drafts: Array<CodeDraft | MarkdownDraft> = [];
  private current: CodeDraft | MarkdownDraft | null = null;
  private readonly warnings: string[] = [];
  /** Nothing but code has come on this page yet (a cell cut by the page break goes on here). */
  private pageStart = true;

  constructor(private readonly metrics: Metrics & Pitches) {}

  addPage(lines: ClassifiedLine[], images: PlacedImage[], number: number): void {
    this.pageStart = true;
    const items: Array<{ top: number; line?: ClassifiedLine; image?: PlacedImage }> = [
      ...lines.map((line) => ({ top: line.line.top, line })),
      ...images.filter((i) => i.x1 - i.x0 > 40 && i.y1 - i.y0 > 20).map((image) => ({ top: image.y0, image })),
    ];
    items.sort((a, b) => a.top - b.top);
    for (const item of items) {
      if (item.line) this.onLine(item.line, number);
      else if (item.image) this.onImage(item.image);
    }
  }

  finish(): { cells: Cell[]; warnings: string[] } {
    return { cells: this.drafts.map((draft, index) => this.toCell(draft, index)), warnings: this.warnings };
  }

  private onLine(classified: ClassifiedLine, page: number): void {
    const { line, kind } = classified;
    if (kind === 'code') this.onCode(classified, page);
    else if (kind === 'output') this.onOutput(line, page);
    else this.onMarkdown(line, page);
    if (kind !== 'code') this.pageStart = false;
  }

  private onCode({ line, container }: ClassifiedLine, page: number): void {
    const cell = this.current;
    const continues =
      cell?.kind === 'code' &&
      cell.outputs.length === 0 &&
      (cell.lastCodePage === page
        ? (container !== null && container === cell.editor) || (container === null && this.onGrid(cell.lastCodeY, line.y))
        : this.pageStart);
    const draft = continues ? (cell as CodeDraft) : this.startCode(page, container);
    const text = renderColumns(line, this.metrics.codeLeft, this.metrics.glyph);
    if (draft.source.length > 0 && draft.lastCodePage === page) {
      for (let i = 0; i < this.blankLines(draft.lastCodeY, line.y, this.metrics.codePitch); i++) draft.source.push({ text: '', y: line.y, page });
    }
    draft.source.push({ text, y: line.y, page });
    draft.editor = container;
    draft.lastCodeY = line.y;
    draft.lastCodePage = page;
  }

  private onOutput(line: TextLine, page: number): void {
    // Output after markdown started belongs to no cell we saw: keep its text as markdown.
    const cell = this.current?.kind === 'code' ? this.current : null;
    if (!cell) {
      this.onMarkdown(line, page);
      return;
    }
    let output = cell.outputs[cell.outputs.length - 1];
    if (!output || output.type === 'image') {
      output = { type: 'text', tint: null, lines: [], image: null };
      cell.outputs.push(output);
    }
    const previous = output.lines[output.lines.length - 1];
    // Blank lines show as gaps between fixed-pitch rows; table rows (proportional) are spaced by their cells.
    if (previous && previous.page === page && isMono(line) && cell.lastOutputMono) {
      for (let i = 0; i < this.blankLines(previous.y, line.y, this.metrics.outputPitch); i++) output.lines.push({ text: '', y: line.y, page });
    }
    cell.lastOutputMono = isMono(line);
    const text = isMono(line) ? renderColumns(line, this.outputLeft(line), lineGlyph(line) ?? this.metrics.glyph) : renderProse(line);
    output.lines.push({ text, y: line.y, page });
  }

  private onMarkdown(line: TextLine, page: number): void {
    const heading = line.fontSize >= this.metrics.bodyFontSize * 1.15 && !isMono(line);
    const current = this.current?.kind === 'markdown' ? this.current : null;
    // A heading too long for one line wraps onto the next: same size, one line further down.
    const wrappedHeading =
      heading && current?.lastHeading && current.lastHeading.page === page && Math.abs(current.lastHeading.size - line.fontSize) < 0.5 && line.y - current.lastHeading.y < line.fontSize * 2;
    const draft = (heading && !wrappedHeading) || !current ? this.startMarkdown(page) : current;
    draft.lastHeading = heading ? { page, y: line.y, size: line.fontSize } : null;
    if (wrappedHeading) {
      draft.lines[draft.lines.length - 1] += ` ${renderProse(line)}`;
      return;
    }
    draft.lines.push(isMono(line) ? renderColumns(line, line.x0, lineGlyph(line) ?? this.metrics.glyph) : renderProse(line));
  }

  private onImage(image: PlacedImage): void {
    const cell = this.current;
    if (cell?.kind !== 'code') return;
    cell.outputs.push({
      type: 'image',
      tint: null,
      lines: [],
      image: { mime: 'image/pdf-xobject', bytes: null, width: image.pixelWidth || null, height: image.pixelHeight || null },
    });
  }

  /** Outputs print at the code column (boxed) or in an area indented from it; keep indentation beyond that. */
  private outputLeft(line: TextLine): number {
    return Math.min(line.x0, this.metrics.frameColor !== null ? this.metrics.codeLeft : Math.max(this.metrics.codeLeft, line.x0));
  }

  private startCode(page: number, editor: Rect | null): CodeDraft {
    const draft: CodeDraft = { kind: 'code', page, source: [], outputs: [], editor, lastCodeY: 0, lastCodePage: page, lastOutputMono: false };
    this.drafts.push(draft);
    this.current = draft;
    return draft;
  }

  private startMarkdown(page: number): MarkdownDraft {
    const draft: MarkdownDraft = { kind: 'markdown', page, lines: [], lastHeading: null };
    this.drafts.push(draft);
    this.current = draft;
    return draft;
  }

  private onGrid(y0: number, y1: number): boolean {
    const steps = (y1 - y0) / this.metrics.codePitch;
    return Math.abs(steps - Math.round(steps)) <= 0.2 && steps < 3.5;
  }

  private blankLines(y0: number, y1: number, pitch: number): number {
    return Math.min(60, Math.max(0, Math.round((y1 - y0) / pitch) - 1));
  }

  private toCell(draft: CodeDraft | MarkdownDraft, index: number): Cell {
    if (draft.kind === 'markdown') {
      return { index, kind: 'markdown', source: draft.lines.join('\n'), executionCount: null, outputs: [], id: null, page: draft.page };
    }
    const outputs = draft.outputs
      .flatMap(splitTraceback)
      .map((o) => outputOf(o, null))
      .filter((o): o is CellOutput => o !== null);
    return { index, kind: 'code', source: draft.source.map((l) => l.text).join('\n'), executionCount: null, outputs, id: null, page: draft.page };
  }
}

/**
 * Images that are figures. Chrome paints the blurred shadow of Colab's pop-ups (the auto-save
 * notice, the top bar) as an image exactly under a black-filled box of the same size: not content.
 */
function figures(page: RawPage): PlacedImage[] {
  const shadows = page.boxes.filter((b) => b.paint === 'fill' && b.color === '#000000');
  const same = (a: Rect, b: Rect) => Math.abs(a.x0 - b.x0) < 1 && Math.abs(a.y0 - b.y0) < 1 && Math.abs(a.x1 - b.x1) < 1 && Math.abs(a.y1 - b.y1) < 1;
  return page.images.filter((image) => !shadows.some((shadow) => same(shadow, image)));
}

/**
 * Colab prints no tint for errors: a traceback is told by its text, and what the cell printed
 * before it (stdout) is an output of its own, as in the notebook.
 */
function splitTraceback(output: OutputDraft): OutputDraft[] {
  if (output.type !== 'text') return [output];
  const start = output.lines.findIndex(
    (l, i) =>
      /Traceback \(most recent call last\)/.test(l.text) ||
      (/^-{20,}$/.test(l.text.trim()) && /Traceback|Error|Exception/.test(output.lines[i + 1]?.text ?? '')),
  );
  if (start === -1) return [output];
  const before = output.lines.slice(0, start);
  const traceback: OutputDraft = { ...output, tint: 'traceback', lines: output.lines.slice(start) };
  return before.some((l) => l.text.trim() !== '') ? [{ ...output, lines: before }, traceback] : [traceback];
}

function lineGlyph(line: TextLine): number | null {
  return median(line.items.filter((i) => i.mono && i.str.length >= 2).map(glyphWidth));
}

// ---- confidence ----

/**
 * Share of the text (in characters) whose kind the drawing confirmed; a print in which no code cell
 * was found at all is not trusted whatever else it shows.
 */
function confidenceOf(lines: ClassifiedLine[], cells: Cell[]): number {
  let total = 0;
  let confirmed = 0;
  for (const { line, confirmed: sure } of lines) {
    const chars = line.items.reduce((sum, item) => sum + item.str.length, 0);
    total += chars;
    if (sure) confirmed += chars;
  }
  if (total === 0) return 0;
  const share = confirmed / total;
  return cells.some((c) => c.kind === 'code') ? Math.round(share * 1000) / 1000 : Math.min(0.2, share);
}

function roundedCounts(values: number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const value of values) {
    const key = Math.round(value * 2) / 2;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function mode(values: number[]): number | null {
  let best: number | null = null;
  let bestCount = 0;
  for (const [key, count] of roundedCounts(values)) {
    if (count > bestCount || (count === bestCount && best !== null && key < best)) {
      best = key;
      bestCount = count;
    }
  }
  return best;
}
