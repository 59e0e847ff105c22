import { evaluate } from './expression.js';

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
