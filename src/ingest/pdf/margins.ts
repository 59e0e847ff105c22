import { groupLines, splitPrompt, type TextLine } from './lines.js';
import type { RawPage } from './raw-page.js';

/**
 * Browser headers and footers (date, title, URL, "3/40"): lines in the top or bottom 6% of the page
 * whose text (digits aside) recurs on most pages. Chromium sets them in its own proportional type,
 * the same size whatever the template: as large as the classic template's prose, so their size says
 * nothing. What a page break can put there from the notebook itself is kept (see marginKey).
 */
export function repeatedMarginLines(pages: RawPage[]): Set<string> {
  return repeatedLines(pages, marginKey);
}

/**
 * The keys (`keyOf`: '' for a line that cannot be page furniture) that recur on at least 60% of the
 * pages, each page counted once.
 */
export function repeatedLines(pages: RawPage[], keyOf: (page: RawPage, line: TextLine) => string): Set<string> {
  if (pages.length < 2) return new Set();
  const counts = new Map<string, number>();
  for (const page of pages) {
    const seen = new Set<string>();
    for (const line of groupLines(page.text)) {
      const key = keyOf(page, line);
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

/**
 * Where the line sits in the page margin and what it says (digits aside); '' for a line that cannot
 * be a browser header or footer: outside the margins, or the notebook's own text that a page break
 * puts at a page's top or bottom and that can recur on most pages. That is fixed-pitch text (a long
 * log, a cell's code or output continued) and cell prompts (the classic template prints `In [n]:` on
 * its own line, above the input, so every cell starting a page opens it with the same `In [#]:`).
 */
export function marginKey(page: RawPage, line: TextLine): string {
  const margin = page.height * 0.06;
  const where = line.y < margin ? 'top' : line.y > page.height - margin ? 'bottom' : null;
  if (!where || line.monoShare > 0 || splitPrompt(line).prompt !== null) return '';
  const text = line.items.map((item) => item.str).join(' ').replace(/\d+/g, '#');
  return `${where}:${line.fontSize.toFixed(1)}:${text}`;
}
