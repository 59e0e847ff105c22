import { repeatedMarginLines } from './margins.js';
import type { RawPage, RawTextItem } from './raw-page.js';

/**
 * Which lines count as Chrome's header and footer, on pages laid out like the classic template's
 * print (measured): prose and the header both 8 pt, code and output 6.5 pt monospace, the header at
 * y = 22.5 and the footer at 774.7 on a 792 pt page, content from y = 27 on.
 */
function text(str: string, y: number, fontSize: number, mono = false): RawTextItem {
  return { str, x: 31.7, y, width: str.length * fontSize * 0.5, fontSize, upright: true, font: mono ? 'f3' : 'f2', mono };
}

function page(number: number, top: RawTextItem): RawPage {
  const items = [
    text('12/2/26, 12:37 AM notebook', 22.5, 8),
    top,
    text('Some prose of the lesson, in the usual size of its text.', 300, 8),
    text(`file:///tmp/notebook.html ${number}/4`, 774.7, 8),
  ];
  return { number, width: 612, height: 792, text: items, boxes: [], images: [] };
}

describe('browser header and footer lines', () => {
  it('are found when they are as large as the prose; prompts and logs opening every page are not', () => {
    const prompts = [1, 2, 3, 4].map((n) => page(n, text(`In [${n + 20}]:`, 35.3, 8)));
    expect([...repeatedMarginLines(prompts)].sort()).toEqual([
      'bottom:8.0:file:///tmp/notebook.html #/#',
      'top:8.0:#/#/#, #:# AM notebook',
    ]);
    const logs = [1, 2, 3, 4].map((n) => page(n, text(`epoch ${n}: loss 0.${n}`, 33.8, 6.5, true)));
    expect(repeatedMarginLines(logs).size).toBe(2);
  });
});
