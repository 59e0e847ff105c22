/**
 * A tiny arithmetic language for `numbers_agree` checks: numbers, names, + - * /, unary minus,
 * parentheses and abs(). Deliberately no access to anything else: specs are data, not code.
 */
type Token = { kind: 'num'; value: number } | { kind: 'name'; value: string } | { kind: 'op'; value: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)|([a-z_][a-z0-9_]*)|([-+*/()]))/gy;
  let position = 0;
  while (position < source.length) {
    pattern.lastIndex = position;
    const match = pattern.exec(source);
    if (!match || match[0].length === 0) {
      if (source.slice(position).trim() === '') break;
      throw new Error(`unexpected '${source.slice(position).trim()[0]}' in expression '${source}'`);
    }
    position = pattern.lastIndex;
    if (match[1]) tokens.push({ kind: 'num', value: Number(match[1]) });
    else if (match[2]) tokens.push({ kind: 'name', value: match[2] });
    else if (match[3]) tokens.push({ kind: 'op', value: match[3] });
  }
  return tokens;
}

export function evaluate(source: string, names: Record<string, number>): number {
  const tokens = tokenize(source);
  let index = 0;
  const peek = () => tokens[index];
  const take = (op: string) => {
    const token = tokens[index];
    if (token?.kind === 'op' && token.value === op) {
      index += 1;
      return true;
    }
    return false;
  };
  const expect = (op: string) => {
    if (!take(op)) throw new Error(`expected '${op}' in expression '${source}'`);
  };
  const factor = (): number => {
    if (take('-')) return -factor();
    if (take('(')) {
      const value = sum();
      expect(')');
      return value;
    }
    const token = peek();
    index += 1;
    if (token?.kind === 'num') return token.value;
    if (token?.kind === 'name') {
      if (token.value === 'abs') {
        expect('(');
        const value = sum();
        expect(')');
        return Math.abs(value);
      }
      if (!(token.value in names)) throw new Error(`unknown name '${token.value}' in expression '${source}'`);
      return names[token.value];
    }
    throw new Error(`incomplete expression '${source}'`);
  };
  const product = (): number => {
    let value = factor();
    for (;;) {
      if (take('*')) value *= factor();
      else if (take('/')) value /= factor();
      else return value;
    }
  };
  const sum = (): number => {
    let value = product();
    for (;;) {
      if (take('+')) value += product();
      else if (take('-')) value -= product();
      else return value;
    }
  };
  const result = sum();
  if (index !== tokens.length) throw new Error(`unexpected text after expression '${source}'`);
  return result;
}

/**
 * A constant integer expression as Python evaluates it (`seed_val = 6*7`, `1000 + 234`, `2**10 - 1`):
 * integer literals (`1_000`, `0x2A` too), `+ - * // % **`, unary signs and parentheses, with Python's
 * floor division and modulo. Anything else (names, calls, `/`, which gives a float) is not evaluated:
 * null. Exact (BigInt); results beyond `maxBits` bits are null too, so `9**9**9` costs nothing.
 */
export function evaluatePythonInteger(source: string, maxBits = 256): bigint | null {
  const tokens = source.match(/\s*(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|\d[\d_]*|\*\*|\/\/|[-+*%()]|\S)/g);
  if (!tokens || tokens.join('').trim() !== source.trim()) return null;
  const list = tokens.map((t) => t.trim()).filter((t) => t !== '');
  const limit = 1n << BigInt(maxBits);
  let index = 0;
  const take = (op: string) => (list[index] === op ? (index++, true) : false);
  const bounded = (value: bigint): bigint => {
    if (value >= limit || value <= -limit) throw new RangeError('too large');
    return value;
  };
  const atom = (): bigint => {
    if (take('(')) {
      const value = sum();
      if (!take(')')) throw new SyntaxError("expected ')'");
      return value;
    }
    const token = list[index++];
    if (token === undefined || !/^\d|^0[xXoObB]/.test(token) || /__|_$|^0[xXoObB]_*$/.test(token)) throw new SyntaxError('not a number');
    // Python refuses `012` (leading zeros), allowing only `0`, `00`...
    if (/^0\d/.test(token) && /[1-9]/.test(token)) throw new SyntaxError('leading zero');
    return BigInt(token.replaceAll('_', ''));
  };
  const power = (): bigint => {
    const base = atom();
    if (!take('**')) return base;
    const exponent = unary(); // right-associative, and `2**-1` is a float: not an integer
    if (exponent < 0n) throw new RangeError('negative exponent');
    const bits = BigInt(base < 0n ? -base : base).toString(2).length;
    if (base > 1n || base < -1n) {
      if (exponent > BigInt(maxBits)) throw new RangeError('too large');
      if (bits * Number(exponent) > maxBits + 1) throw new RangeError('too large');
    }
    return bounded(base ** exponent);
  };
  const unary = (): bigint => {
    if (take('-')) return bounded(-unary());
    if (take('+')) return unary();
    return power();
  };
  const product = (): bigint => {
    let value = unary();
    for (;;) {
      if (take('*')) value = bounded(value * unary());
      else if (take('//')) value = floorDiv(value, unary());
      else if (take('%')) value = floorMod(value, unary());
      else return value;
    }
  };
  const sum = (): bigint => {
    let value = product();
    for (;;) {
      if (take('+')) value = bounded(value + product());
      else if (take('-')) value = bounded(value - product());
      else return value;
    }
  };
  try {
    const value = sum();
    return index === list.length ? value : null;
  } catch {
    return null;
  }
}

/** Python's `a // b`: rounds toward minus infinity. */
function floorDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new RangeError('division by zero');
  const q = a / b;
  return (a % b !== 0n) && ((a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/** Python's `a % b`: takes the sign of b. */
function floorMod(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new RangeError('division by zero');
  const r = a % b;
  return r !== 0n && ((r < 0n) !== (b < 0n)) ? r + b : r;
}
