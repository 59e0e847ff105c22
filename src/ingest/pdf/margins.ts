import { groupLines, type TextLine } from './lines.js';
import type { RawPage } from './raw-page.js';

/**
 * Browser headers and footers (date, title, URL, "3/40"): lines in the top or bottom 6% of the page,
 * in type smaller than the document's usual text, whose text (digits aside) recurs on most pages.
 * The size condition keeps a notebook's own lines that happen to open every page (a long log).
 */
export function repeatedMarginLines(pages: RawPage[]): Set<string> {
  if (pages.length < 2) return new Set();
  const usualSize = dominantFontSize(pages);
  const counts = new Map<string, number>();
  for (const page of pages) {
    const seen = new Set<string>();
    for (const line of groupLines(page.text)) {
      const key = line.fontSize < usualSize * 0.85 ? marginKey(page, line) : '';
      if (key !== '' && !seen.has(key)) {
        seen.add(key);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
  }
  const repeated = new Set<string>();
  for (const [key, count] of counts) if (count >= Math.max(2, pages.length * 0.6)) repeated.add(key);
  return repeated;
}

function dominantFontSize(pages: RawPage[]): number {
  const sizes = new Map<number, number>();
  for (const page of pages) {
    for (const item of page.text) sizes.set(item.fontSize, (sizes.get(item.fontSize) ?? 0) + item.str.length);
  }
  return [...sizes].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
}

/** Where the line sits in the page margin and what it says (digits aside); '' outside the margins. */
export function marginKey(page: RawPage, line: TextLine): string {
  const margin = page.height * 0.06;
  const where = line.y < margin ? 'top' : line.y > page.height - margin ? 'bottom' : null;
  if (!where) return '';
  const text = line.items.map((item) => item.str).join(' ').replace(/\d+/g, '#');
  return `${where}:${line.fontSize.toFixed(1)}:${text}`;
}
