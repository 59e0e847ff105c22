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
