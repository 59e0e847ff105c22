import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildSubmission, FIXTURE_VARIANTS, type FixtureVariant } from '../test/fixtures/submissions.js';
import { COLAB_PRINT_VARIANTS, type ColabPrintVariant, ColabPrinter, printColabStyle } from '../test/support/colab-print.js';

/**
 * Prints the fixture hand-ins (the honest one and every dishonest one the rubric tests use) in each
 * Colab print variant, for a person to look at: `<dir>/<hand-in>.<variant>.pdf`, and page 1 as
 * `<hand-in>.<variant>-1.png` (50 dpi) when poppler's pdftoppm is installed. PDFs come from (and go
 * to) the same cache the tests use. Run from the repository root:
 *
 *   npx esbuild scripts/print-colab-fixtures.ts --bundle --platform=node --format=esm --packages=external \
 *     --outfile=test/.cache/print-colab-fixtures.mjs && node test/.cache/print-colab-fixtures.mjs [dir] [name…]
 *
 * dir defaults to /tmp/colab-fixtures; names (hand-ins or variants, e.g. `good safari-a4`) narrow it.
 */
const [dir = '/tmp/colab-fixtures', ...names] = process.argv.slice(2);
const handIns = (Object.keys(FIXTURE_VARIANTS) as FixtureVariant[]).filter((v) => !names.some((n) => n in FIXTURE_VARIANTS) || names.includes(v));
const variants = (Object.keys(COLAB_PRINT_VARIANTS) as ColabPrintVariant[]).filter(
  (v) => !names.some((n) => n in COLAB_PRINT_VARIANTS) || names.includes(v),
);

await mkdir(dir, { recursive: true });
const printer = new ColabPrinter();
try {
  for (const handIn of handIns) {
    const notebook = buildSubmission(FIXTURE_VARIANTS[handIn]);
    for (const variant of variants) {
      const started = Date.now();
      const pdf = await printColabStyle(notebook, { ...COLAB_PRINT_VARIANTS[variant], printer });
      const file = path.join(dir, `${handIn}.${variant}.pdf`);
      await writeFile(file, pdf);
      const png = await pageOnePng(file).catch((error: Error) => `(no PNG: ${error.message})`);
      console.log(`${file}  ${(pdf.length / 1024).toFixed(0)} KiB  ${Date.now() - started} ms  ${png}`);
    }
  }
} finally {
  await printer.close();
}

function pageOnePng(pdf: string): Promise<string> {
  const prefix = pdf.replace(/\.pdf$/, '');
  return new Promise((resolve, reject) =>
    execFile('pdftoppm', ['-r', '50', '-png', '-f', '1', '-l', '1', pdf, prefix], (error) => {
      if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') reject(new Error("pdftoppm not found: install the Debian package 'poppler-utils'"));
      else if (error) reject(error);
      // pdftoppm pads the page number to the width of the page count.
      else resolve(`${prefix}-*1.png`);
    }),
  );
}
