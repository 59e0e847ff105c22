import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PROJECT_ROOT } from '../../src/paths.js';

/**
 * Print a notebook to PDF the way a student's browser print looks: nbconvert renders the notebook
 * to HTML, headless Chromium prints that page. Both are real tools (Debian packages), so the PDFs
 * the reader is tested on have Chromium's real content-stream order, fonts and clipping.
 *
 * Printing takes a couple of seconds, so PDFs are cached by the hash of the notebook JSON (and the
 * options) under test/.cache/pdf/, which is gitignored.
 */
export interface PrintOptions {
  /** nbconvert template; 'lab' is nbconvert's default and what the reader is tuned on. */
  template?: 'lab' | 'classic';
  /** Limit for each subprocess, in ms. */
  timeoutMs?: number;
  /** Cache folder; null disables the cache. */
  cacheDir?: string | null;
  /**
   * false prints without cell backgrounds, like Chrome's print dialog with "Background graphics"
   * unticked (its default). Headless Chromium always prints backgrounds, so they are removed by CSS.
   */
  backgrounds?: boolean;
  /** true keeps Chrome's header (date, title) and footer (URL, page n/N), as a student's print has. */
  headerFooter?: boolean;
}

const NO_BACKGROUNDS_CSS = '<style>*, *::before, *::after { background: transparent !important; }</style>';

const REPO_ROOT = PROJECT_ROOT;
export const DEFAULT_PDF_CACHE = join(REPO_ROOT, 'test', '.cache', 'pdf');

/** The tools and the Debian package that provides each, for a clear error when one is missing. */
const TOOLS = {
  nbconvert: { command: 'jupyter-nbconvert', aptPackage: 'jupyter-nbconvert' },
  chromium: { command: 'chromium', aptPackage: 'chromium' },
} as const;

/** Write then rename: two test workers printing the same notebook never see half a file. */
export async function writeCached(path: string, bytes: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.tmp`;
  await writeFile(partial, bytes);
  await rename(partial, path);
}

export async function printNotebookToPdf(notebook: object, opts: PrintOptions = {}): Promise<Buffer> {
  const template = opts.template ?? 'lab';
  const timeoutMs = opts.timeoutMs ?? 90_000;
  const cacheDir = opts.cacheDir === undefined ? DEFAULT_PDF_CACHE : opts.cacheDir;
  const json = JSON.stringify(notebook);
  const backgrounds = opts.backgrounds ?? true;
  const headerFooter = opts.headerFooter ?? false;
  const key = createHash('sha256')
    .update(json)
    .update(`\0template=${template}\0backgrounds=${backgrounds}\0headerFooter=${headerFooter}`)
    .digest('hex');
  const cached = cacheDir ? join(cacheDir, `${key}.pdf`) : null;
  if (cached) {
    const hit = await readFile(cached).catch(() => null);
    if (hit) return hit;
  }

  const work = await mkdtemp(join(tmpdir(), 'print-pdf-'));
  try {
    const notebookPath = join(work, 'notebook.ipynb');
    await writeFile(notebookPath, json);
    await run('nbconvert', ['--to', 'html', `--template=${template}`, '--output-dir', work, notebookPath], timeoutMs);
    const htmlPath = join(work, 'notebook.html');
    if (!backgrounds) {
      const html = await readFile(htmlPath, 'utf8');
      await writeFile(htmlPath, html.replace('</head>', `${NO_BACKGROUNDS_CSS}</head>`));
    }
    const pdfPath = join(work, 'notebook.pdf');
    await run(
      'chromium',
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        // The machine has no network: without these Chromium keeps retrying its background services.
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        `--user-data-dir=${join(work, 'chromium-profile')}`,
        ...(headerFooter ? [] : ['--no-pdf-header-footer']),
        `--print-to-pdf=${pdfPath}`,
        htmlPath,
      ],
      timeoutMs,
    );
    const pdf = await readFile(pdfPath).catch(() => {
      throw new Error(`chromium exited without writing ${pdfPath}`);
    });
    if (cached) await writeCached(cached, pdf);
    return pdf;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function run(tool: keyof typeof TOOLS, args: string[], timeoutMs: number): Promise<void> {
  const { command, aptPackage } = TOOLS[tool];
  return new Promise((resolvePromise, reject) => {
    execFile(
      command,
      args,
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        if (!error) return resolvePromise();
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          reject(new Error(`${command} not found: install the Debian package '${aptPackage}' (apt-get install ${aptPackage})`));
        } else if (error.killed) {
          reject(new Error(`${command} did not finish within ${timeoutMs} ms`));
        } else {
          reject(new Error(`${command} failed (${error.message.split('\n')[0]}): ${lastLines(stderr, 5)}`));
        }
      },
    );
  });
}

function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join('\n');
}
