import { describe, expect, it } from 'vitest';
import { MAX_ABS_VALUE, VALUE_DECIMALS, nanosToDecimalString, toNanos } from '../../../core';

describe('toNanos', () => {
  it.each([
    [1, 1_000_000_000n],
    [0, 0n],
    [-0, 0n],
    [12.5, 12_500_000_000n],
    [-12.5, -12_500_000_000n],
    [0.1, 100_000_000n],
    [0.000000001, 1n],
    [-0.000000001, -1n],
    [1.5e-7, 150n],
    // biome-ignore lint/correctness/noPrecisionLoss: the literal is the point: its double is what gets converted
    [123456789.123456789, 123_456_789_123_456_790n], // the double's shortest form is 123456789.12345679
    [999999999999999900, 999_999_999_999_999_900_000_000_000n],
    [2 ** 53 + 2, 9_007_199_254_740_994_000_000_000n],
    [Number.MAX_SAFE_INTEGER, 9_007_199_254_740_991_000_000_000n],
  ])('converts %s exactly', (value, expected) => {
    expect(toNanos(value)).toBe(expected);
  });

  it('takes the shortest decimal form, not the binary float', () => {
    // 2^59 is exactly 576460752303423488 but prints as 576460752303423500.
    expect(toNanos(2 ** 59)).toBe(576_460_752_303_423_500_000_000_000n);
  });

  it.each([
    ['0.1 + 0.2 (17 significant digits, 17 decimals)', 0.1 + 0.2],
    ['1e-10 (10 decimals)', 1e-10],
    ['0.1234567891 (10 decimals)', 0.1234567891],
    ['1e18 (too large)', 1e18],
    ['-1e18 (too large)', -1e18],
    ['1e21 (exponent form)', 1e21],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['Number.MIN_VALUE', Number.MIN_VALUE],
  ])('rejects %s', (_name, value) => {
    expect(toNanos(value)).toBeUndefined();
  });

  it('accepts the largest value below the limit', () => {
    const largest = 999_999_999_999_999_900; // the greatest double below 1e18 prints like this
    expect(largest).toBeLessThan(MAX_ABS_VALUE);
    expect(toNanos(largest)).toBe(BigInt('999999999999999900') * 10n ** 9n);
    expect(toNanos(-largest)).toBe(-BigInt('999999999999999900') * 10n ** 9n);
  });

  it('accepts exactly 9 decimals and nothing finer', () => {
    expect(VALUE_DECIMALS).toBe(9);
    expect(toNanos(0.123456789)).toBe(123_456_789n);
    expect(toNanos(0.0123456789)).toBeUndefined();
  });

  it('makes sums exact where floats are not', () => {
    const nanos = toNanos(0.1)! + toNanos(0.2)!;
    expect(nanosToDecimalString(nanos)).toBe('0.3');
    expect(0.1 + 0.2).not.toBe(0.3);
  });
});

describe('nanosToDecimalString', () => {
  it.each([
    [0n, '0'],
    [1n, '0.000000001'],
    [-1n, '-0.000000001'],
    [3_000_000_000n, '3'],
    [-12_500_000_000n, '-12.5'],
    [100_000_000n, '0.1'],
    [10_000_000_000n, '10'],
    [123_456_789_123_456_789n, '123456789.123456789'],
    // 1e11 values of nearly 1e18 each: 38 significant digits, DynamoDB's limit.
    [10n ** 38n - 1n, '99999999999999999999999999999.999999999'],
  ])('formats %s as %s', (nanos, expected) => {
    expect(nanosToDecimalString(nanos)).toBe(expected);
  });

  it.each([0.1, -0.5, 42, 1.5e-7, 0.000000001, 123456.789, 999_999_999_999_999_900, -7])('round-trips %s through toNanos', (value) => {
    const text = nanosToDecimalString(toNanos(value)!);
    expect(text).not.toMatch(/e/i);
    expect(Number(text)).toBe(value);
  });
});
