import { describe, expect, it } from 'vitest';
import { SEQUENCE_NUMBER_WIDTH, compareSequenceNumbers, padSequenceNumber, unpadSequenceNumber } from '../../../core';

// A realistic Kinesis sequence number (56 digits) and the largest possible one.
const KINESIS_SEQ = '49590338271490256608559692538361571095921575989136588898';
const MAX_SEQ = '9'.repeat(129);

describe('padSequenceNumber', () => {
  it('pads to 129 characters', () => {
    expect(SEQUENCE_NUMBER_WIDTH).toBe(129);
    const result = padSequenceNumber(KINESIS_SEQ);
    expect(result).toHaveLength(129);
    expect(result.endsWith(KINESIS_SEQ)).toBe(true);
    expect(result.slice(0, 129 - KINESIS_SEQ.length)).toMatch(/^0+$/);
  });

  it('keeps a 129-digit sequence number as it is', () => {
    expect(padSequenceNumber(MAX_SEQ)).toBe(MAX_SEQ);
  });

  it('makes string order equal numeric order', () => {
    const numbers = ['10', '9', '100', '0', '99', KINESIS_SEQ, MAX_SEQ];
    const byString = numbers.map(padSequenceNumber).sort();
    const byNumber = [...numbers].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    expect(byString.map(unpadSequenceNumber)).toEqual(byNumber);
  });

  it.each([
    ['empty', ''],
    ['non-digit', '12a4'],
    ['sign', '-1'],
    ['space', ' 1'],
    ['130 digits', '1'.repeat(130)],
  ])('throws on %s', (_name, input) => {
    expect(() => padSequenceNumber(input)).toThrow(Error);
  });
});

describe('unpadSequenceNumber', () => {
  it('restores the original', () => {
    expect(unpadSequenceNumber(padSequenceNumber(KINESIS_SEQ))).toBe(KINESIS_SEQ);
    expect(unpadSequenceNumber(padSequenceNumber('7'))).toBe('7');
  });

  it('keeps a single 0 for zero', () => {
    expect(unpadSequenceNumber(padSequenceNumber('0'))).toBe('0');
    expect(unpadSequenceNumber('000')).toBe('0');
  });

  it('leaves an unpadded number alone', () => {
    expect(unpadSequenceNumber(MAX_SEQ)).toBe(MAX_SEQ);
  });
});

describe('compareSequenceNumbers', () => {
  it('compares numbers of different lengths numerically', () => {
    expect(compareSequenceNumbers('9', '10')).toBe(-1);
    expect(compareSequenceNumbers('10', '9')).toBe(1);
    expect(compareSequenceNumbers('42', '42')).toBe(0);
  });

  it('compares numbers that differ only past 2^53', () => {
    // Both are the same JS number; as sequence numbers they differ.
    const a = '9007199254740992';
    const b = '9007199254740993';
    expect(Number(a)).toBe(Number(b));
    expect(compareSequenceNumbers(a, b)).toBe(-1);
    expect(compareSequenceNumbers(b, a)).toBe(1);
  });

  it('compares 129-digit numbers differing in the last digit', () => {
    const a = `${'9'.repeat(128)}8`;
    expect(compareSequenceNumbers(a, MAX_SEQ)).toBe(-1);
    expect(compareSequenceNumbers(MAX_SEQ, a)).toBe(1);
    expect(compareSequenceNumbers(MAX_SEQ, MAX_SEQ)).toBe(0);
  });

  it('mixes padded and unpadded forms', () => {
    expect(compareSequenceNumbers(padSequenceNumber(KINESIS_SEQ), KINESIS_SEQ)).toBe(0);
    expect(compareSequenceNumbers(padSequenceNumber('5'), '40')).toBe(-1);
    expect(compareSequenceNumbers('0', padSequenceNumber('0'))).toBe(0);
  });

  it('agrees with BigInt comparison', () => {
    const values = ['0', '1', '9', '10', '11', '99', '100', KINESIS_SEQ, MAX_SEQ, `1${'0'.repeat(128)}`];
    for (const a of values) {
      for (const b of values) {
        const expected = BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0;
        expect(compareSequenceNumbers(a, b)).toBe(expected);
      }
    }
  });
});
