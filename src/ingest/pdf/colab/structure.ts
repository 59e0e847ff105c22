import type { TextLine } from '../lines.js';
import type { PaintedBox, RawPage, Rect } from '../raw-page.js';

/**
 * The drawing of a Colab print, as measured on real prints (pdf.js, points from the page top):
 * - 2025+ ("boxed"): every cell is a rounded frame stroked in a light grey (#c4c7c5) across the
 *   content width; a code cell's editor is a white-filled rectangle at the top of its frame; outputs
 *   follow inside the frame, at the same x as the code. A frame cut by a page break goes on at the
 *   top of the next page (drawn from above the page, y0 < 0).
 * - 2020–2024 and Safari ("indented"): cells are white-filled boxes: the cell, inside it the editor
 *   (starting a few points lower, a few points narrower) and, for outputs, an output area starting
 *   20–30 pt right of the code. Nothing is stroked.
 * White boxes are invisible on paper, but the PDF keeps them: they are the surest sign of what is
 * code and what is output. A print that lost them (another print driver) is read from x positions
 * and spacing alone, and says so in its confidence.
 */
export interface PageStructure {
  /** Cell frames of the boxed layout (empty elsewhere). */
  frames: Rect[];
  /** Boxes wide enough to be cells, editors or output areas: the tightest one around a line is its container. */
  containers: PaintedBox[];
  pageHeight: number;
}

/** Boxes narrower than this share of the page are table cells, buttons or glyph decorations. */
const MIN_CONTAINER_SHARE = 0.35;

export function pageStructure(page: RawPage, frameColor: string | null): PageStructure {
  const wide = (box: PaintedBox) => box.x1 - box.x0 >= page.width * MIN_CONTAINER_SHARE && box.y1 - box.y0 >= 3;
  const frames = frameColor === null ? [] : page.boxes.filter((b) => b.paint === 'stroke' && b.color === frameColor && wide(b));
  // Pop-ups (the auto-save notice) are drawn over the notebook on a black drop shadow: neither the
  // shadow nor the pop-up's own box says anything about the cells under them.
  const shadows = page.boxes.filter((b) => b.paint === 'fill' && b.color === '#000000');
  const onShadow = (b: Rect) =>
    shadows.some((s) => s.x0 <= b.x0 + 0.5 && s.x1 >= b.x1 - 0.5 && s.y0 <= b.y0 + 0.5 && s.y1 >= b.y1 - 0.5 && area(s) < area(b) * 1.6);
  const containers = page.boxes.filter(
    (b) =>
      wide(b) &&
      !(b.paint === 'fill' && b.color === '#000000') &&
      !onShadow(b) &&
      // The page's own background.
      !(b.x0 <= 1 && b.y0 <= 1 && b.x1 >= page.width - 1),
  );
  return { frames, containers, pageHeight: page.height };
}

/**
 * The colour of the boxed layout's cell frames: the stroke colour of wide stroked boxes that hold
 * most of the print's fixed-pitch text, or null when the print has none (the indented layout).
 */
export function frameColorOf(pages: Array<{ page: RawPage; lines: TextLine[] }>): string | null {
  const held = new Map<string, number>();
  let monoLines = 0;
  for (const { page, lines } of pages) {
    const strokes = page.boxes.filter((b) => b.paint === 'stroke' && b.x1 - b.x0 >= page.width * 0.5 && !/^#(0{6}|f{6})$/i.test(b.color));
    for (const line of lines) {
      if (line.monoShare < 0.5) continue;
      monoLines++;
      const frame = strokes.find((b) => containsLine(b, line));
      if (frame) held.set(frame.color, (held.get(frame.color) ?? 0) + 1);
    }
  }
  const [color, count] = [...held].sort((a, b) => b[1] - a[1])[0] ?? [null, 0];
  return color !== null && count >= Math.max(3, monoLines * 0.5) ? color : null;
}

/**
 * The innermost of `boxes` around the line's start, or null: the narrowest, then the shortest on the
 * page. Cell boxes nest (page area, cell, editor or output area) and each inner one is narrower by a
 * few points; heights are no guide, since a cell cut by a page break is drawn whole, far beyond the
 * page, and can be taller on the page than the page's own content box.
 */
export function tightest<T extends Rect>(boxes: T[], line: TextLine, pageHeight = Infinity): T | null {
  let best: T | null = null;
  let bestWidth = Infinity;
  let bestHeight = Infinity;
  for (const box of boxes) {
    if (!containsLine(box, line)) continue;
    const width = box.x1 - box.x0;
    const height = Math.min(box.y1, pageHeight) - Math.max(box.y0, 0);
    if (width < bestWidth - 0.25 || (Math.abs(width - bestWidth) <= 0.25 && height < bestHeight)) {
      best = box;
      bestWidth = width;
      bestHeight = height;
    }
  }
  return best;
}

function area(box: Rect): number {
  return (box.x1 - box.x0) * (box.y1 - box.y0);
}

/** The box holds the line's first glyph (its left end, a little above the baseline). */
export function containsLine(box: Rect, line: TextLine): boolean {
  const x = line.x0 + 0.5;
  const y = line.y - line.fontSize * 0.3;
  return x >= box.x0 - 0.5 && x <= box.x1 && y >= box.y0 - 0.5 && y <= box.y1 + 0.5;
}
