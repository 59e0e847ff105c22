import { evaluate, evaluatePythonInteger } from './expression.js';

describe('numbers_agree expressions', () => {
  it('computes with precedence, parentheses, unary minus and abs', () => {
    expect(evaluate('a / b', { a: 38.2, b: 29.85 })).toBeCloseTo(1.27973, 5);
    expect(evaluate('1 + 2 * 3 - 4 / 2', {})).toBe(5);
    expect(evaluate('(1 + 2) * -3', {})).toBe(-9);
    expect(evaluate('abs(a - b)', { a: 1, b: 3.5 })).toBe(2.5);
    expect(evaluate('2e-3 * 1000', {})).toBeCloseTo(2);
  });

  it('refuses anything that is not arithmetic over known names', () => {
    expect(() => evaluate('a / c', { a: 1 })).toThrow("unknown name 'c'");
    expect(() => evaluate('a; process.exit()', { a: 1 })).toThrow(/unexpected/);
    expect(() => evaluate('(1 + 2', {})).toThrow("expected ')'");
    expect(() => evaluate('1 +', {})).toThrow(/incomplete/);
    expect(() => evaluate('1 2', {})).toThrow(/unexpected text/);
  });
});

describe('Python constant integer expressions (seeds)', () => {
  it('evaluates what students write for a seed, with Python semantics', () => {
    expect(evaluatePythonInteger('6*7')).toBe(42n);
    expect(evaluatePythonInteger('1000 + 234')).toBe(1234n);
    expect(evaluatePythonInteger('(2 ** 10 - 1) % 1000')).toBe(23n);
    expect(evaluatePythonInteger('2**3**2')).toBe(512n); // right-associative
    expect(evaluatePythonInteger('-2**2')).toBe(-4n); // ** binds tighter than unary minus
    expect(evaluatePythonInteger('-7 // 2')).toBe(-4n); // floor division
    expect(evaluatePythonInteger('-7 % 3')).toBe(2n); // the divisor's sign
    expect(evaluatePythonInteger('7 % -3')).toBe(-2n);
    expect(evaluatePythonInteger('1_000 + 0x2A')).toBe(1042n);
    expect(evaluatePythonInteger(' 42 ')).toBe(42n);
  });

  it('gives up on anything that is not a constant integer expression', () => {
    for (const text of ['84 / 2', 'int(time.time())', 'my_seed', '4.2', '1e3', '2 ** -1', '1 // 0', '5 % 0', '(1 + 2', '012', '', '9 ** 9 ** 9', '1 2']) {
      expect([text, evaluatePythonInteger(text)]).toEqual([text, null]);
    }
  });
});
