import { glyphWidth, groupLines, type Prompt, splitPrompt, type TextLine } from './lines.js';
import { marginKey } from './margins.js';
import type { PaintedBox, PlacedImage, RawPage, Rect } from './raw-page.js';

/**
 * Page layout of a notebook printed from the browser (nbconvert's lab template, Chromium), as
 * measured on real prints:
 * - an input cell is a grey filled box with a thin border (plus the editor's inner box) with
 *   `In [n]:` printed left of it at the height of its first line; code is clipped at the box's right
 *   edge, never wrapped. A print without "background graphics" keeps the border only;
 * - a cell cut by a page break continues at the top of the next page in a box without a prompt;
 * - outputs follow the box, fixed-pitch, without a box (stdout, results) or in a tinted box
 *   (stderr, tracebacks); long output lines wrap at the content width, even inside a word;
 *   `Out[n]:` is printed left of a result;
 * - markdown is proportional text (headings larger), with inline code in small grey boxes;
 * - figures are image XObjects placed below their cell's input.
 * Nothing here depends on the colours themselves: how input boxes are painted (fill or border,
 * which colour) is learnt from the boxes that have an `In` prompt beside them.
 */

/** A cell's input area: one box (or nested boxes) painted the learnt input way. */
export interface InputRegion extends Rect {
  /** An `In [n]:` prompt sits beside its top: the region starts a cell rather than continuing one. */
  prompt: Prompt | null;
}

export type PageElement =
  | { kind: 'prompt'; top: number; prompt: Prompt }
  | { kind: 'code'; top: number; line: TextLine; region: InputRegion }
  | { kind: 'mono'; top: number; line: TextLine; tint: string | null }
  | { kind: 'prose'; top: number; line: TextLine }
  | { kind: 'image'; top: number; image: PlacedImage };

export interface PageLayout {
  number: number;
  elements: PageElement[];
}

/**
 * A line is fixed-pitch text (code, output, a markdown code block) only when all of it is: markdown
 * prose with inline code mixes fonts and is laid out proportionally.
 */
export function isMonoLine(line: TextLine): boolean {
  return line.monoShare >= 0.95;
}

/** Measurements shared by all pages, learnt from the document itself. */
export interface DocumentMetrics {
  /** How input boxes are painted, as `fill:#f5f5f5:box` / `fill:#e0e0e0:rule` (empty: the print has no cell boxes). */
  inputStyles: Set<string>;
  /** Typical width of an input box. */
  inputWidth: number;
  /** Right edge of the content column, where outputs wrap (null when unknown). */
  contentRight: number | null;
  /** Width of one fixed-pitch character of code and output text. */
  glyph: number;
  /** Most common body size of proportional text: larger text is a heading. */
  bodyFontSize: number;
  /** Baseline-to-baseline distance of code and output lines. */
  pitch: number;
}

interface PageLines {
  page: RawPage;
  prompts: Prompt[];
  lines: TextLine[];
}

/** A page's text lines, prompts taken off, browser header and footer lines (`margins`) dropped. */
export function splitPageLines(page: RawPage, margins: Set<string>): PageLines {
  const prompts: Prompt[] = [];
  const lines: TextLine[] = [];
  for (const line of groupLines(page.text)) {
    if (margins.has(marginKey(page, line))) continue;
    const { prompt, rest } = splitPrompt(line);
    if (prompt) prompts.push(prompt);
    if (rest) lines.push(rest);
  }
  return { page, prompts, lines };
}

export function measureDocument(pages: PageLines[]): DocumentMetrics {
  const inputBoxes: PaintedBox[] = [];
  for (const { page, prompts } of pages) {
    for (const prompt of prompts) {
      if (prompt.kind !== 'In') continue;
      inputBoxes.push(...page.boxes.filter((b) => isBeside(prompt, b)));
    }
  }
  const wide = inputBoxes.filter((b) => !isRule(b));
  const inputWidth = median(wide.map((b) => b.x1 - b.x0)) ?? 0;
  const monoItems = pages.flatMap(({ lines }) => lines.flatMap((l) => (isMonoLine(l) ? l.items : [])));
  return {
    inputStyles: new Set(inputBoxes.map(styleOf)),
    inputWidth,
    contentRight: median(wide.map((b) => b.x1)),
    glyph: median(monoItems.filter((i) => i.str.length >= 2).map(glyphWidth)) ?? 6,
    bodyFontSize: bodyFontSize(pages.flatMap(({ lines }) => lines), isMonoLine),
    pitch: monoPitch(pages) ?? 12,
  };
}

/**
 * The most common size of proportional text, by characters, to a quarter point (larger text is a
 * heading); 10 when there is none. `isMono` says which lines are fixed-pitch and left out.
 */
export function bodyFontSize(lines: TextLine[], isMono: (line: TextLine) => boolean): number {
  const sizes = new Map<number, number>();
  for (const line of lines) {
    if (isMono(line)) continue;
    for (const item of line.items) {
      const size = Math.round(item.fontSize * 4) / 4;
      sizes.set(size, (sizes.get(size) ?? 0) + item.str.length);
    }
  }
  return [...sizes].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 10;
}

/** The prompt is printed left of the box, within the box's height. */
function isBeside(prompt: Prompt, box: Rect): boolean {
  return box.x0 >= prompt.x1 - 2 && box.x0 - prompt.x1 < 40 && prompt.y > box.y0 && prompt.y <= box.y1;
}

/**
 * Baseline-to-baseline distance of consecutive fixed-pitch lines of the main code size: the smallest
 * such gap (larger ones hold blank lines or separate blocks), averaged over the gaps close to it
 * because baselines snap to the device pixel grid (12.19 pt prints as 12 or 12.75).
 */
function monoPitch(pages: PageLines[]): number | null {
  const sizes = new Map<number, number>();
  for (const { lines } of pages) for (const line of lines) if (isMonoLine(line)) sizes.set(line.fontSize, (sizes.get(line.fontSize) ?? 0) + 1);
  const size = [...sizes].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (size === undefined) return null;
  const gaps: number[] = [];
  for (const { lines } of pages) {
    const same = lines.filter((l) => isMonoLine(l) && l.fontSize === size);
    for (let i = 1; i < same.length; i++) {
      const gap = same[i].y - same[i - 1].y;
      if (gap >= size * 0.8) gaps.push(gap);
    }
  }
  if (gaps.length === 0) return null;
  const smallest = Math.min(...gaps);
  const near = gaps.filter((g) => g <= smallest * 1.1);
  return near.reduce((a, b) => a + b, 0) / near.length;
}

/** Classify a page's lines and images into elements in reading order. */
export function layoutPage({ page, prompts, lines }: PageLines, metrics: DocumentMetrics): PageLayout {
  const regions = inputRegions(page, prompts, metrics);
  // Tinted output areas (stderr, tracebacks): wide filled boxes that are not input boxes.
  const tints = page.boxes.filter(
    (b) =>
      b.paint === 'fill' &&
      !isRule(b) &&
      !metrics.inputStyles.has(styleOf(b)) &&
      !isWhite(b.color) &&
      b.x1 - b.x0 >= metrics.inputWidth * 0.8 &&
      b.x1 - b.x0 <= metrics.inputWidth * 1.1,
  );
  const elements: PageElement[] = prompts.map((prompt) => ({ kind: 'prompt', top: prompt.top, prompt }));
  for (const line of lines) {
    const region = regions.find((r) => line.y > r.y0 && line.y <= r.y1 && line.x0 >= r.x0 - 1 && line.x0 < r.x1);
    if (region) {
      elements.push({ kind: 'code', top: line.top, line, region });
    } else if (isMonoLine(line)) {
      const tint = tints.find((b) => line.y > b.y0 && line.y <= b.y1 && line.x0 >= b.x0 - 1 && line.x0 < b.x1);
      elements.push({ kind: 'mono', top: line.top, line, tint: tint?.color ?? null });
    } else {
      elements.push({ kind: 'prose', top: line.top, line });
    }
  }
  for (const image of page.images) {
    if (image.x1 - image.x0 > 0 && image.y1 - image.y0 > 0) elements.push({ kind: 'image', top: image.y0, image });
  }
  elements.sort(readingOrder);
  return { number: page.number, elements };
}

/**
 * Top to bottom; a prompt goes before the text beside it. Its baseline is not quite the text's:
 * `In [n]:` sits a hair above the first code line, `Out[n]:` about half a line below the result's.
 */
function readingOrder(a: PageElement, b: PageElement): number {
  if (a.kind === 'prompt' && b.kind !== 'prompt' && besidePrompt(a.prompt, b)) return -1;
  if (b.kind === 'prompt' && a.kind !== 'prompt' && besidePrompt(b.prompt, a)) return 1;
  return a.top - b.top || leftOf(a) - leftOf(b);
}

function besidePrompt(prompt: Prompt, element: PageElement): boolean {
  return Math.abs(prompt.top - element.top) < (prompt.y - prompt.top) * 0.75;
}

function leftOf(element: PageElement): number {
  switch (element.kind) {
    case 'prompt':
      return element.prompt.x0;
    case 'image':
      return element.image.x0;
    default:
      return element.line.x0;
  }
}

/**
 * Input boxes of the page, nested boxes merged, each with the `In` prompt beside it if any. A box's
 * left side alone (a bordered box cut by a page break, printed without backgrounds) stands for the
 * whole box.
 */
function inputRegions(page: RawPage, prompts: Prompt[], metrics: DocumentMetrics): InputRegion[] {
  const right = metrics.contentRight ?? page.width;
  const boxes = page.boxes
    .filter((b) => metrics.inputStyles.has(styleOf(b)))
    .flatMap((b): Rect[] => {
      if (!isRule(b)) return b.x1 - b.x0 >= metrics.inputWidth * 0.8 ? [b] : [];
      // Only a left side: the right side sits at the content's right edge.
      return right - b.x0 >= metrics.inputWidth * 0.8 ? [{ ...b, x1: right }] : [];
    })
    .sort((a, b) => a.y0 - b.y0);
  const merged: Rect[] = [];
  for (const box of boxes) {
    const last = merged[merged.length - 1];
    if (last && box.y0 < last.y1 && box.x0 < last.x1 && box.x1 > last.x0) {
      last.x0 = Math.min(last.x0, box.x0);
      last.x1 = Math.max(last.x1, box.x1);
      last.y1 = Math.max(last.y1, box.y1);
    } else {
      merged.push({ x0: box.x0, y0: box.y0, x1: box.x1, y1: box.y1 });
    }
  }
  return merged.map((rect) => ({
    ...rect,
    prompt: prompts.find((p) => p.kind === 'In' && isBeside(p, rect)) ?? null,
  }));
}

function styleOf(box: PaintedBox): string {
  return `${box.paint}:${box.color}:${isRule(box) ? 'rule' : 'box'}`;
}

function isRule(box: Rect): boolean {
  return box.x1 - box.x0 <= 3;
}

function isWhite(color: string): boolean {
  return /^#f{6}$/i.test(color);
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
