import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { closePdfExtraction } from '../src/ingest/pdf/extract.js';
import { readPdf } from '../src/ingest/pdf.reader.js';
import { measureRecall, pdftotext } from './support/print-recall.js';
import { describeWithReference, REFERENCE_DIR } from './support/reference.js';

/**
 * Real Colab File → Print PDFs (other people's notebooks, each beside the notebook it was printed
 * from: reference/colab-prints/SOURCES.md). The reader must recover the notebook's code and outputs
 * from them: code-line recall ≥ 98%, output-line recall ≥ 95%, under 2% of lines read as the wrong
 * kind (support/print-recall.ts says how lines are counted).
 */
const PRINTS = join(REFERENCE_DIR, 'colab-prints');

describeWithReference('colab-prints')('real Colab prints', () => {
  afterAll(() => closePdfExtraction());
  const stems = () => readdirSync(PRINTS).filter((f) => f.endsWith('.pdf')).map((f) => f.slice(0, -4));

  it('finds prints to read', () => {
    expect(stems().length).toBeGreaterThanOrEqual(6);
  });

  for (const stem of readdirSyncSafe(PRINTS).filter((f) => f.endsWith('.pdf')).map((f) => f.slice(0, -4))) {
    it(`reads ${stem}`, async () => {
      const pdfPath = join(PRINTS, `${stem}.pdf`);
      const document = await readPdf(new Uint8Array(readFileSync(pdfPath)), `${stem}.pdf`);
      const notebook = JSON.parse(readFileSync(join(PRINTS, `${stem}.ipynb`), 'utf8'));
      const recall = measureRecall(notebook, document, await pdftotext(pdfPath));
      const summary = `${stem}: code ${pct(recall.codeRecall)} of ${recall.codeLines}, output ${pct(recall.outputRecall)} of ${recall.outputLines}, wrong kind ${pct(recall.wrongKindRate)}, layout ${document.reading.layout}, confidence ${document.reading.confidence}\n${recall.examples.join('\n')}`;
      expect({ summary, ok: recall.codeRecall >= 0.98 && recall.outputRecall >= 0.95 && recall.wrongKindRate < 0.02 }).toEqual({ summary, ok: true });
      expect(document.reading.layout).toMatch(/^colab-/);
      // Nothing of the browser's header and footer or of Colab's interface is read as content.
      const text = document.cells.map((c) => `${c.source}\n${c.outputs.map((o) => o.text).join('')}`).join('\n');
      expect(text).not.toMatch(/printMode=true|colab\.research\.google\.com\/drive|keyboard_arrow_down|Automatic document saving|Next steps:/);
    });
  }
});

function readdirSyncSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function pct(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}
