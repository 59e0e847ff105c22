import { nhwcToNchw } from './layout.js';

describe('nhwcToNchw', () => {
  it('matches np.transpose(x, (0, 3, 1, 2)) on a small example', () => {
    // x = np.arange(2*2*3*2).reshape(2, 2, 3, 2); x.transpose(0, 3, 1, 2).flatten()
    const x = Array.from({ length: 24 }, (_, i) => i);
    expect(Array.from(nhwcToNchw(x, 2, 2, 3, 2))).toEqual([
      0, 2, 4, 6, 8, 10, 1, 3, 5, 7, 9, 11, 12, 14, 16, 18, 20, 22, 13, 15, 17, 19, 21, 23,
    ]);
  });

  it('refuses data that does not fill the shape', () => {
    expect(() => nhwcToNchw([1, 2, 3], 1, 1, 1, 2)).toThrow(/do not fill/);
  });
});
