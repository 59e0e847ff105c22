import { stripAnsi } from '../../src/ingest/ansi.js';
import { escapeHtml, htmlToText, type MarkdownStyle, renderMarkdown } from './colab-markdown.js';

/**
 * A notebook as Colab shows it for File → Print, as one HTML page for Chromium to print (see
 * test/support/colab-print.ts). No prompts (`In [n]:`), code and outputs in Colab's boxes, markdown
 * rendered, and the geometry of real prints measured with pdf.js (points, page top = 0):
 *
 * - boxed (2025+, Chrome 142): each code cell a rounded box (0.5pt #c4c7c5 stroke) from x≈56 to
 *   41pt short of the right edge; code 7pt mono at x≈79.5, pitch 9.5pt, in a white-filled editor at
 *   the top of the box; outputs below it in the same box (not filled), at the same x. DataFrames as
 *   tables plus "Next steps". Headings after the `keyboard_arrow_down` icon ligature.
 * - indented 2024 (Chrome 131): white-filled cell box from x=37.5, editor inset 5pt from its top,
 *   code 7pt at x≈40.5; output box from x=57.5, outputs at x≈60; headings 12pt at x≈54.5 after the
 *   icon ligature at x≈36.5.
 * - indented 2020 (Chrome 80): code 10.5pt at x=46 (pitch 14.25), outputs at x=75.3; and the
 *   auto-save notice Colab left on screen, repeated on every page over whatever is under it.
 * - safari (2023): code 11.2pt at x≈37 (pitch 15.2), outputs at x≈68.5 (pitch 13.6), cut at the
 *   paper's edge; "+ Code  + Text" toolbar on page 1; prose without its fi/fl/tt ligatures.
 *
 * Colab's page is laid out in CSS px and printed shrunk: `scale` is the points one CSS px became
 * (Colab's 14px code with 19px lines printed at 7pt on 9.5pt is 0.5). The CSS below is written in
 * the printed points measured above and turned into Colab's px (pt / scale); the print is then made
 * at that scale (printScale). Laying out at 9.5pt directly would not do: Chromium snaps lines to
 * whole px, and 9.5pt is 12.67px, so lines would come out 9.0 and 9.75pt apart.
 *
 * Code lines are clipped, never wrapped (Colab's editor scrolls sideways); stream outputs too (real
 * prints cut pip's long lines); tracebacks wrap.
 */

export type LookName = 'boxed' | 'indented-2024' | 'indented-2020' | 'safari';

interface Look {
  /** Points per CSS px of Colab's page. */
  scale: number;
  headingIcon: MarkdownStyle['headingIcon'];
  /** Layout rules on top of the shared ones; x positions are from the paper's left edge (the print has no left margin). */
  css: string;
  /** DataFrames get Colab's "Next steps" buttons (2024+). */
  nextSteps: boolean;
  /** The "+ Code  + Text" toolbar above the first cell: Safari prints the live page, toolbar and all. */
  toolbar: boolean;
  /** Safari's print loses ligatures in proportional text. */
  prose?: (text: string) => string;
}

const LOOKS: Record<LookName, Look> = {
  boxed: {
    scale: 0.5,
    headingIcon: 'ligature',
    nextSteps: true,
    toolbar: false,
    css: `
      body { --code: 7pt; --pitch: 9.5pt; --out-pitch: 9.5pt; --body: 7pt; }
      /* Only the editor is filled; the box is a stroke (an outline: Chromium strokes it, as in real prints). */
      .code-cell { margin: 0 41pt 10pt 56pt; outline: 0.5pt solid #c4c7c5; border-radius: 8pt; overflow: hidden; }
      .editor { background: #fff; padding: 6pt 10pt 6pt 23.5pt; }
      .outputs { padding: 8pt 10pt 6pt 23.5pt; }
      .text-cell { margin: 0 41pt 8pt 36.5pt; }
      .text-cell > :not(h1, h2, h3, h4, h5, h6) { margin-left: 18pt; }`,
  },
  'indented-2024': {
    scale: 0.5,
    headingIcon: 'ligature',
    nextSteps: true,
    toolbar: false,
    css: `
      body { --code: 7pt; --pitch: 9.5pt; --out-pitch: 8.5pt; --body: 7pt; }
      /* Real: cell 37.5–565.5, editor 37.5–561.5 from 5pt down, output box from 57.5 (A4). */
      /* Colab's boxes are white on white: invisible on paper, but in the PDF's drawing for a reader. */
      .code-cell, .input, .editor, .outputs { background: #fff; }
      .code-cell { margin: 0 30pt 6pt 37.5pt; }
      .input { padding: 5pt 4pt 0 0; }
      .editor { padding: 0 4pt 0 3pt; }
      .outputs { margin: 0 0.5pt 0 20pt; padding: 3pt 0 3pt 2.5pt; }
      .text-cell { margin: 0 24pt 8pt 36.5pt; }
      .text-cell > :not(h1, h2, h3, h4, h5, h6) { margin-left: 18pt; }`,
  },
  'indented-2020': {
    scale: 0.75,
    headingIcon: 'triangle',
    nextSteps: false,
    toolbar: false,
    css: `
      body { --code: 10.5pt; --pitch: 14.25pt; --out-pitch: 12.75pt; --body: 10.5pt; }
      .code-cell, .input, .editor, .outputs { background: #fff; }
      .code-cell { margin: 0 20pt 8pt 41.5pt; }
      .input { padding: 7.5pt 6pt 0 0; }
      .editor { padding: 0 0 0 4.5pt; }
      .outputs { margin: 0 0 0 31.3pt; padding: 6pt 0 4pt 2.5pt; }
      .text-cell { margin: 0 20pt 10pt 30pt; }
      .text-cell > :not(h1, h2, h3, h4, h5, h6) { margin-left: 16pt; }`,
  },
  safari: {
    scale: 0.8,
    headingIcon: 'triangle',
    nextSteps: false,
    toolbar: true,
    prose: withoutLigatures,
    css: `
      body { --code: 11.2pt; --pitch: 15.2pt; --out-pitch: 13.6pt; --body: 11.2pt; }
      h1 { font-weight: bold; }
      /* The live page: text runs past the cell (fill 32.4–573.8) to the paper's edge, which cuts it.
         Text overflowing the page would make Chromium shrink the print, so the pre reaches the edge. */
      pre { margin-right: -21pt; }
      .code-cell, .input, .editor, .outputs { background: #fff; }
      .code-cell { margin: 0 21pt 16pt 32.4pt; }
      .input { padding: 4pt 0 0 0; }
      .editor { padding: 0 0 0 4.8pt; }
      .outputs { margin: 10pt 0 0 32pt; padding: 2pt 0 2pt 4.1pt; }
      .text-cell { margin: 0 16pt 12pt 22pt; }
      .text-cell > :not(h1, h2, h3, h4, h5, h6) { margin-left: 16.8pt; }`,
  },
};

/**
 * Safari set proportional text with ligatures its PDF text layer cannot map back, so "fi" comes out
 * as a stray glyph ("Classi4cation", "DeUning", "DeWning" in a real print). A fixed stand-in for
 * each of fi, fl and tt (4, U, W) keeps the fixture deterministic.
 */
function withoutLigatures(text: string): string {
  return text.replace(/fi/g, '4').replace(/fl/g, 'U').replace(/tt/g, 'W');
}

const SHARED_CSS = `
  * { box-sizing: border-box; }
  html, body { margin: 0; padding: 0; background: #fff; }
  body { font-family: 'DejaVu Sans'; font-size: var(--body); line-height: 1.45; color: #1f1f1f; }
  pre, code { font-family: 'DejaVu Sans Mono'; }
  pre { margin: 0; font-size: var(--code); line-height: var(--pitch); white-space: pre; overflow: hidden; }
  .outputs pre { line-height: var(--out-pitch); }
  .output + .output { margin-top: 3pt; }
  .output pre.error { white-space: pre-wrap; overflow-wrap: anywhere; }
  .output img { display: block; max-width: 100%; }
  .form-title { font-weight: bold; font-size: calc(var(--body) * 1.3); padding: 2pt 0; }
  h1, h2, h3, h4, h5, h6 { font-weight: normal; margin: 6pt 0 4pt; line-height: 1.3; display: flex; align-items: center; }
  h1 { font-size: 2em; } h2 { font-size: 1.7em; } h3 { font-size: 1.5em; } h4 { font-size: 1.3em; } h5 { font-size: 1.15em; } h6 { font-size: 1em; }
  /* Long unbroken words (URLs with non-breaking hyphens) wrap, as in Colab; nothing may widen the
     page, or Chromium shrinks the whole print to fit it. */
  .text-cell { overflow-wrap: anywhere; overflow: hidden; }
  .text-cell p, .text-cell ul, .text-cell ol, .text-cell blockquote { margin-top: 0; margin-bottom: 0.5em; }
  .text-cell ul, .text-cell ol { padding-left: 1.5em; }
  .text-cell ol { list-style: none; }
  .text-cell code { font-size: 0.9em; background: #f1f3f4; }
  .text-cell a { color: #1a73e8; text-decoration: underline; }
  .md-code { background: #f8f9fa; padding: 3pt; margin-bottom: 0.5em; }
  .md-img { display: block; width: 60%; height: 60pt; margin: 4pt 0; background: #e8eaed; }
  .html-img { display: inline-block; width: 9em; height: 1.6em; background: #e8eaed; }
  /* Colab's Material icon font draws this word as one 12pt-wide arrow glyph in a fixed-pitch font:
     poppler reads the word back (Skia's ActualText), pdf.js the glyph itself (U+E313) at 12pt, 12pt
     wide. No font here has that glyph, so the word in 12pt mono is squeezed to 12pt wide
     (19 characters × 7.22pt × 0.0874): pdf.js gets the word with the glyph's metrics. White, with a
     drawn chevron for the picture. */
  .icon-ligature { position: relative; display: inline-block; flex: none; width: 12pt; height: 12pt; margin-right: 6pt; }
  .icon-ligature > span { position: absolute; left: 0; top: 1pt; font: 12pt/12pt 'DejaVu Sans Mono'; color: #fff; white-space: nowrap; transform-origin: 0 0; transform: scaleX(0.0874); }
  .icon-ligature::after, .icon-triangle::after { content: ''; position: absolute; left: 3pt; top: 2.5pt; width: 4pt; height: 4pt; border: solid #444; border-width: 0 1pt 1pt 0; transform: rotate(45deg); }
  .icon-triangle { position: relative; display: inline-block; flex: none; width: 12pt; height: 12pt; margin-right: 4.8pt; }
  .icon-triangle::after { border: 3.5pt solid transparent; border-top: 4pt solid #444; transform: none; width: 0; height: 0; top: 4pt; left: 2pt; }
  table.df { border-collapse: collapse; font-family: 'DejaVu Sans'; font-size: var(--code); }
  table.df th, table.df td { padding: 2pt 6pt; text-align: right; }
  table.df thead th { border-bottom: 0.5pt solid #c4c7c5; }
  table.df tbody tr:nth-child(odd) { background: #f5f5f5; }
  .next-steps { font-size: var(--code); margin-top: 5pt; }
  .next-steps .button { display: inline-block; border: 0.5pt solid #747775; border-radius: 6pt; padding: 1pt 5pt; margin-left: 4pt; color: #0b57d0; }
  .toolbar { display: flex; justify-content: center; align-items: center; gap: 18pt; margin: 0 0 14pt; border-bottom: 0.5pt solid #dadce0; height: 14pt; }
  .toolbar .button { position: relative; top: 7pt; background: #fff; border: 0.5pt solid #dadce0; border-radius: 3pt; padding: 1pt 8pt 1pt 16pt; font-size: 9pt; }
  .toolbar .button::before, .toolbar .button::after { content: ''; position: absolute; background: #444; left: 6pt; top: 50%; width: 6pt; height: 0.6pt; }
  .toolbar .button::after { transform: rotate(90deg); }
  /* Measured on a 2020 Letter print: the notice 37–576 × 599–636 over a dark box 31.7–581.3 × 595–643
     (its shadow). The shadow is a flat box: a blurred box-shadow over text makes Chromium rasterise
     whole pages (40 MB PDFs). */
  .autosave { position: fixed; left: 37pt; right: 36pt; bottom: 127.5pt; padding: 7pt 40pt 7pt 12pt; background: #fff; font-size: 9pt; color: #5f6368; }
  .autosave-shadow { position: fixed; left: 31.7pt; right: 30.7pt; bottom: 120.5pt; height: 47.5pt; background: #000; opacity: 0.25; }
  .autosave a { color: #1a73e8; text-decoration: underline; }
  .autosave::before, .autosave::after { content: ''; position: absolute; right: 10pt; top: 12pt; width: 9pt; height: 0.8pt; background: #777; transform: rotate(45deg); }
  .autosave::after { transform: rotate(-45deg); }
`;

/** What Colab showed beside the notebook, printed on every page where it applies. */
export interface PageExtras {
  /** Colab's "Automatic document saving has been pending…" notice, left open while printing. */
  autosavePopup?: boolean;
  /** Form cells (`cellView: 'form'`) show only their title, as Colab does; 'shown' prints their code too. */
  formCode?: 'hidden' | 'shown';
  /** The page's title (the PDF's Title), e.g. "Class_06_2.ipynb - Colab". */
  documentTitle?: string;
}

type Json = Record<string, unknown>;

/** page.pdf's `scale` for a look: at scale 1 Chromium prints 1 CSS px as 0.75pt. */
export function printScale(lookName: LookName): number {
  return LOOKS[lookName].scale / 0.75;
}

/** CSS written in printed points, as the CSS px Colab's page has (see the top of this file). */
function inColabPx(css: string, scale: number): string {
  return css.replace(/(\d+(?:\.\d+)?)pt\b/g, (_, points: string) => `${+(Number(points) / scale).toFixed(3)}px`);
}

export function renderColabHtml(notebook: Json, lookName: LookName, extras: PageExtras = {}): string {
  const look = LOOKS[lookName];
  const cells = (notebook.cells as Json[] | undefined) ?? [];
  const body = cells.map((cell) => (cell.cell_type === 'code' ? codeCell(cell, look, extras) : textCell(cell, look))).join('\n');
  const toolbar = look.toolbar ? '<div class="toolbar"><span class="button">Code</span><span class="button">Text</span></div>' : '';
  const popup = extras.autosavePopup
    ? '<div class="autosave-shadow"></div><div class="autosave">Automatic document saving has been pending for 18 minutes. Reloading may fix the problem. <a>Save and reload the page.</a></div>'
    : '';
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${escapeHtml(extras.documentTitle ?? '')}</title><style>${inColabPx(SHARED_CSS + look.css, look.scale)}</style></head>
<body>${toolbar}
${body}
${popup}</body></html>`;
}

function text(value: unknown): string {
  return Array.isArray(value) ? value.join('') : typeof value === 'string' ? value : '';
}

function textCell(cell: Json, look: Look): string {
  // Raw cells have no rendering in Colab beyond their text; markdown covers both.
  return `<div class="text-cell">${renderMarkdown(text(cell.source), { headingIcon: look.headingIcon, prose: look.prose })}</div>`;
}

function codeCell(cell: Json, look: Look, extras: PageExtras): string {
  const source = text(cell.source).replace(/\n+$/, '');
  const metadata = (cell.metadata as Json | undefined) ?? {};
  const title = /^#\s*@title\s+(.*?)\s*(\{.*\})?$/m.exec(source)?.[1];
  const hideCode = metadata.cellView === 'form' && title !== undefined && extras.formCode !== 'shown';
  const editor = hideCode ? `<div class="form-title">${escapeHtml(title)}</div>` : `<pre class="code">${escapeHtml(source) || ' '}</pre>`;
  const outputs = mergeStreams((cell.outputs as Json[] | undefined) ?? [])
    .map((output) => renderOutput(output, look, source))
    .filter((html) => html !== '');
  const outputHtml = outputs.length > 0 ? `<div class="outputs">${outputs.map((o) => `<div class="output">${o}</div>`).join('')}</div>` : '';
  return `<div class="code-cell"><div class="input"><div class="editor">${editor}</div></div>${outputHtml}</div>`;
}

/** Colab shows consecutive writes to the same stream as one block of text. */
function mergeStreams(outputs: Json[]): Json[] {
  const merged: Json[] = [];
  for (const output of outputs) {
    const previous = merged[merged.length - 1];
    if (output.output_type === 'stream' && previous?.output_type === 'stream' && previous.name === output.name) {
      merged[merged.length - 1] = { ...previous, text: text(previous.text) + text(output.text) };
    } else {
      merged.push(output);
    }
  }
  return merged;
}

function renderOutput(output: Json, look: Look, source: string): string {
  switch (output.output_type) {
    case 'stream':
      return `<pre class="stream">${escapeHtml(terminalText(text(output.text)))}</pre>`;
    case 'error':
      return `<pre class="error">${escapeHtml(stripAnsi(((output.traceback as string[] | undefined) ?? []).join('\n')))}</pre>`;
    case 'display_data':
    case 'execute_result': {
      const data = (output.data as Json | undefined) ?? {};
      if (typeof data['image/png'] === 'string') return image(String(data['image/png']), look);
      const html = text(data['text/html']);
      if (/<table/i.test(html)) return dataFrame(html, look, source);
      const plain = text(data['text/plain']);
      return plain ? `<pre class="result">${escapeHtml(stripAnsi(plain).replace(/\n+$/, ''))}</pre>` : '';
    }
    default:
      return '';
  }
}

/** What a terminal would show: colours gone, and a line rewritten with \r shows its last version. */
function terminalText(raw: string): string {
  return stripAnsi(raw)
    .replace(/\n+$/, '')
    .split('\n')
    .map((line) => line.split('\r').filter((part) => part !== '').pop() ?? '')
    .join('\n');
}

/** A figure at the size Colab shows it: its pixel width in CSS px (the print shrinks it with the page). */
function image(base64: string, look: Look): string {
  const bytes = Buffer.from(base64.replace(/\s+/g, ''), 'base64');
  // PNG: the IHDR chunk's width and height are big-endian at bytes 16 and 20.
  const width = bytes.length >= 24 ? bytes.readUInt32BE(16) : 0;
  const style = width > 0 ? ` style="width:${width}px"` : '';
  return `<img src="data:image/png;base64,${bytes.toString('base64')}"${style}>`;
}

/** pandas' HTML table as a plain table (its text only, escaped), and in 2024+ the buttons under it. */
function dataFrame(html: string, look: Look, source: string): string {
  const rows = [...html.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/gi)].map((row) =>
    [...row[1].matchAll(/<(th|td)[^>]*>([\s\S]*?)<\/\1>/gi)].map((cell) => ({ header: cell[1].toLowerCase() === 'th', text: htmlToText(cell[2]).trim() })),
  );
  const headerRows = rows.filter((row) => row.every((cell) => cell.header));
  const bodyRows = rows.filter((row) => !row.every((cell) => cell.header));
  const tr = (row: { header: boolean; text: string }[]) =>
    `<tr>${row.map((cell) => `<${cell.header ? 'th' : 'td'}>${escapeHtml(cell.text)}</${cell.header ? 'th' : 'td'}>`).join('')}</tr>`;
  const table = `<table class="df"><thead>${headerRows.map(tr).join('')}</thead><tbody>${bodyRows.map(tr).join('')}</tbody></table>`;
  if (!look.nextSteps) return table;
  // Colab names the variable the cell ended with (`df.head()` → df).
  const name = /^\s*([A-Za-z_]\w*)/.exec(source.split('\n').filter((line) => line.trim() !== '').pop() ?? '')?.[1] ?? 'df';
  return `${table}<div class="next-steps">Next steps: <span class="button">Generate code with ${escapeHtml(name)}</span><span class="button">New interactive sheet</span></div>`;
}
