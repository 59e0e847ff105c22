import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { PROJECT_ROOT } from '../../src/paths.js';
import { escapeHtml } from './colab-markdown.js';
import { type LookName, printScale, renderColabHtml } from './colab-html.js';
import { writeCached } from './print-pdf.js';

/**
 * Print a notebook the way Colab's File → Print does (no `In [n]:` prompts), so the reader and the
 * grading path can be tested on Colab-style PDFs: test/support/colab-html.ts lays the notebook out
 * as Colab shows it, Debian's chromium (driven by playwright-core) prints it with the browser's
 * header and footer. Real Chromium output means real content-stream order, fonts, clipping and
 * drawing (cell boxes), as in test/support/print-pdf.ts for nbconvert prints.
 *
 * PDFs are cached under test/.cache/colab-pdf/ by the hash of the HTML and the print settings, so a
 * change to the notebook or to the renderer prints again and nothing else does (a new Chromium
 * does not: delete the folder).
 */
export interface ColabPrintOptions {
  /** 'boxed': 2025+ (each cell a rounded box, outputs at the code's x); 'indented': 2020–2024 (outputs right of the code). */
  layout: 'indented' | 'boxed';
  /** The browser's header (date, title) and footer (URL, page number), as "Headers and footers" ticked. */
  headerFooter: boolean;
  paper: 'Letter' | 'A4';
  /** Safari's print of the live page (2023): its own header/footer, toolbar, sizes and lost ligatures. Indented only. */
  safari: boolean;
  /** Indented only: 2024 (Chrome 131, 7pt code) or 2020 (Chrome 80, 10.5pt code). Default 2024. */
  era?: 2020 | 2024;
  /** Colab's auto-save notice, repeated on every page. Default: on for the 2020 look only. */
  autosavePopup?: boolean;
  /** Form cells show only their title (Colab's default) or their code too. Default 'hidden'. */
  formCode?: 'hidden' | 'shown';
  /** The notebook's name in the title and header. Default 'Class_06_2.ipynb'. */
  fileName?: string;
  /** Cache folder; null disables the cache. */
  cacheDir?: string | null;
  /** Limit for one print, in ms. */
  timeoutMs?: number;
  /** Reuse a printer's browser (see ColabPrinter); without it one is started and closed for this print. */
  printer?: ColabPrinter;
}

/**
 * The print variants the tests and the sample script use: each layout with and without the
 * browser's header and footer, both papers, and Safari. "indented-2020" is the older indented look
 * (10.5pt code, "Colaboratory", the auto-save pop-up on every page).
 */
export const COLAB_PRINT_VARIANTS = {
  'boxed-letter': { layout: 'boxed', headerFooter: true, paper: 'Letter', safari: false },
  'boxed-a4-noheader': { layout: 'boxed', headerFooter: false, paper: 'A4', safari: false },
  'indented-a4': { layout: 'indented', headerFooter: true, paper: 'A4', safari: false },
  'indented2020-letter-noheader': { layout: 'indented', headerFooter: false, paper: 'Letter', safari: false, era: 2020 },
  'indented2020-letter': { layout: 'indented', headerFooter: true, paper: 'Letter', safari: false, era: 2020 },
  'safari-a4': { layout: 'indented', headerFooter: true, paper: 'A4', safari: true },
} as const satisfies Record<string, ColabPrintOptions>;
export type ColabPrintVariant = keyof typeof COLAB_PRINT_VARIANTS;

export const DEFAULT_COLAB_PDF_CACHE = join(PROJECT_ROOT, 'test', '.cache', 'colab-pdf');
const CHROMIUM = '/usr/bin/chromium';
const FONTS = ['DejaVu Sans', 'DejaVu Sans Mono'];

/** The browser's header and footer for one look. Dates are fixed so the PDFs (and the cache) are stable. */
interface Chrome {
  titleSuffix: string;
  date: string;
  /** Safari puts the title left and the date right; Chrome the date left and the title centred. */
  safari: boolean;
  /** Colab's print view adds `&printMode=true`; Safari printed the live page (with `?authuser=1`). */
  url: (driveId: string, cellId: string) => string;
  /** Page margins: the header and footer live in them. */
  margin: { top: number; bottom: number };
}

const CHROME: Record<LookName, Chrome> = {
  boxed: {
    titleSuffix: ' - Colab',
    date: '26/11/2025, 10:15',
    safari: false,
    url: (d, c) => `https://colab.research.google.com/drive/${d}#scrollTo=${c}&printMode=true`,
    margin: { top: 28.35, bottom: 28.35 },
  },
  'indented-2024': {
    titleSuffix: ' - Colab',
    date: '11/26/25, 10:15 AM',
    safari: false,
    url: (d, c) => `https://colab.research.google.com/drive/${d}#scrollTo=${c}&printMode=true`,
    margin: { top: 28.35, bottom: 28.35 },
  },
  'indented-2020': {
    titleSuffix: ' - Colaboratory',
    date: '11/26/2025',
    safari: false,
    url: (d, c) => `https://colab.research.google.com/drive/${d}#scrollTo=${c}&printMode=true`,
    margin: { top: 28.35, bottom: 28.35 },
  },
  safari: {
    titleSuffix: ' - Colaboratory',
    date: '26/11/25, 10:15 AM',
    safari: true,
    url: (d, c) => `https://colab.research.google.com/drive/${d}?authuser=1#scrollTo=${c}`,
    margin: { top: 30, bottom: 60 },
  },
};

export function lookFor(options: Pick<ColabPrintOptions, 'layout' | 'safari' | 'era'>): LookName {
  if (options.safari) {
    if (options.layout !== 'indented') throw new Error("safari: the Safari prints seen are in the indented layout; use layout 'indented'");
    return 'safari';
  }
  if (options.layout === 'boxed') return 'boxed';
  return options.era === 2020 ? 'indented-2020' : 'indented-2024';
}

export async function printColabStyle(notebook: object, options: ColabPrintOptions): Promise<Buffer> {
  if (options.printer) return options.printer.print(notebook, options);
  const printer = new ColabPrinter();
  try {
    return await printer.print(notebook, options);
  } finally {
    await printer.close();
  }
}

/**
 * One browser for many prints (starting chromium costs about a second). It starts on the first
 * print that misses the cache; close() ends it and removes its profile.
 */
export class ColabPrinter {
  private context: Promise<BrowserContext> | null = null;
  private profile: string | null = null;

  async print(notebook: object, options: ColabPrintOptions): Promise<Buffer> {
    const look = lookFor(options);
    const chrome = CHROME[look];
    const fileName = options.fileName ?? 'Class_06_2.ipynb';
    const title = `${fileName}${chrome.titleSuffix}`;
    const html = renderColabHtml(notebook as Record<string, unknown>, look, {
      autosavePopup: options.autosavePopup ?? look === 'indented-2020',
      formCode: options.formCode,
      documentTitle: title,
    });
    const pdfOptions = {
      format: options.paper,
      scale: printScale(look),
      printBackground: true,
      displayHeaderFooter: options.headerFooter,
      ...(options.headerFooter ? templates(chrome, title, urlFor(notebook, chrome)) : {}),
      // Playwright takes no pt unit; 72pt to the inch.
      margin: { top: `${chrome.margin.top / 72}in`, bottom: `${chrome.margin.bottom / 72}in`, left: '0', right: '0' },
    };

    const cacheDir = options.cacheDir === undefined ? DEFAULT_COLAB_PDF_CACHE : options.cacheDir;
    const key = createHash('sha256').update(html).update('\0').update(JSON.stringify(pdfOptions)).digest('hex');
    const cached = cacheDir ? join(cacheDir, `${key}.pdf`) : null;
    if (cached) {
      const hit = await readFile(cached).catch(() => null);
      if (hit) return hit;
    }

    const timeoutMs = options.timeoutMs ?? 90_000;
    const context = await this.open(timeoutMs);
    const page = await context.newPage();
    let pdf: Buffer;
    try {
      page.setDefaultTimeout(timeoutMs);
      await page.setContent(html, { waitUntil: 'load' });
      pdf = await withTimeout(page.pdf(pdfOptions), timeoutMs, `chromium did not print within ${timeoutMs} ms`);
    } finally {
      await page.close().catch(() => undefined);
    }
    if (cached) await writeCached(cached, pdf);
    return pdf;
  }

  async close(): Promise<void> {
    const context = this.context;
    this.context = null;
    if (context) await (await context.catch(() => null))?.close().catch(() => undefined);
    if (this.profile) await rm(this.profile, { recursive: true, force: true });
    this.profile = null;
  }

  private open(timeoutMs: number): Promise<BrowserContext> {
    this.context ??= (async () => {
      await checkTools();
      const { chromium } = await import('playwright-core').catch(() => {
        throw new Error('playwright-core is not installed: it is a devDependency of this project (npm ci)');
      });
      this.profile = await mkdtemp(join(tmpdir(), 'colab-print-'));
      return chromium.launchPersistentContext(this.profile, {
        executablePath: CHROMIUM,
        headless: true,
        timeout: timeoutMs,
        // The machine has no network: without these Chromium keeps retrying its background services.
        args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
    })();
    // A failed start is not remembered: the next print tries again and gets the same clear error.
    this.context.catch(() => {
      this.context = null;
    });
    return this.context;
  }
}

/**
 * Chromium's header and footer templates, placed like the browser's own (Chrome: 8pt, header text
 * top 15pt from the page's top, footer text top 23.7pt from its bottom, 24pt from the sides;
 * Safari: 7pt, 17pt from the top, footer 51pt from the bottom, 18pt from the sides).
 * Chromium puts the header template's box 15pt below the page's top and the footer's box with its
 * bottom 15pt above the page's bottom (measured), so the boxes' heights and offsets below aim at those.
 * `pageNumber`/`totalPages` are filled in by Chromium.
 */
function templates(chrome: Chrome, title: string, url: string): { headerTemplate: string; footerTemplate: string } {
  const side = chrome.safari ? 18 : 24;
  const box = (height: number, inner: string) =>
    `<div style="position:relative;width:100%;height:${height}pt;margin:0;font-family:'DejaVu Sans';font-size:${chrome.safari ? 7 : 8}pt;color:#000">${inner}</div>`;
  const at = (css: string, html: string) => `<span style="position:absolute;white-space:nowrap;${css}">${html}</span>`;
  const page = chrome.safari
    ? 'Page <span class="pageNumber"></span> of <span class="totalPages"></span>'
    : '<span class="pageNumber"></span>/<span class="totalPages"></span>';
  const headerTop = chrome.safari ? 2 : 0;
  const header = chrome.safari
    ? at(`left:${side}pt;top:${headerTop}pt`, escapeHtml(title)) + at(`right:${side}pt;top:${headerTop}pt`, escapeHtml(chrome.date))
    : at(`left:${side}pt;top:${headerTop}pt`, escapeHtml(chrome.date)) + at(`left:0;right:0;top:${headerTop}pt;text-align:center`, escapeHtml(title));
  // Footer text top = page height - 15 - box height + offset.
  const [footerHeight, footerTop] = chrome.safari ? [40, 4] : [10, 1.3];
  const footer = at(`left:${side}pt;top:${footerTop}pt`, escapeHtml(url)) + at(`right:${side}pt;top:${footerTop}pt`, page);
  return { headerTemplate: box(10, header), footerTemplate: box(footerHeight, footer) };
}

/** A Drive file id and a cell id, derived from the notebook so that each hand-in has its own URL. */
function urlFor(notebook: object, chrome: Chrome): string {
  const digest = createHash('sha256').update(JSON.stringify(notebook)).digest('base64url');
  const cells = ((notebook as { cells?: { metadata?: { id?: unknown } }[] }).cells ?? []);
  const cellId = typeof cells[0]?.metadata?.id === 'string' ? (cells[0].metadata.id as string) : digest.slice(33, 45);
  return chrome.url(`1${digest.slice(0, 32)}`, cellId);
}

let toolsChecked: Promise<void> | null = null;

/** Chromium and the fonts the looks name; a missing font would silently fall back to another. */
function checkTools(): Promise<void> {
  toolsChecked ??= (async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install the Debian package 'chromium' (apt-get install chromium)`);
    for (const family of FONTS) {
      const found = await new Promise<string>((resolve, reject) =>
        execFile('fc-list', [`:family=${family}`, 'family'], (error, stdout) => {
          if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') {
            reject(new Error("fc-list not found: install the Debian package 'fontconfig' (apt-get install fontconfig)"));
          } else resolve(error ? '' : stdout);
        }),
      );
      if (found.trim() === '') throw new Error(`font '${family}' not found by fc-list: install the Debian package 'fonts-dejavu-core'`);
    }
  })();
  toolsChecked.catch(() => {
    toolsChecked = null;
  });
  return toolsChecked;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
