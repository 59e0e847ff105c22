import { firstNormals } from '../../numpy-random/exercise7.js';
import { printedArrayAgrees } from './seed-checks.js';

describe('a printed numpy array against the values numpy gives', () => {
  const within = (v: number, printed: number) => Math.abs(v - printed) <= 5e-7 + 1e-6 * Math.abs(v);
  const expected = firstNormals(123, 40);
  const full = '[-1.0856307   0.99734545  0.2829785  -1.5062947  -0.5786002   1.6514366\n -2.4266791  -0.42891264  1.2659363  -0.8667404 ]';

  it('agrees in full, and a wrong value is wrong whether or not the print may be cut', () => {
    expect(printedArrayAgrees(full, expected, within, false, 10)).toBe(true);
    const edited = full.replace('-2.4266791', '-2.4266700');
    expect(printedArrayAgrees(edited, expected, within, false, 10)).toBe(false);
    expect(printedArrayAgrees(edited, expected, within, true, 8)).toBe(false);
  });

  it('lets a row cut at the page edge lose digits and numbers, but only in a PDF', () => {
    const cutRow = '[-1.0856307   0.99734545  0.2829785  -1.50\n -2.4266791  -0.42891264  1.2659363  -0.8667404 ]';
    expect(printedArrayAgrees(cutRow, expected, within, true, 8)).toBe(true);
    expect(printedArrayAgrees(cutRow, expected, within, false, 10)).toBe(false);
    // Another seed's values never agree, cut or not.
    expect(printedArrayAgrees(cutRow, firstNormals(42, 40), within, true, 8)).toBe(false);
  });
});
