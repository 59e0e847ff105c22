import { groupLines, makeLine, type TextLine } from '../lines.js';
import { repeatedLines } from '../margins.js';
import type { RawPage, RawTextItem } from '../raw-page.js';

/**
 * What a Colab print carries besides the notebook: the browser's header and footer, and text of
 * Colab's own interface that lands in the PDF's text layer. Both are dropped before reading.
 *
 * Header and footer, as seen on real prints (Chrome 2020–2025, Safari):
 *   `3/9/2020  estimating_tax_error.ipynb - Colaboratory`, `27/11/2025, 09:48  Untitled4.ipynb - Colab`,
 *   `TASK1.ipynb - Colaboratory … 09/03/23, 12:53 AM` (Safari: title left, date right),
 *   `https://colab.research.google.com/drive/…&printMode=true  1/18`, `… Page 1 of 20`, `Página 1 de 37`.
 * A line in the top or bottom band of the page is chrome when it says one of those things, or when
 * its text (digits aside) recurs on most pages.
 */
const MARGIN_SHARE = 0.06;

const CHROME_PATTERNS: RegExp[] = [
  /colab\.research\.google\.com/i,
  /\.ipynb\s*-\s*Colab(oratory)?\b/i,
  /\s-\sColab(oratory)?$/i,
  /^\s*\d+\s*\/\s*\d+\s*$/, // Chrome's page counter, alone on a line
  /\b(Page|Página|Pagina|Seite|Pagina)\s+\d+\s+(of|de|di|von|sur)\s+\d+\s*$/i,
  /^\s*\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4},?(\s+\d{1,2}:\d{2}(\s*[ap]\.?\s?m\.?)?)?\s*$/i, // a date (and time) alone
];

/** Text of Colab's interface: never part of a notebook's content. */
const INTERFACE_LINES: RegExp[] = [
  /^Next steps:/,
  /^(\+\s*)?Code\s+(\+\s*)?Text$/,
  /^Colab paid products\b/,
  /^\d+ frames$/, // a collapsed traceback's "N frames" toggle
  /^(Automatic document saving has been pending|Reloading may fix the problem|Save and reload the page|reload the page\.?$)/,
  /^(View recommended plots|New interactive sheet|Generate code with)\b/,
];

/** Interface words that sit inside a content line: icon ligatures and the auto-save pop-up's pieces. */
const INTERFACE_ITEMS: RegExp[] = [
  /^keyboard_arrow_(down|right|up)$/,
  // The same icons as the text layer of a real print carries them: one Private Use Area glyph.
  /^[\uE000-\uF8FF]+$/,
  /^(content_copy|more_vert|arrow_upward|arrow_downward|link|edit|delete|settings)$/,
  /Automatic document saving has been pending/,
  /Reloading may\s+.{0,4}x the problem/,
  /^Save and( reload the page\.?)?$/,
  /^reload the page\.?$/,
];

export interface ChromeStripped {
  lines: TextLine[];
  /** How many header/footer and interface lines were dropped (evidence of a Colab print). */
  chromeLines: number;
}

/** The page's text lines, header, footer and Colab's interface text removed. */
export function contentLines(page: RawPage, repeated: Set<string>): ChromeStripped {
  const lines: TextLine[] = [];
  let chromeLines = 0;
  for (const line of groupLines(page.text)) {
    const text = lineText(line);
    if (isMarginChrome(page, line, text, repeated) || INTERFACE_LINES.some((p) => p.test(text))) {
      chromeLines++;
      continue;
    }
    const items = dedupeItems(withoutPopup(line.items).filter((item) => !INTERFACE_ITEMS.some((p) => p.test(item.str.trim()))));
    if (items.length === 0) {
      chromeLines++;
      continue;
    }
    lines.push(items.length === line.items.length ? line : makeLine(items));
  }
  return { lines, chromeLines };
}

/**
 * The auto-save pop-up that older Colab prints repeat on every page lies over the notebook's own
 * text, so its words share lines with code. Its first line arrives in pieces (`… Reloading may`,
 * `fi`, `x the problem. Save and`: a ligature splits it): drop every proportional item from the one
 * that opens it to the one that ends it.
 */
function withoutPopup(items: RawTextItem[]): RawTextItem[] {
  const sorted = [...items].sort((a, b) => a.x - b.x);
  const kept: RawTextItem[] = [];
  let inPopup = false;
  for (const item of sorted) {
    const text = item.str.trim();
    if (!item.mono && /Automatic document saving has been pending/.test(text)) inPopup = true;
    if (inPopup && item.mono) inPopup = false;
    if (inPopup) {
      if (/Save and$/.test(text)) inPopup = false;
      continue;
    }
    if (!item.mono && /^reload the page\.?$/.test(text)) continue;
    kept.push(item);
  }
  return kept.length === items.length ? items : kept;
}

function isMarginChrome(page: RawPage, line: TextLine, text: string, repeated: Set<string>): boolean {
  const key = marginBandKey(page, line);
  if (key === '') return false;
  return repeated.has(key) || CHROME_PATTERNS.some((p) => p.test(text)) || splitsIntoChrome(line);
}

/** A header line is often two texts on one baseline (date left, title centred): each must be chrome. */
function splitsIntoChrome(line: TextLine): boolean {
  const parts = line.items.map((item) => item.str.trim()).filter((s) => s !== '');
  return parts.length > 1 && parts.every((part) => CHROME_PATTERNS.some((p) => p.test(part)) || /^[\d/:,.\s]+(AM|PM|a\.\s?m\.|p\.\s?m\.)?$/i.test(part));
}

/** Lines of the top and bottom bands whose text (digits aside) recurs on at least 60% of pages. */
export function repeatedBandLines(pages: RawPage[]): Set<string> {
  return repeatedLines(pages, marginBandKey);
}

function marginBandKey(page: RawPage, line: TextLine): string {
  const band = page.height * MARGIN_SHARE;
  const where = line.y < band ? 'top' : line.y > page.height - band ? 'bottom' : null;
  return where ? `${where}:${lineText(line).replace(/\d+/g, '#')}` : '';
}

function lineText(line: TextLine): string {
  return line.items
    .map((item) => item.str)
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Safari paints code twice (the text and its syntax-highlighted copy), so the text layer holds each
 * word twice at the same place, sometimes split differently (`!pip` and `!`+`pip`). An item whose
 * extent lies within an already kept item's, with the same text at that offset, is a copy.
 */
export function dedupeItems(items: RawTextItem[]): RawTextItem[] {
  const sorted = [...items].sort((a, b) => a.x - b.x || b.str.length - a.str.length);
  let kept: RawTextItem[] = [];
  for (const item of sorted) {
    if (kept.some((other) => covers(other, item))) continue;
    // The longer copy can come second (`…/torch-` then `…/torch-1`): it replaces what it covers.
    kept = kept.filter((other) => !covers(item, other));
    kept.push(item);
  }
  return kept;
}

function covers(outer: RawTextItem, inner: RawTextItem): boolean {
  const slack = Math.max(0.5, inner.fontSize * 0.15);
  if (inner.x < outer.x - slack || inner.x + inner.width > outer.x + outer.width + slack) return false;
  if (outer.width <= 0 || outer.str.length === 0) return false;
  const perChar = outer.width / outer.str.length;
  const offset = Math.round((inner.x - outer.x) / perChar);
  return outer.str.slice(offset, offset + inner.str.length) === inner.str;
}
