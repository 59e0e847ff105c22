import fc from 'fast-check';
import { cellOutputText } from '../document.js';
import { pdfDocument } from '../pdf.reader.js';
import type { ExtractedPdf } from './extract.js';
import type { PaintedBox, PlacedImage, RawPage, RawTextItem } from './raw-page.js';

/**
 * The layout rules on hand-placed pages with the geometry measured on real Chromium prints
 * (9.75 pt monospace, 5.87 pt per character, 12.19 pt line pitch, input boxes from x = 102 to 567).
 * The end-to-end tests on real prints are in test/pdf-reader.spec.ts.
 */
const GLYPH = 5.8696;
const PITCH = 12.1875;
const CODE_LEFT = 106.64;
const OUTPUT_LEFT = 105.75;

function mono(text: string, x: number, y: number): RawTextItem[] {
  // pdf.js splits runs at spaces; positions carry the spacing.
  const items: RawTextItem[] = [];
  for (const match of text.matchAll(/\S+/g)) {
    const str = match[0];
    items.push({ str, x: x + match.index! * GLYPH, y, width: str.length * GLYPH, fontSize: 9.75, upright: true, font: 'f3', mono: true });
  }
  return items;
}

function prose(text: string, x: number, y: number, fontSize = 10.5): RawTextItem {
  return { str: text, x, y, width: text.length * fontSize * 0.5, fontSize, upright: true, font: 'f2', mono: false };
}

function codeLines(lines: string[], y0: number): RawTextItem[] {
  return lines.flatMap((line, i) => mono(line, CODE_LEFT, y0 + i * PITCH));
}

function outputLines(lines: string[], y0: number): RawTextItem[] {
  return lines.flatMap((line, i) => mono(line, OUTPUT_LEFT, y0 + i * PITCH));
}

const inputBox = (y0: number, y1: number): PaintedBox => ({ x0: 102, y0, x1: 567, y1, paint: 'fill', color: '#f5f5f5' });

function page(number: number, text: RawTextItem[], boxes: PaintedBox[] = [], images: PlacedImage[] = []): RawPage {
  return { number, width: 612, height: 792, text, boxes, images };
}

function extracted(pages: RawPage[]): ExtractedPdf {
  return { numPages: pages.length, pages, pageErrors: [], info: { producer: 'test', creator: null, title: null } };
}

describe('PDF layout rules', () => {
  it('reads prompts, input boxes, indentation, outputs, results and a cell continued on the next page', () => {
    const first = page(1, [
      prose('Exercise 7: Generate Random Testing Data', 105.75, 60, 15.12),
      prose('In the cell below write the code.', 105.75, 90),
      ...mono('In [12]:', 50.53, 130),
      ...codeLines(['for i in range(3):', '    if i % 2 == 0:', '        print(i)'], 130.75),
      ...outputLines(['0', '2'], 130.75 + 2 * PITCH + 20.25),
      ...mono('In [13]:', 50.53, 700),
      ...codeLines(['x = 1', '', 'def f():'], 700.75),
    ], [inputBox(118, 167), inputBox(688, 764)]);
    const second = page(2, [
      ...codeLines(['    return x', 'f()'], 40),
      ...mono('Out[13]:', 50.53, 40 + PITCH + 25.5),
      ...outputLines(['1'], 40 + PITCH + 20.25),
    ], [inputBox(27.7, 70)]);

    const document = pdfDocument(extracted([first, second]), 'smith.pdf');

    expect(document.warnings).toEqual([]);
    expect(document.cells.map((c) => [c.kind, c.page, c.executionCount])).toEqual([
      ['markdown', 1, null],
      ['code', 1, 12],
      ['code', 1, 13],
    ]);
    const [markdown, loop, continued] = document.cells;
    expect(markdown.source).toBe('Exercise 7: Generate Random Testing Data\nIn the cell below write the code.');
    expect(loop.source).toBe('for i in range(3):\n    if i % 2 == 0:\n        print(i)');
    expect(loop.outputs).toEqual([expect.objectContaining({ type: 'stream', stream: 'stdout', text: '0\n2\n' })]);
    expect(continued.source).toBe('x = 1\n\ndef f():\n    return x\nf()');
    expect(continued.outputs).toEqual([expect.objectContaining({ type: 'execute_result', text: '1\n' })]);
  });

  it('splits markdown at headings and keeps a markdown code block in its markdown cell', () => {
    const document = pdfDocument(
      extracted([
        // A prompt makes it an nbconvert print (prompt-less prints are read as Colab's, colab/).
        page(1, [
          ...mono('In [1]:', 50.53, 40),
          ...codeLines(['import torch'], 40.75),
          prose('Exercise 1: Download', 105.75, 60, 15.12),
          prose('In the cell below write the code to copy the model. Change this line:', 105.75, 90),
          ...mono('eg_model = load()', 130, 110),
          prose('Exercise 2: Load', 105.75, 150, 15.12),
        ], [inputBox(28, 46)]),
      ]),
      'x.pdf',
    );
    expect(document.cells.map((c) => c.source)).toEqual([
      'import torch',
      'Exercise 1: Download\nIn the cell below write the code to copy the model. Change this line:\neg_model = load()',
      'Exercise 2: Load',
    ]);
  });

  it('attaches an image below a cell to that cell, and ignores pictures under markdown text', () => {
    const figure: PlacedImage = { x0: 105, y0: 160, x1: 400, y1: 300, pixelWidth: 640, pixelHeight: 480 };
    const screenshot: PlacedImage = { x0: 105, y0: 360, x1: 400, y1: 500, pixelWidth: 800, pixelHeight: 300 };
    const document = pdfDocument(
      extracted([
        page(
          1,
          [...mono('In [5]:', 50.53, 130), ...codeLines(['plt.show()'], 130.75), prose('If the code is correct you should see', 105.75, 340)],
          [inputBox(118, 142)],
          [figure, screenshot],
        ),
      ]),
      'x.pdf',
    );
    const [code, markdown] = document.cells;
    expect(code.outputs).toEqual([
      { type: 'display_data', stream: null, text: '', images: [{ mime: 'image/pdf-xobject', bytes: null, width: 640, height: 480 }], errorName: null, errorValue: null },
    ]);
    expect(markdown.outputs).toEqual([]);
  });

  it('reads a tinted output box as stderr, or as an error when it holds a traceback', () => {
    const tint = (y0: number, y1: number): PaintedBox => ({ x0: 102, y0, x1: 567, y1, paint: 'fill', color: '#ffdddd' });
    const document = pdfDocument(
      extracted([
        page(
          1,
          [
            ...mono('In [1]:', 50.53, 100),
            ...codeLines(['warn()'], 100.75),
            ...outputLines(['UserWarning: careful'], 125),
            ...mono('In [2]:', 50.53, 200),
            ...codeLines(["raise ValueError('bad')"], 200.75),
            ...outputLines(['ValueError  Traceback (most recent call last)', 'ValueError: bad'], 225),
          ],
          [inputBox(88, 112), tint(115, 130), inputBox(188, 212), tint(215, 250)],
        ),
      ]),
      'x.pdf',
    );
    expect(document.cells[0].outputs).toEqual([expect.objectContaining({ type: 'stream', stream: 'stderr', text: 'UserWarning: careful\n' })]);
    expect(document.cells[1].outputs).toEqual([
      expect.objectContaining({ type: 'error', errorName: 'ValueError', errorValue: 'bad' }),
    ]);
  });

  describe('prints without any input box', () => {
    it('splits code from output at the first gap that is not a whole number of lines', () => {
      const document = pdfDocument(
        extracted([
          page(1, [
            ...mono('In [3]:', 50.53, 100),
            ...codeLines(['import numpy as np', '', 'x = np.arange(3)', 'print(x)'], 100.75),
            ...outputLines(['[0 1 2]'], 100.75 + 3 * PITCH + 20.25),
          ]),
        ]),
        'x.pdf',
      );
      const [cell] = document.cells;
      expect(cell.source).toBe('import numpy as np\n\nx = np.arange(3)\nprint(x)');
      expect(cellOutputText(cell)).toBe('[0 1 2]\n');
      expect(document.warnings).toEqual(['no input cell boxes in this print: code and output were told apart by line spacing only']);
    });

    it('keeps text it cannot place as output, and says so', () => {
      const document = pdfDocument(
        extracted([page(1, [...mono('In [3]:', 50.53, 100), ...codeLines(['x = 1', 'print(x)', '1'], 100.75)])]),
        'x.pdf',
      );
      const [cell] = document.cells;
      expect(cell.source).toBe('x = 1');
      expect(cellOutputText(cell)).toBe('print(x)\n1\n');
      expect(document.warnings).toContain(
        'page 1: cell In [3] has no input box; its code and output could not be told apart, so its text after the first line is kept as output',
      );
    });
  });

  it('drops browser headers and footers repeated in the page margins', () => {
    const margins = (n: number) => [prose('11/26/25, 8:15 AM', 20, 20, 8), prose(`file:///tmp/notebook.html ${n}/3`, 20, 780, 8)];
    const body = (n: number) => prose(`Body text of page ${n}, long enough to be the usual size of the document.`, 105.75, 300);
    // A notebook's own line opening every page (a long log) is in the code size and stays.
    const log = (n: number) => mono(`epoch ${n}: loss 0.${n}`, OUTPUT_LEFT, 36.75);
    // The last page ends with a cell, so this is an nbconvert print (prompt-less prints are Colab's).
    const cell = [...mono('In [1]:', 50.53, 400), ...codeLines(['x = 1'], 400.75)];
    const pages = [1, 2, 3].map((n) => page(n, [...margins(n), ...log(n), body(n), ...(n === 3 ? cell : [])], n === 3 ? [inputBox(388, 406)] : []));
    const document = pdfDocument(extracted(pages), 'x.pdf');
    expect(document.cells.map((c) => c.source)).toEqual([
      [1, 2, 3].map((n) => `epoch ${n}: loss 0.${n}\n${body(n).str}`).join('\n'),
      'x = 1',
    ]);
    expect(document.metadata.marginLinesDropped).toBe(2);
  });

  it('never fails on arbitrary geometry (what a damaged file can still put on a page)', () => {
    const coordinate = fc.double({ min: -1e6, max: 1e6, noNaN: true });
    const size = fc.double({ min: 1e-3, max: 200, noNaN: true });
    const item = fc.record({
      str: fc.oneof(fc.constantFrom('In', '[3]:', 'Out[3]:', 'x', 'Exercise 7:'), fc.string({ minLength: 1, maxLength: 12 })),
      x: coordinate, y: coordinate, width: fc.double({ min: 0, max: 1e4, noNaN: true }), fontSize: size,
      upright: fc.boolean(), font: fc.constantFrom('f1', 'f2'), mono: fc.boolean(),
    });
    const box = fc.record({ x0: coordinate, y0: coordinate, x1: coordinate, y1: coordinate, paint: fc.constantFrom('fill' as const, 'stroke' as const), color: fc.constantFrom('#f5f5f5', '#ffdddd', '#ffffff') });
    const image = fc.record({ x0: coordinate, y0: coordinate, x1: coordinate, y1: coordinate, pixelWidth: fc.nat(5000), pixelHeight: fc.nat(5000) });
    const rawPage = fc.record({ text: fc.array(item, { maxLength: 60 }), boxes: fc.array(box, { maxLength: 8 }), images: fc.array(image, { maxLength: 3 }) });
    fc.assert(
      fc.property(fc.array(rawPage, { minLength: 1, maxLength: 3 }), (pages) => {
        const document = pdfDocument(extracted(pages.map((p, i) => page(i + 1, p.text, p.boxes, p.images))), 'x.pdf');
        const size = document.cells.reduce((n, c) => n + c.source.length + cellOutputText(c).length, 0);
        return document.cells.every((c, i) => c.index === i) && size < 1_000_000;
      }),
      { numRuns: 300 },
    );
  });
});
