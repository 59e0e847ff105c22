/**
 * MT19937 exactly as numpy's legacy `np.random.seed(n)` / `RandomState` drives it
 * (numpy/random/src/mt19937: `mt19937_seed`, `mt19937_gen`, `mt19937_next`).
 *
 * The state words live in an Int32Array and all arithmetic is 32-bit (`|0`, `>>>`, Math.imul), so V8
 * keeps everything in registers as small integers; there is no BigInt anywhere. Instead of tempering
 * one word per call, `refill()` regenerates the 624-word block and tempers all of it at once into
 * `block`: callers with a hot loop (the normal-skipping loop in random-state.ts) read `block[pos]`
 * directly, which is the "bulk path". `nextUint32()` serves the same words one at a time.
 */

/** Words per MT19937 block (numpy's RK_STATE_LEN). */
export const MT_N = 624;
const MT_M = 397;
const MATRIX_A = 0x9908b0df | 0;
const UPPER_MASK = 0x80000000 | 0;
const LOWER_MASK = 0x7fffffff;
/** Largest seed numpy's legacy seeding accepts: 2**32 - 1. */
export const MAX_LEGACY_SEED = 0xffffffff;

/** Reject what `np.random.seed` would reject (it raises ValueError: "Seed must be between 0 and 2**32 - 1"). */
export function assertLegacySeed(seed: number): void {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > MAX_LEGACY_SEED) {
    throw new RangeError(
      `numpy legacy seed must be an integer between 0 and 2**32 - 1 (4294967295), got ${String(seed)}`,
    );
  }
}

/** MT19937's output tempering of one state word (result as int32 bits). */
function temper(word: number): number {
  let t = word;
  t ^= t >>> 11;
  t ^= (t << 7) & 0x9d2c5680;
  t ^= (t << 15) & 0xefc60000;
  return t ^ (t >>> 18);
}

export class MT19937 {
  /** The raw (untempered) state words, as numpy's `state->key`. */
  readonly key = new Int32Array(MT_N);
  /** Tempered outputs of the current block: `block[i]` is what numpy's mt19937_next returns for key[i]. */
  readonly block = new Int32Array(MT_N);
  /** Index of the next word to hand out; MT_N means the block is used up (numpy's `state->pos`). */
  pos = MT_N;

  constructor(seed = 0) {
    this.seed(seed);
  }

  /** numpy's `mt19937_seed` (Knuth's init_genrand), used by `np.random.seed(int)`. */
  seed(seed: number): void {
    assertLegacySeed(seed);
    const key = this.key;
    let s = seed >>> 0;
    for (let i = 0; i < MT_N; i++) {
      key[i] = s;
      s = (Math.imul(1812433253, s ^ (s >>> 30)) + i + 1) >>> 0;
    }
    this.pos = MT_N;
  }

  /** Advance the state by one block (numpy's `mt19937_gen`) and temper the whole block into `block`. */
  refill(): void {
    const key = this.key;
    const block = this.block;
    // One pass: each new state word is tempered as soon as it is made. `current` carries key[i]
    // (already loaded for the previous step), so every step loads two words and stores two.
    let current = key[0];
    let next = 0;
    let y = 0;
    let word = 0;
    let i = 0;
    for (; i < MT_N - MT_M; i++) {
      next = key[i + 1];
      y = (current & UPPER_MASK) | (next & LOWER_MASK);
      // ((y << 31) >> 31) is 0 or -1 without the -0 double that -(y & 1) produces for even y.
      word = key[i + MT_M] ^ (y >>> 1) ^ (((y << 31) >> 31) & MATRIX_A);
      key[i] = word;
      block[i] = temper(word);
      current = next;
    }
    for (; i < MT_N - 1; i++) {
      next = key[i + 1];
      y = (current & UPPER_MASK) | (next & LOWER_MASK);
      word = key[i + (MT_M - MT_N)] ^ (y >>> 1) ^ (((y << 31) >> 31) & MATRIX_A);
      key[i] = word;
      block[i] = temper(word);
      current = next;
    }
    y = (current & UPPER_MASK) | (key[0] & LOWER_MASK);
    word = key[MT_M - 1] ^ (y >>> 1) ^ (((y << 31) >> 31) & MATRIX_A);
    key[MT_N - 1] = word;
    block[MT_N - 1] = temper(word);
    this.pos = 0;
  }

  /** The next 32-bit output as an unsigned number in [0, 2**32). */
  nextUint32(): number {
    if (this.pos === MT_N) this.refill();
    return this.block[this.pos++] >>> 0;
  }

  /** Fill `out` with the next `out.length` outputs (same stream as repeated nextUint32 calls). */
  fillUint32(out: Uint32Array): Uint32Array {
    let filled = 0;
    while (filled < out.length) {
      if (this.pos === MT_N) this.refill();
      const take = Math.min(MT_N - this.pos, out.length - filled);
      // Int32 -> Uint32 reinterpretation: same bits.
      out.set(new Uint32Array(this.block.buffer, this.pos * 4, take), filled);
      this.pos += take;
      filled += take;
    }
    return out;
  }

  /** An independent generator in the same state (numpy: set_state(get_state())). */
  clone(): MT19937 {
    const copy = new MT19937(0);
    copy.key.set(this.key);
    copy.block.set(this.block);
    copy.pos = this.pos;
    return copy;
  }

  /**
   * The state as numpy's `get_state()` reports it: key words (unsigned) and position. numpy's key is
   * the raw state, which this class already advanced when `pos` < 624, exactly like numpy's.
   */
  getState(): { key: Uint32Array; pos: number } {
    return { key: new Uint32Array(this.key.buffer.slice(0)), pos: this.pos };
  }
}
