import fc from 'fast-check';
import { formatPositional, formatScientific } from './dragon4.js';
import { formatFloat32Array, formatFloatArray, formatIntArray, parseNumpyArray } from './numpy-format.js';
import { numpyReference } from './reference.fixture.js';

const reference = numpyReference();

describe('formatFloatArray matches numpy str(arr)', () => {
  it.each(reference.formatting.map((f, i) => [i, f.note || f.dtype, f] as const))(
    'formatting case %d (%s)',
    (_index, _note, f) => {
      expect(formatFloatArray(f.values, f.dtype)).toBe(f.printed);
    },
  );

  it('prints the seed-42 values of the reference README', () => {
    const values = [0.49671414, -0.1382643, 0.64768857, 1.5230298, -0.23415338, -0.23413695, 1.5792128, 0.7674347, -0.46947438, 0.54256004];
    expect(formatFloat32Array(values)).toBe(
      '[ 0.49671414 -0.1382643   0.64768857  1.5230298  -0.23415338 -0.23413695\n  1.5792128   0.7674347  -0.46947438  0.54256004]',
    );
  });

  it('prints an empty array as []', () => {
    expect(formatFloat32Array([])).toBe('[]');
    expect(formatIntArray([])).toBe('[]');
  });
});

describe('formatIntArray matches numpy str(arr)', () => {
  it.each(reference.intFormatting.map((f) => [f.printed.slice(0, 30), f] as const))('%s', (_label, f) => {
    expect(formatIntArray(f.values)).toBe(f.printed);
  });

  it('prints the README labels', () => {
    expect(formatIntArray([0, 1, 0, 3, 0])).toBe('[0 1 0 3 0]');
    expect(formatIntArray([2, 2, 2, 2, 2])).toBe('[2 2 2 2 2]');
  });

  it('rejects non-integers', () => {
    expect(() => formatIntArray([1.5])).toThrow(RangeError);
  });
});

describe('dragon4 scalar layouts', () => {
  const plain = { precision: -1, minDigits: -1, unique: true, sign: false, padLeft: -1 } as const;

  it('trim modes of the positional layout', () => {
    const base = { ...plain, fractional: true, padRight: -1 };
    expect(formatPositional(1, 'float64', { ...base, trim: 'k' })).toBe('1.');
    expect(formatPositional(1, 'float64', { ...base, trim: '.' })).toBe('1.');
    expect(formatPositional(1, 'float64', { ...base, trim: '0' })).toBe('1.0');
    expect(formatPositional(1, 'float64', { ...base, trim: '-' })).toBe('1');
    expect(formatPositional(0.5, 'float64', { ...base, trim: '-', sign: true })).toBe('+0.5');
  });

  it('exact (non-unique) digits to a precision', () => {
    const base = { ...plain, unique: false, fractional: true, padRight: -1, trim: 'k' } as const;
    expect(formatPositional(0.1, 'float32', { ...base, precision: 12 })).toBe('0.100000001490');
    expect(formatScientific(0.1, 'float32', { ...plain, unique: false, precision: 12, trim: 'k', expDigits: -1 })).toBe(
      '1.000000014901e-01',
    );
  });

  it('exponent digits and padding of the scientific layout', () => {
    expect(formatScientific(1e-300, 'float64', { ...plain, trim: '.', expDigits: -1 })).toBe('1.e-300');
    expect(formatScientific(-2.5, 'float64', { ...plain, trim: '.', padLeft: 4, expDigits: 3 })).toBe('  -2.5e+000');
  });
});

describe('parseNumpyArray', () => {
  it('reads every recorded printout back to the printed values', () => {
    for (const f of reference.formatting) {
      if (f.printed.includes('...')) continue;
      const parsed = parseNumpyArray(f.printed);
      expect(parsed).toHaveLength(f.values.length);
      // What was printed is the value rounded to at most 8 digits: read back, it is that close.
      parsed.forEach((value, i) => {
        const original = f.values[i];
        if (Number.isNaN(original)) expect(parsed[i]).toBeNaN();
        else if (!Number.isFinite(original)) expect(value).toBe(original);
        else expect(Math.abs(value - original)).toBeLessThanOrEqual(Math.abs(original) * 1e-7 + 5e-9);
      });
    }
  });

  it('round-trips float32 arrays exactly when printed values are unique', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 30 }), (values) => {
        const printed = formatFloat32Array(values);
        const parsed = parseNumpyArray(printed).map(Math.fround);
        // Scientific notation keeps 9 significant digits, enough for any float32; positional keeps 8
        // after the point, enough from 1 up. Below that small values may lose digits by design.
        parsed.forEach((value, i) => {
          const original = Math.fround(values[i]);
          if (printed.includes('e') || Math.abs(original) >= 1) expect(value).toBe(original);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('tolerates wrapping, extra spaces and commas', () => {
    expect(parseNumpyArray('[ 1.5  -2.\n  3.e-01 ]')).toEqual([1.5, -2, 0.3]);
    expect(parseNumpyArray('  [0 1 0 3 0]  ')).toEqual([0, 1, 0, 3, 0]);
    expect(parseNumpyArray('[1.0, 2.0,\n 3.0]')).toEqual([1, 2, 3]);
    expect(parseNumpyArray('[ nan -inf  inf]')).toEqual([Number.NaN, -Infinity, Infinity]);
    expect(parseNumpyArray('[]')).toEqual([]);
  });

  it('says what it cannot read', () => {
    expect(() => parseNumpyArray('1 2 3')).toThrow(/expected \[\.\.\.\]/);
    expect(() => parseNumpyArray('[[1 2]\n [3 4]]')).toThrow(/1-D/);
    expect(() => parseNumpyArray('[0. 1. 2. ... 7. 8. 9.]')).toThrow(/summarised/);
    expect(() => parseNumpyArray('[1.5 abc]')).toThrow(/"abc"/);
  });
});

describe('dragon4 non-finite scalars', () => {
  it('prints nan and signed inf like np.format_float_positional', () => {
    const o = { precision: -1, minDigits: -1, unique: true, sign: true, padLeft: 6, trim: '.', fractional: true, padRight: 4 } as const;
    expect(formatPositional(Number.NaN, 'float32', o)).toBe('nan');
    expect(formatPositional(Infinity, 'float32', o)).toBe('+inf');
    expect(formatScientific(-Infinity, 'float64', { ...o, expDigits: -1 })).toBe('-inf');
  });
});
