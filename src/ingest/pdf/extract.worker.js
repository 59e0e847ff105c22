// Worker thread: opens PDFs with pdf.js and sends back, per page, the raw layout the reader needs
// (positioned text, filled boxes, placed images). Plain JavaScript on purpose: Node loads this file
// itself in a worker thread, both from the TypeScript sources (tests) and from dist/ (SWC copies it),
// so it must not import TypeScript. All interpretation happens in the typed reader; this file only
// talks to pdf.js. Why a thread at all: see ExtractionThread in extract.ts.
//
// Protocol, one file at a time: request { id, bytes: Uint8Array, maxPages: number };
// reply { id, reply } where reply is
//   { ok: true, numPages, pages: RawPage[], pageErrors: [{ page, message }], info }
//   or { ok: false, kind: 'password' | 'invalid' | 'no-pages' | 'too-many-pages', message }.
// Shapes are described in raw-page.ts and validated there.
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';

// pdf.js logs through console ("Warning: ..."). Verbosity 0 below silences its warnings; this makes
// sure nothing else (a polyfill notice, a stray error) lands in the CLI's output either. (Piping the
// thread's stdout to the parent instead would keep the process alive while the thread idles.)
for (const method of ['log', 'info', 'warn', 'error', 'debug']) console[method] = () => {};

const PDFJS_ENTRY = resolvePdfjs();
const pdfjs = await import(pathToFileURL(PDFJS_ENTRY).href);
const { OPS } = pdfjs;
/** pdf.js's data files: metrics of the 14 standard fonts, CJK character maps, image decoders. */
const PDFJS_ROOT = join(dirname(PDFJS_ENTRY), '..', '..');
const DATA_DIRS = {
  standardFontDataUrl: join(PDFJS_ROOT, 'standard_fonts') + sep,
  cMapUrl: join(PDFJS_ROOT, 'cmaps') + sep,
  wasmUrl: join(PDFJS_ROOT, 'wasm') + sep,
};

/** pdf.js as pdf-parse pins it: resolved through pdf-parse so both always use the same copy. */
function resolvePdfjs() {
  const require = createRequire(import.meta.url);
  const pdfParse = require.resolve('pdf-parse');
  return createRequire(pdfParse).resolve('pdfjs-dist/legacy/build/pdf.mjs');
}

/**
 * Painted paths kept: boxes at least this big (points), and vertical rules (a box's side: when a
 * bordered box is split by a page break, Chromium paints its sides as separate thin rectangles).
 * Smaller paths are glyph-like decorations.
 */
const MIN_BOX_WIDTH = 24;
const MIN_BOX_HEIGHT = 6;
const MAX_RULE_WIDTH = 3;

const PAINT_FILL = new Set([OPS.fill, OPS.eoFill, OPS.fillStroke, OPS.eoFillStroke, OPS.closeFillStroke, OPS.closeEOFillStroke]);
const PAINT_STROKE = new Set([OPS.stroke, OPS.closeStroke, OPS.fillStroke, OPS.eoFillStroke, OPS.closeFillStroke, OPS.closeEOFillStroke]);

parentPort.on('message', async ({ id, bytes, maxPages }) => {
  let reply;
  try {
    reply = await extract(bytes, maxPages);
  } catch (error) {
    reply = { ok: false, kind: 'invalid', message: messageOf(error) };
  }
  parentPort.postMessage({ id, reply });
});

async function extract(bytes, maxPages) {
  const task = pdfjs.getDocument({
    data: bytes,
    ...DATA_DIRS,
    cMapPacked: true,
    // ERRORS only: pdf.js otherwise logs "Warning: ..." lines for every oddity of a damaged file.
    verbosity: pdfjs.VerbosityLevel.ERRORS,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    // pdf.js decodes every image it meets; bigger ones (in pixels) are dropped, which bounds memory.
    // A notebook figure is a thousandth of this.
    maxImageSize: 64 * 1024 * 1024,
  });
  let doc;
  try {
    doc = await task.promise;
  } catch (error) {
    await task.destroy().catch(() => {});
    return loadFailure(error);
  }
  try {
    const numPages = doc.numPages;
    if (numPages === 0) return { ok: false, kind: 'no-pages', message: 'the PDF has no pages' };
    if (numPages > maxPages) {
      return { ok: false, kind: 'too-many-pages', message: `${numPages} pages, limit ${maxPages}` };
    }
    const pages = [];
    const pageErrors = [];
    for (let number = 1; number <= numPages; number++) {
      try {
        pages.push(await extractPage(await doc.getPage(number), number));
      } catch (error) {
        pageErrors.push({ page: number, message: messageOf(error) });
      }
    }
    return { ok: true, numPages, pages, pageErrors, info: await documentInfo(doc) };
  } finally {
    await doc.destroy().catch(() => {});
  }
}

/** Producer, creator and title from the document information dictionary, as evidence of how it was made. */
async function documentInfo(doc) {
  const { info } = await doc.getMetadata().catch(() => ({ info: {} }));
  const field = (value) => (typeof value === 'string' && value.trim() !== '' ? value.slice(0, 200) : null);
  return { producer: field(info?.Producer), creator: field(info?.Creator), title: field(info?.Title) };
}

function loadFailure(error) {
  const name = error?.name ?? '';
  if (name === 'PasswordException') return { ok: false, kind: 'password', message: messageOf(error) };
  return { ok: false, kind: 'invalid', message: messageOf(error) };
}

function messageOf(error) {
  return String(error?.message ?? error).slice(0, 300);
}

async function extractPage(page, number) {
  try {
    const viewport = page.getViewport({ scale: 1 });
    if (![viewport.width, viewport.height, ...viewport.transform].every(Number.isFinite)) throw new Error('the page has no valid size');
    const toPage = viewport.transform;
    const content = await page.getTextContent();
    const text = [];
    for (const item of content.items) {
      if (typeof item.str !== 'string' || item.str.trim() === '') continue;
      const [a, b, c, d, e, f] = multiply(toPage, item.transform);
      // A damaged content stream can carry NaN or infinite matrices: such text has no place on the page.
      if (![a, b, c, d, e, f, item.width].every(Number.isFinite)) continue;
      text.push({
        // pdf.js gives U+0000 for a glyph it cannot map back to text (an emoji font, say): say so.
        str: item.str.replace(/\u0000/g, '\uFFFD'),
        x: e,
        y: f,
        width: item.width,
        fontSize: Math.hypot(c, d),
        upright: Math.abs(b) < 1e-3 && Math.abs(c) < 1e-3 && a > 0,
        font: String(item.fontName ?? ''),
        mono: content.styles[item.fontName]?.fontFamily === 'monospace',
      });
    }
    const operators = await page.getOperatorList({ annotationMode: pdfjs.AnnotationMode.DISABLE });
    const { boxes, images } = walkOperators(operators, toPage);
    return {
      number,
      width: viewport.width,
      height: viewport.height,
      text,
      boxes: boxes.filter(isPlaced),
      images: images.filter((image) => isPlaced(image) && Number.isFinite(image.pixelWidth) && Number.isFinite(image.pixelHeight)),
    };
  } finally {
    page.cleanup();
  }
}

/**
 * Follow the graphics state through the operator list to place painted paths (cell backgrounds and
 * borders) and images on the page.
 * pdf.js hands back paths with their bounding box in user space; the current transform maps it to
 * the page, and save/restore and form XObjects nest that transform.
 */
function walkOperators({ fnArray, argsArray }, toPage) {
  const boxes = [];
  const images = [];
  let state = { ctm: toPage, fill: '#000000', stroke: '#000000' };
  const stack = [];
  for (let i = 0; i < fnArray.length; i++) {
    const fn = fnArray[i];
    const args = argsArray[i];
    switch (fn) {
      case OPS.save:
        stack.push(state);
        state = { ...state };
        break;
      case OPS.restore:
        state = stack.pop() ?? state;
        break;
      case OPS.transform:
        state.ctm = multiply(state.ctm, args);
        break;
      case OPS.paintFormXObjectBegin:
        stack.push(state);
        state = { ...state, ctm: Array.isArray(args[0]) || ArrayBuffer.isView(args[0]) ? multiply(state.ctm, args[0]) : state.ctm };
        break;
      case OPS.paintFormXObjectEnd:
        state = stack.pop() ?? state;
        break;
      case OPS.setFillRGBColor:
        if (typeof args[0] === 'string') state.fill = args[0];
        break;
      case OPS.setStrokeRGBColor:
        if (typeof args[0] === 'string') state.stroke = args[0];
        break;
      case OPS.constructPath: {
        const minMax = args[2];
        if (!minMax) break;
        const box = bounds(state.ctm, minMax[0], minMax[1], minMax[2], minMax[3]);
        const width = box.x1 - box.x0;
        if (box.y1 - box.y0 < MIN_BOX_HEIGHT || (width < MIN_BOX_WIDTH && width > MAX_RULE_WIDTH)) break;
        if (PAINT_FILL.has(args[0])) boxes.push({ ...box, paint: 'fill', color: state.fill });
        if (PAINT_STROKE.has(args[0])) boxes.push({ ...box, paint: 'stroke', color: state.stroke });
        break;
      }
      case OPS.paintImageXObject:
        images.push({ ...bounds(state.ctm, 0, 0, 1, 1), pixelWidth: args[1], pixelHeight: args[2] });
        break;
      case OPS.paintInlineImageXObject:
        images.push({ ...bounds(state.ctm, 0, 0, 1, 1), pixelWidth: args[0]?.width ?? 0, pixelHeight: args[0]?.height ?? 0 });
        break;
      default:
        break;
    }
  }
  return { boxes, images };
}

function isPlaced(rect) {
  return [rect.x0, rect.y0, rect.x1, rect.y1].every(Number.isFinite);
}

function multiply(m, n) {
  return [
    m[0] * n[0] + m[2] * n[1],
    m[1] * n[0] + m[3] * n[1],
    m[0] * n[2] + m[2] * n[3],
    m[1] * n[2] + m[3] * n[3],
    m[0] * n[4] + m[2] * n[5] + m[4],
    m[1] * n[4] + m[3] * n[5] + m[5],
  ];
}

/** Axis-aligned page box of the user-space rectangle (x0, y0)-(x1, y1) under transform m. */
function bounds(m, x0, y0, x1, y1) {
  const xs = [];
  const ys = [];
  for (const [x, y] of [[x0, y0], [x1, y0], [x0, y1], [x1, y1]]) {
    xs.push(m[0] * x + m[2] * y + m[4]);
    ys.push(m[1] * x + m[3] * y + m[5]);
  }
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}
