import { unwrapLines } from './unwrap.js';

describe('unwrapLines (browser-wrapped output rows joined back)', () => {
  const capacity = 40;

  it('joins a row cut inside a word with nothing: a number split over two rows comes back whole', () => {
    const rows = ['Sample input data: [ 0.49671414 -0.13821', '643   0.64768857]', 'done'];
    expect(rows[0]).toHaveLength(capacity);
    expect(unwrapLines(rows, capacity)).toEqual(['Sample input data: [ 0.49671414 -0.13821643   0.64768857]', 'done']);
  });

  it('joins a row cut at a space with one space when the next word would not have fitted', () => {
    const rows = ['[SUCCESS] model was copied from Google', 'Drive to your directory:'];
    expect(unwrapLines(rows, capacity)).toEqual(['[SUCCESS] model was copied from Google Drive to your directory:']);
  });

  it('keeps real line ends: short rows, rows followed by indented text, empty rows', () => {
    const rows = ['Epoch 1/3', 'loss: 0.25', '', 'Sample labels (first 5 samples) are now:', '  [0 1 0 3 0]'];
    expect(unwrapLines(rows, capacity)).toEqual(rows);
  });

  it('joins a logical line wrapped over three rows', () => {
    const long = 'x'.repeat(100);
    expect(unwrapLines([long.slice(0, 40), long.slice(40, 80), long.slice(80)], capacity)).toEqual([long]);
  });

  it('does nothing when the width is unknown or implausible', () => {
    const rows = ['abc', 'def'];
    expect(unwrapLines(rows, 3)).toEqual(rows);
  });
});
