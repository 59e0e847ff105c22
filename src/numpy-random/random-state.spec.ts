import { createHash } from 'node:crypto';
import { MT19937 } from './mt19937.js';
import { LegacyRandomState } from './random-state.js';
import { numpyReference } from './reference.fixture.js';

const reference = numpyReference();

function float32Digest(values: Float64Array): string {
  const bytes = new Float32Array(values); // rounds like .astype(np.float32); little-endian on x86/arm
  return createHash('sha256').update(new Uint8Array(bytes.buffer)).digest('hex');
}

describe('MT19937 seeding', () => {
  it.each([-1, 2 ** 32, 1.5, Number.NaN, Infinity])('rejects seed %p like np.random.seed does', (seed) => {
    expect(() => new MT19937(seed)).toThrow(RangeError);
    expect(() => new LegacyRandomState(0).seed(seed)).toThrow(/between 0 and 2\*\*32 - 1/);
  });

  it('accepts both ends of the seed range', () => {
    expect(() => new MT19937(0)).not.toThrow();
    expect(() => new MT19937(2 ** 32 - 1)).not.toThrow();
  });

  it('hands out the same words one by one and in bulk', () => {
    const single = new MT19937(7);
    const bulk = new MT19937(7);
    const one = Array.from({ length: 1500 }, () => single.nextUint32());
    expect(Array.from(bulk.fillUint32(new Uint32Array(1500)))).toEqual(one);
  });
});

describe('LegacyRandomState against numpy', () => {
  it.each(reference.states.map((s) => [s.seed, s.normals, s] as const))(
    'seed %d after %d normals has the state np.random.get_state() reports',
    (seed, normals, expected) => {
      const rs = new LegacyRandomState(seed);
      rs.randn(normals);
      const state = rs.getState();
      expect(state.pos).toBe(expected.pos);
      expect(state.hasGauss).toBe(expected.hasGauss);
      // float64 normals may differ from numpy's in the last bit (V8's Math.log is not glibc's log);
      // the float32 values the lesson prints are unaffected.
      expect(Math.abs(state.gauss - expected.gauss)).toBeLessThanOrEqual(2 * Number.EPSILON * Math.abs(expected.gauss));
      expect(Array.from(state.key.slice(0, 4))).toEqual(expected.keyHead);
      expect(Array.from(state.key.slice(-2))).toEqual(expected.keyTail);
    },
  );

  it('random_sample gives the same doubles', () => {
    const rs = new LegacyRandomState(reference.uniforms.seed);
    expect(Array.from({ length: 5 }, () => rs.randomDouble())).toEqual(reference.uniforms.values);
  });

  it.each(reference.normalsDigest.map((d) => [d.seed, d.count, d.sha256] as const))(
    'seed %d: %d normals as float32 are bit-identical (sha256 of the bytes)',
    (seed, count, sha256) => {
      expect(float32Digest(new LegacyRandomState(seed).randn(count))).toBe(sha256);
    },
  );

  it.each(reference.randint.map((r) => [r.seed, r.low, r.high, r] as const))(
    'seed %d: randint(%d, %d) after 3 normals, then 2 more normals',
    (seed, low, high, expected) => {
      const rs = new LegacyRandomState(seed);
      rs.randn(3);
      expect(rs.randint(low, high, expected.count)).toEqual(expected.values);
      // The cached second normal survives randint: the next normal is the cached one.
      expect(Array.from(rs.randn(2), Math.fround)).toEqual(expected.normalsAfter.map(Math.fround));
    },
  );
});

describe('gauss cache and skipNormals', () => {
  it('draws the same stream whatever the split into odd and even counts', () => {
    const whole = new LegacyRandomState(123).randn(41);
    const rs = new LegacyRandomState(123);
    const parts = [1, 3, 2, 7, 1, 1, 26].flatMap((n) => Array.from(rs.randn(n)));
    expect(parts).toEqual(Array.from(whole));
  });

  it.each([0, 1, 2, 3, 10, 11, 155, 156, 157, 623, 624, 625, 5001])(
    'skipping %d normals leaves the state (cache included) as drawing them does',
    (count) => {
      // `before` normals set up the cache; `words` raw draws break the 4-word alignment of the block,
      // so attempts straddle block ends (the slow path of the skip loop).
      for (const [before, words] of [[0, 0], [1, 0], [2, 1], [3, 2], [0, 3], [1, 1]]) {
        const drawn = new LegacyRandomState(99);
        const skipped = new LegacyRandomState(99);
        for (const rs of [drawn, skipped]) {
          rs.randn(before);
          for (let i = 0; i < words; i++) rs.nextUint32();
        }
        drawn.randn(count);
        skipped.skipNormals(count);
        const a = drawn.getState();
        const b = skipped.getState();
        expect(b.pos).toBe(a.pos);
        expect(b.hasGauss).toBe(a.hasGauss);
        expect(b.gauss).toBe(a.gauss);
        expect(b.key).toEqual(a.key);
        expect(Array.from(skipped.randn(5))).toEqual(Array.from(drawn.randn(5)));
      }
    },
  );

  it('a re-seed forgets the cached normal', () => {
    const rs = new LegacyRandomState(42);
    rs.randn(1);
    rs.seed(42);
    expect(rs.getState().hasGauss).toBe(false);
    expect(Math.fround(rs.gauss())).toBe(Math.fround(0.4967141530112327));
  });

  it('clone() continues independently from the same state', () => {
    const rs = new LegacyRandomState(5);
    rs.randn(3);
    const copy = rs.clone();
    expect(Array.from(copy.randn(4))).toEqual(Array.from(rs.randn(4)));
  });

  it('rejects negative or fractional counts', () => {
    const rs = new LegacyRandomState(1);
    expect(() => rs.randn(-1)).toThrow(RangeError);
    expect(() => rs.skipNormals(2.5)).toThrow(RangeError);
    expect(() => rs.randint(0, 5, -3)).toThrow(RangeError);
  });
});

describe('randint bounds', () => {
  it('rejects an empty range like numpy (low >= high)', () => {
    expect(() => new LegacyRandomState(1).randint(5, 5, 1)).toThrow(/low >= high/);
  });

  it('draws nothing for a one-value range', () => {
    const rs = new LegacyRandomState(3);
    const before = rs.getState();
    expect(rs.randint(4, 5, 3)).toEqual([4, 4, 4]);
    expect(rs.getState().pos).toBe(before.pos);
  });
});
