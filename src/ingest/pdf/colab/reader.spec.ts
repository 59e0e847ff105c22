import { pdfDocument } from '../../pdf.reader.js';
import type { ExtractedPdf } from '../extract.js';
import type { PaintedBox, RawPage, RawTextItem } from '../raw-page.js';

/**
 * The Colab reader's rules on hand-placed pages with the geometry measured on real Colab prints
 * (test/colab-prints.spec.ts reads the real ones): 7 pt monospace at 4.2 pt a character, 9.5 pt
 * line pitch; the indented layout's code at x = 40.5 and outputs 4.65 characters right of it.
 */
const GLYPH = 4.2;
const PITCH = 9.5;
const CODE = 40.5;
const OUTPUT = CODE + 4.65 * GLYPH;

function mono(text: string, x: number, y: number): RawTextItem[] {
  const items: RawTextItem[] = [];
  for (const match of text.matchAll(/\S+/g)) {
    const str = match[0];
    items.push({ str, x: x + match.index! * GLYPH, y, width: str.length * GLYPH, fontSize: 7, upright: true, font: 'mono', mono: true });
  }
  return items;
}

function prose(text: string, x: number, y: number, fontSize = 9): RawTextItem {
  return { str: text, x, y, width: text.length * fontSize * 0.5, fontSize, upright: true, font: 'sans', mono: false };
}

/** Lines of fixed-pitch text, one pitch apart ('' leaves a blank line). */
function lines(texts: string[], x: number, y0: number, pitch = PITCH): RawTextItem[] {
  return texts.flatMap((text, i) => mono(text, x, y0 + i * pitch));
}

const fill = (x0: number, y0: number, x1: number, y1: number): PaintedBox => ({ x0, y0, x1, y1, paint: 'fill', color: '#ffffff' });
const frame = (y0: number, y1: number): PaintedBox => ({ x0: 56.2, y0, x1: 571.3, y1, paint: 'stroke', color: '#c4c7c5' });

function page(number: number, text: RawTextItem[], boxes: PaintedBox[] = []): RawPage {
  return { number, width: 612, height: 792, text, boxes, images: [] };
}

function colabHeader(n: number, of: number): RawTextItem[] {
  return [
    prose('27/11/2025, 09:48', 24, 22.5, 8),
    prose('Class_06_2.ipynb - Colab', 300, 22.5, 8),
    prose('https://colab.research.google.com/drive/1txmI8ee5EV#scrollTo=8_m-38&printMode=true', 24, 775.5, 8),
    prose(`${n}/${of}`, 570, 775.5, 8),
  ];
}

function extracted(pages: RawPage[]): ExtractedPdf {
  return { numPages: pages.length, pages, pageErrors: [], info: { producer: 'Skia/PDF m142', creator: null, title: 'x.ipynb - Colab' } };
}

const summary = (pdf: ExtractedPdf) =>
  pdfDocument(pdf, 'x.pdf').cells.map((c) => (c.kind === 'code' ? { code: c.source, out: c.outputs.map((o) => `${o.type}:${o.text}`) } : { md: c.source }));

describe('Colab print reader', () => {
  it('reads the boxed layout: frames, editors, outputs at the code x, text outside frames, a frame cut by the page break', () => {
    const first = page(
      1,
      [
        ...colabHeader(1, 2),
        prose('\uE313', 40, 60, 12),
        prose('Exercise 7: Generate Data', 60, 60, 12),
        ...lines(['seed_val = 42', 'print(seed_val)'], 79.5, 100),
        ...lines(['42'], 79.5, 135),
        ...lines(['for i in range(2):', '    print(i)'], 79.5, 700),
      ],
      [frame(88, 145), fill(56.5, 88.3, 571, 120), frame(690, 850), fill(56.5, 690.2, 571, 725)],
    );
    const second = page(2, [...colabHeader(2, 2), ...lines(['0', '1'], 79.5, 50), prose('Next steps:', 64, 80, 7)], [frame(-120, 28.8), frame(28.3, 70)]);
    expect(summary(extracted([first, second]))).toEqual([
      { md: 'Exercise 7: Generate Data' },
      { code: 'seed_val = 42\nprint(seed_val)', out: ['stream:42\n'] },
      { code: 'for i in range(2):\n    print(i)', out: ['stream:0\n1\n'] },
    ]);
    const document = pdfDocument(extracted([first, second]), 'x.pdf');
    expect(document.reading).toEqual({ layout: 'colab-boxed', confidence: 1 });
    expect(document.warnings).toEqual([]);
  });

  it('reads a boxed print without background graphics (frames only) by the code grid, and says it is unsure', () => {
    const p = page(
      1,
      [
        ...colabHeader(1, 1),
        ...lines(['x = 1', 'z = 3', '', 'print(x)'], 79.5, 100),
        ...lines(['1'], 79.5, 100 + 3 * PITCH + 14),
        ...lines(['y = 2'], 79.5, 200),
      ],
      [frame(88, 140), frame(190, 210)],
    );
    expect(summary(extracted([p]))).toEqual([
      { code: 'x = 1\nz = 3\n\nprint(x)', out: ['stream:1\n'] },
      { code: 'y = 2', out: [] },
    ]);
    expect(pdfDocument(extracted([p]), 'x.pdf').reading.confidence).toBeLessThan(0.8);
  });

  it('reads the indented layout: editor boxes, outputs off the code grid, an editor continued on the next page', () => {
    const editor = (y0: number, y1: number) => fill(37.5, y0, 561.5, y1);
    const cell = (y0: number, y1: number) => fill(37.5, y0, 565.5, y1);
    const first = page(
      1,
      [
        ...colabHeader(1, 2),
        prose('Exercise 3: Convert', 36.5, 60, 12),
        ...lines(['def f(x):', '    return x', '', 'print(f(3))'], CODE, 100),
        ...lines(['3'], OUTPUT, 150),
        ...lines(['class Model:'], CODE, 700),
      ],
      [cell(90, 160), editor(95, 140), fill(57.5, 141, 565, 160), cell(690, 900), editor(695, 900), editor(695, 900), editor(10, 20), editor(30, 40)],
    );
    // The editor goes on from the page above: only indented lines, known by the editor's shape.
    const second = page(2, [...colabHeader(2, 2), ...lines(['    def forward(self):', '        return 1'], CODE, 50)], [cell(-120, 80), editor(-115, 80)]);
    expect(summary(extracted([first, second]))).toEqual([
      { md: 'Exercise 3: Convert' },
      { code: 'def f(x):\n    return x\n\nprint(f(3))', out: ['stream:3\n'] },
      { code: 'class Model:\n    def forward(self):\n        return 1', out: [] },
    ]);
    expect(pdfDocument(extracted([first, second]), 'x.pdf').reading.layout).toBe('colab-indented');
  });

  it('drops the auto-save pop-up from inside a code line and keeps a traceback as an error output', () => {
    const p = page(
      1,
      [
        ...colabHeader(1, 1),
        ...mono('data', CODE, 100),
        prose('Automatic document saving has been pending for 18 minutes. Reloading may  x the problem. Save and', 60, 100),
        ...mono('= load()', CODE + 5 * GLYPH, 100),
        prose('reload the page.', 60, 111),
        ...lines(['Traceback (most recent call last):', 'ValueError: bad seed'], OUTPUT, 130),
      ],
      [fill(37.5, 90, 565.5, 160), fill(37.5, 95, 561.5, 120)],
    );
    const [cell] = pdfDocument(extracted([p]), 'x.pdf').cells;
    expect(cell.source).toBe('data = load()');
    expect(cell.outputs).toMatchObject([{ type: 'error', errorName: 'ValueError', errorValue: 'bad seed' }]);
  });

  it("keeps one copy of Safari's doubled code text, the longer where they differ", () => {
    // The second copy splits `!pip` as `!` + `pip`, and its last word is longer.
    const split = [
      { ...mono('!', CODE, 100)[0] },
      { ...mono('pip', CODE + GLYPH, 100)[0] },
    ];
    const doubled = [...mono('!pip install torch-', CODE, 100), ...mono('!pip install torch-1', CODE, 100), ...split];
    const p = page(1, doubled, [fill(37.5, 90, 565.5, 120), fill(37.5, 92, 561.5, 110)]);
    expect(pdfDocument(extracted([p]), 'x.pdf').cells.map((c) => c.source)).toEqual(['!pip install torch-1']);
  });

  it('reads a print without any drawing (another print driver) from positions, runs out of order, and says it is unsure', () => {
    // Text runs arrive right to left and without spaces: positions alone give the spacing.
    const reversed = (items: RawTextItem[]) => [...items].reverse();
    const p = page(1, [
      prose('Exercise 1: Load', 36.5, 60, 12),
      ...reversed(lines(['for i in range(2):', '    print(i)'], CODE, 100)),
      ...reversed(lines(['0', '1'], OUTPUT, 100 + 2 * PITCH + 4)),
      prose('Exercise 2: Save', 36.5, 200, 12),
    ]);
    const document = pdfDocument(extracted([p]), 'x.pdf');
    expect(summary(extracted([p]))).toEqual([
      { md: 'Exercise 1: Load' },
      { code: 'for i in range(2):\n    print(i)', out: ['stream:0\n1\n'] },
      { md: 'Exercise 2: Save' },
    ]);
    expect(document.reading.layout).toBe('colab-plain');
    expect(document.reading.confidence).toBeLessThan(0.8);
    expect(document.warnings.join('\n')).toMatch(/no cell boxes/);
  });

  it('reads a print of only text as markdown, with no confidence', () => {
    const p = page(1, [prose('Some notes', 36.5, 60), prose('More notes', 36.5, 80)]);
    const document = pdfDocument(extracted([p]), 'x.pdf');
    expect(document.cells.map((c) => c.kind)).toEqual(['markdown']);
    expect(document.reading.confidence).toBeLessThanOrEqual(0.2);
    expect(document.warnings).toContain('no code cells found: all text was read as markdown');
  });
});
