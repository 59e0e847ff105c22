import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readPdf } from '../src/ingest/pdf.reader.js';
import { measureRecall, pdftotext } from '../test/support/print-recall.js';
import { REFERENCE_DIR } from '../test/support/reference.js';
import { benchPdfReader, type PdfReaderBench } from './pdf-reader.bench.js';

/**
 * The real Colab prints in REFERENCE_DIR/colab-prints: how much of each notebook the reader recovers
 * (code-line recall, target ≥ 98%; output-line recall, ≥ 95%; lines read as the wrong kind, < 2%)
 * and its read time per page beside pdftotext's. Skipped, with a line saying so, without the prints.
 */
export async function benchColabPrints(): Promise<Array<PdfReaderBench & Record<string, unknown>> | { skipped: string }> {
  const folder = join(REFERENCE_DIR, 'colab-prints');
  const files = await readdir(folder).catch(() => null);
  if (!files) return { skipped: `${folder} is absent (set REFERENCE_DIR)` };
  const results = [];
  for (const pdf of files.filter((f) => f.endsWith('.pdf')).sort()) {
    const path = join(folder, pdf);
    const [timing] = await benchPdfReader([path], { runs: 5 });
    const document = await readPdf(await readFile(path), pdf);
    const notebook = JSON.parse(await readFile(path.replace(/\.pdf$/, '.ipynb'), 'utf8'));
    const recall = measureRecall(notebook, document, await pdftotext(path));
    results.push({
      ...timing,
      layout: document.reading.layout,
      confidence: document.reading.confidence,
      codeRecall: percent(recall.codeRecall),
      codeLines: recall.codeLines,
      outputRecall: percent(recall.outputRecall),
      outputLines: recall.outputLines,
      wrongKind: percent(recall.wrongKindRate),
    });
  }
  return results;
}

function percent(value: number): number {
  return Math.round(value * 1000) / 10;
}
