/**
 * The parts of numpy's legacy `np.random` (RandomState over MT19937) that the lesson's seeded data uses:
 * `seed`, `random_sample`, `randn`/`standard_normal` (legacy polar method with its cached second value)
 * and `randint` for the default int64 dtype (masked rejection sampling).
 *
 * References (numpy 1.x and 2.x alike, the legacy stream is frozen):
 * - legacy_gauss in numpy/random/src/legacy/legacy-distributions.c
 * - mt19937_next_double in numpy/random/src/mt19937/mt19937.h
 * - random_bounded_uint64_fill / buffered_bounded_masked_uint32 in numpy/random/src/distributions/distributions.c
 */
import { MT19937, MT_N } from './mt19937.js';

const TWO_POW_26 = 67108864;
const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;
const TWO_POW_MINUS_52 = 2.220446049250313e-16;

function assertCount(count: number, what: string): void {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new RangeError(`${what}: count must be a non-negative integer, got ${String(count)}`);
  }
}

/** Smallest all-ones bit mask covering `max` (numpy's gen_mask), for max < 2**32. */
function mask32(max: number): number {
  let mask = max >>> 0;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  return mask >>> 0;
}

export class LegacyRandomState {
  private mt: MT19937;
  /** numpy's aug_state.has_gauss / aug_state.gauss: the second value of the last polar pair. */
  private hasGauss = false;
  private gaussValue = 0;

  constructor(seed = 0) {
    this.mt = new MT19937(seed);
  }

  /** `np.random.seed(n)`: re-seeds MT19937 and forgets the cached normal (numpy's _reset_gauss). */
  seed(seed: number): void {
    this.mt.seed(seed);
    this.hasGauss = false;
    this.gaussValue = 0;
  }

  /** An independent copy in the same state, cached normal included. */
  clone(): LegacyRandomState {
    const copy = new LegacyRandomState(0);
    copy.mt = this.mt.clone();
    copy.hasGauss = this.hasGauss;
    copy.gaussValue = this.gaussValue;
    return copy;
  }

  /** The state as numpy's `np.random.get_state()` tuple reports it. */
  getState(): { key: Uint32Array; pos: number; hasGauss: boolean; gauss: number } {
    return { ...this.mt.getState(), hasGauss: this.hasGauss, gauss: this.gaussValue };
  }

  /** One raw 32-bit output. */
  nextUint32(): number {
    return this.mt.nextUint32();
  }

  /** `random_sample()`: 53-bit double in [0, 1) from two words, (a>>5)*2**26 + (b>>6), over 2**53. */
  randomDouble(): number {
    const a = this.mt.nextUint32() >>> 5;
    const b = this.mt.nextUint32() >>> 6;
    return (a * TWO_POW_26 + b) / TWO_POW_53;
  }

  /** One standard normal, numpy's `legacy_gauss` (Marsaglia polar method, second value cached). */
  gauss(): number {
    if (this.hasGauss) {
      const cached = this.gaussValue;
      this.hasGauss = false;
      this.gaussValue = 0;
      return cached;
    }
    let x1 = 0;
    let x2 = 0;
    let r2 = 0;
    do {
      x1 = 2.0 * this.randomDouble() - 1.0;
      x2 = 2.0 * this.randomDouble() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 === 0.0);
    // Same expression order as the C code, so the doubles round identically.
    const f = Math.sqrt((-2.0 * Math.log(r2)) / r2);
    this.gaussValue = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /** `randn(count)` (float64, before any `.astype(np.float32)`). */
  randn(count: number): Float64Array {
    assertCount(count, 'randn');
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) out[i] = this.gauss();
    return out;
  }

  /**
   * Advance the state exactly as drawing `count` normals with `randn` would, without computing them.
   * Only the uniforms and the polar rejection test decide how many words are consumed, so whole pairs
   * skip log/sqrt; an odd tail draws one real pair so the cached second value is right afterwards.
   */
  skipNormals(count: number): void {
    assertCount(count, 'skipNormals');
    let remaining = count;
    if (remaining === 0) return;
    if (this.hasGauss) {
      this.hasGauss = false;
      this.gaussValue = 0;
      remaining--;
    }
    this.skipPolarPairs(Math.floor(remaining / 2));
    if (remaining % 2 === 1) this.gauss();
  }

  /**
   * Consume `pairs` accepted polar-method attempts. Hot loop: reads the tempered block directly, four
   * words per attempt. x = k * 2**-52 - 1 (k the 53-bit integer) is exactly numpy's
   * 2.0 * ((a * 2**26 + b) / 2**53) - 1.0, and r2 is rounded the same way, so the test agrees bit for bit.
   */
  private skipPolarPairs(pairs: number): void {
    const mt = this.mt;
    const block = mt.block;
    let pos = mt.pos;
    let remaining = pairs;
    while (remaining > 0) {
      if (pos === MT_N) {
        mt.refill();
        pos = 0;
      }
      if (pos <= MT_N - 4) {
        // Whole attempts inside the current block.
        while (pos <= MT_N - 4) {
          const x1 = ((block[pos] >>> 5) * TWO_POW_26 + (block[pos + 1] >>> 6)) * TWO_POW_MINUS_52 - 1.0;
          const x2 = ((block[pos + 2] >>> 5) * TWO_POW_26 + (block[pos + 3] >>> 6)) * TWO_POW_MINUS_52 - 1.0;
          pos += 4;
          const r2 = x1 * x1 + x2 * x2;
          if (r2 < 1.0 && r2 !== 0.0 && --remaining === 0) break;
        }
      } else {
        // An attempt straddles two blocks (only when the stream is not 4-word aligned): go word by word.
        mt.pos = pos;
        const x1 = 2.0 * this.randomDouble() - 1.0;
        const x2 = 2.0 * this.randomDouble() - 1.0;
        pos = mt.pos;
        const r2 = x1 * x1 + x2 * x2;
        if (r2 < 1.0 && r2 !== 0.0) remaining--;
      }
    }
    mt.pos = pos;
  }

  /**
   * `randint(low, high, size=count)` with numpy's default int64 dtype: values in [low, high).
   * Legacy numpy uses masked rejection: draw, AND with the smallest covering mask, retry while > range.
   * Ranges below 2**32 use one 32-bit word per draw (no buffering); wider ranges use 64-bit draws
   * (high word first), limited here to safe integers.
   */
  randint(low: number, high: number, count: number): number[] {
    assertCount(count, 'randint');
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high)) {
      throw new RangeError(`randint: low and high must be safe integers, got ${String(low)}, ${String(high)}`);
    }
    if (high <= low) throw new RangeError(`randint: low >= high (${low} >= ${high})`);
    const rng = high - 1 - low; // closed range [0, rng], as numpy subtracts 1 from high
    if (!Number.isSafeInteger(rng)) throw new RangeError(`randint: range ${low}..${high} is wider than 2**53`);
    const out = new Array<number>(count);
    const mt = this.mt;
    if (rng === 0) {
      out.fill(low); // numpy draws nothing at all for a one-value range
    } else if (rng <= 0xffffffff) {
      const mask = mask32(rng);
      for (let i = 0; i < count; i++) {
        let value: number;
        do value = (mt.nextUint32() & mask) >>> 0;
        while (value > rng);
        out[i] = low + value;
      }
    } else {
      const maskHi = mask32(Math.floor(rng / TWO_POW_32));
      for (let i = 0; i < count; i++) {
        let value: number;
        do {
          const hi = mt.nextUint32() & maskHi;
          const lo = mt.nextUint32();
          value = (hi >>> 0) * TWO_POW_32 + lo;
        } while (value > rng);
        out[i] = low + value;
      }
    }
    return out;
  }
}
