import type { RawTextItem } from './raw-page.js';

/**
 * Text lines of a page rebuilt from pdf.js's positioned text items. Chromium writes a page's text
 * in paint order (outputs before code, prompts last), so order is recovered from positions only.
 */
export interface TextLine {
  /** Baseline (points from the page top), of the line's first item. */
  y: number;
  /** Top of the tallest glyph box (baseline minus font size), for sorting against boxes and images. */
  top: number;
  x0: number;
  x1: number;
  /** Items left to right. */
  items: RawTextItem[];
  fontSize: number;
  /** Share of the line's characters set in a fixed-pitch font. */
  monoShare: number;
}

export type PromptKind = 'In' | 'Out';

/** An `In [7]:` / `Out[7]:` prompt printed left of a cell's input or result. */
export interface Prompt {
  kind: PromptKind;
  executionCount: number | null;
  y: number;
  top: number;
  x0: number;
  x1: number;
}

/** Items on the same baseline (within a third of the font size) form one line. */
export function groupLines(items: RawTextItem[]): TextLine[] {
  const upright = items.filter((item) => item.upright && item.fontSize > 0);
  upright.sort((a, b) => a.y - b.y || a.x - b.x);
  const lines: TextLine[] = [];
  let current: RawTextItem[] = [];
  for (const item of upright) {
    const first = current[0];
    if (first && Math.abs(item.y - first.y) > Math.min(first.fontSize, item.fontSize) / 3) {
      lines.push(makeLine(current));
      current = [];
    }
    current.push(item);
  }
  if (current.length > 0) lines.push(makeLine(current));
  return lines;
}

export function makeLine(items: RawTextItem[]): TextLine {
  const sorted = [...items].sort((a, b) => a.x - b.x);
  let chars = 0;
  let monoChars = 0;
  let fontSize = 0;
  for (const item of sorted) {
    chars += item.str.length;
    if (item.mono) monoChars += item.str.length;
    fontSize = Math.max(fontSize, item.fontSize);
  }
  return {
    y: sorted[0].y,
    top: Math.min(...sorted.map((item) => item.y - item.fontSize)),
    x0: sorted[0].x,
    x1: Math.max(...sorted.map((item) => item.x + item.width)),
    items: sorted,
    fontSize,
    monoShare: chars === 0 ? 0 : monoChars / chars,
  };
}

const PROMPT = /^(In|Out)\s*\[\s*(\d*)\s*\]:$/;
/** A prompt is at most "Out [123]:" split into a few items. */
const MAX_PROMPT_ITEMS = 4;

/**
 * Take a leading `In [n]:` / `Out[n]:` off the line. Returns the prompt (or null) and the line
 * without it (null when nothing else is on the line).
 */
export function splitPrompt(line: TextLine): { prompt: Prompt | null; rest: TextLine | null } {
  let text = '';
  for (let count = 1; count <= Math.min(MAX_PROMPT_ITEMS, line.items.length); count++) {
    const item = line.items[count - 1];
    const previous = line.items[count - 2];
    text += previous && item.x - (previous.x + previous.width) > item.fontSize * 0.15 ? ` ${item.str}` : item.str;
    const match = PROMPT.exec(text.trim());
    if (!match) continue;
    const promptItems = line.items.slice(0, count);
    const restItems = line.items.slice(count);
    const last = promptItems[promptItems.length - 1];
    return {
      prompt: {
        kind: match[1] as PromptKind,
        executionCount: match[2] === '' ? null : Number(match[2]),
        y: promptItems[0].y,
        top: promptItems[0].y - promptItems[0].fontSize,
        x0: promptItems[0].x,
        x1: last.x + last.width,
      },
      rest: restItems.length > 0 ? makeLine(restItems) : null,
    };
  }
  return { prompt: null, rest: line };
}

/** Width of one character of a fixed-pitch item (0 when unknown). */
export function glyphWidth(item: RawTextItem): number {
  return item.str.length > 0 ? item.width / item.str.length : 0;
}

/** No printed line is wider than this; a position beyond it is garbage, not indentation. */
const MAX_COLUMN = 400;

/**
 * Fixed-pitch text with its spacing restored from positions: each item is placed at the column its
 * x offset from `left` gives, so indentation and runs of spaces come back exactly. Items are kept in
 * order even if rounding would make them overlap.
 */
export function renderColumns(line: TextLine, left: number, glyph: number): string {
  // Broken font metrics (a damaged file) give no usable character width: fall back to word spacing.
  if (!(glyph > 0.5)) return renderProse(line);
  let text = '';
  for (const item of line.items) {
    const column = Math.min(MAX_COLUMN, Math.max(0, Math.round((item.x - left) / glyph)));
    if (column > text.length) text += ' '.repeat(column - text.length);
    text += item.str;
  }
  return text.replace(/\s+$/, '');
}

/** Proportional text: items joined with a space where the gap between them looks like one. */
export function renderProse(line: TextLine): string {
  let text = '';
  let previous: RawTextItem | null = null;
  for (const item of line.items) {
    if (previous && item.x - (previous.x + previous.width) > Math.min(item.fontSize, previous.fontSize) * 0.15) {
      if (!text.endsWith(' ') && !item.str.startsWith(' ')) text += ' ';
    }
    text += item.str;
    previous = item;
  }
  return text.replace(/\s+/g, ' ').trim();
}
