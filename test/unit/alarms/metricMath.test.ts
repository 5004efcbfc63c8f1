import { describe, expect, it } from 'vitest';
import { evaluateMathExpression, parseMathExpression, type Series } from '../../../src/local/alarms';

function evaluate(expression: string, series: Record<string, Series>): Series {
  const length = Object.values(series)[0]?.length ?? 3;
  return evaluateMathExpression(parseMathExpression(expression), (id) => series[id] as Series, length);
}

describe('metric math', () => {
  it('computes e1 = m1/m2*100 per period, left to right', () => {
    expect(evaluate('m1/m2*100', { m1: [1, 0, 3], m2: [4, 10, 300] })).toEqual([25, 0, 1]);
    expect(evaluate('100 * errors / invocations', { errors: [1, 0, 3], invocations: [4, 10, 300] })).toEqual([25, 0, 1]);
  });

  it('multiplies and divides before it adds and subtracts, and honours parentheses and unary minus', () => {
    expect(evaluate('m1 + m2 * 2', { m1: [1], m2: [3] })).toEqual([7]);
    expect(evaluate('(m1 + m2) * 2', { m1: [1], m2: [3] })).toEqual([8]);
    expect(evaluate('m1 - m2 - 1', { m1: [10], m2: [3] })).toEqual([6]);
    expect(evaluate('-m1 + 4', { m1: [1] })).toEqual([3]);
    expect(evaluate('2.5e1', { m1: [0, 0] })).toEqual([25, 25]);
  });

  it('has no value where an operand has none, or where it divides by zero', () => {
    expect(evaluate('m1 / m2 * 100', { m1: [1, undefined, 3], m2: [2, 2, 0] })).toEqual([50, undefined, undefined]);
  });

  it('FILLs the periods without a value', () => {
    expect(evaluate('FILL(m1, 0) + FILL(m2, 0)', { m1: [1, undefined, undefined], m2: [undefined, 2, undefined] })).toEqual([1, 2, 0]);
  });

  it('sums, averages and bounds an array of series per period, skipping missing values', () => {
    const series = { a: [1, undefined, undefined], b: [3, 2, undefined] };
    expect(evaluate('SUM([a, b])', series)).toEqual([4, 2, undefined]);
    expect(evaluate('AVG([a, b])', series)).toEqual([2, 2, undefined]);
    expect(evaluate('MIN([a, b])', series)).toEqual([1, 2, undefined]);
    expect(evaluate('MAX([a, b])', series)).toEqual([3, 2, undefined]);
  });

  it.each([
    ['m1 +', /expected more/],
    ['m1 m2', /unexpected "m2"/],
    ['RATE(m1)', /function RATE is not supported locally/],
    ['m1 % 2', /cannot read "% 2"/],
    ['FILL(m1, m2)', /FILL takes a series and a number/],
  ])('refuses %s', (expression, message) => {
    expect(() => evaluate(expression, { m1: [1], m2: [2] })).toThrow(message);
  });
});
