import { describe, expect, it } from 'vitest';
import { itemSizeBytes, numberSizeBytes } from '../../../lambdas/aggregator/store/itemSize';
import { indexWriteUnits, readUnitsForBytes, tableWriteUnits, type IndexLayout } from '../../../bench/cost/pricing';

/** An item of exactly `bytes` bytes: "pk" (2) + a string of bytes - 2. */
const itemOf = (bytes: number, extra: Record<string, { N: string }> = {}) => ({ pk: { S: 'x'.repeat(bytes - 2) }, ...extra });

const byCount: IndexLayout = {
  name: 'byCount',
  keyAttributes: ['windowPk', 'count'],
  tableKeyAttributes: ['pk', 'sk'],
  projection: 'INCLUDE',
  nonKeyAttributes: ['sum'],
};
const aggregate = (count: string, sum: string, note = 'n') => ({
  pk: { S: 'k1' },
  sk: { S: 'w1' },
  windowPk: { S: 'page_view#1m#0' },
  count: { N: count },
  sum: { N: sum },
  note: { S: note },
});

describe('itemSizeBytes', () => {
  it('sums attribute names and values by the documented rules', () => {
    // Prepare: pk 2+6; count 5 + (ceil(5/2)+1 = 4); tags 4 + 3; ok 2 + 1;
    // m 1 + 3 + (1 + "x" 1 + N "7" 2); l 1 + 3 + (1 + 2) + (1 + 1).
    const item = {
      pk: { S: 'user#1' },
      count: { N: '12345' },
      tags: { SS: ['a', 'bc'] },
      ok: { BOOL: true },
      m: { M: { x: { N: '7' } } },
      l: { L: [{ S: 'ab' }, { NULL: true as const }] },
    };
    // Act / Assess
    expect(itemSizeBytes(item)).toBe(8 + 9 + 7 + 3 + 8 + 9);
  });

  it('counts UTF-8 bytes, not characters', () => {
    expect(itemSizeBytes({ é: { S: '日本' } })).toBe(2 + 6);
  });

  it('sizes numbers by significant digits, zeroes trimmed', () => {
    expect(numberSizeBytes('0.0050')).toBe(2);
    expect(numberSizeBytes('-123.45')).toBe(4);
    expect(numberSizeBytes('100')).toBe(2);
    expect(numberSizeBytes('0')).toBe(2);
  });
});

describe('tableWriteUnits', () => {
  it('bills a put by 1 KB units of the new item', () => {
    expect(tableWriteUnits(undefined, itemOf(1_024))).toBe(1);
    expect(tableWriteUnits(undefined, itemOf(1_025))).toBe(2);
  });

  it('bills an update by the larger of the item before and after', () => {
    expect(tableWriteUnits(itemOf(2_100), itemOf(900))).toBe(3);
    expect(tableWriteUnits(itemOf(900), itemOf(1_100))).toBe(2);
  });

  it('bills a failed condition by the existing item, at least 1', () => {
    expect(tableWriteUnits(itemOf(3_000), itemOf(3_000))).toBe(3);
    expect(tableWriteUnits(undefined, undefined)).toBe(1);
  });
});

describe('indexWriteUnits', () => {
  it('is one put when the item enters the index', () => {
    const { count: _count, ...unindexed } = aggregate('1', '1');
    const write = indexWriteUnits(byCount, unindexed, aggregate('1', '1'));
    expect(write).toEqual({ units: 1, partitions: [{ partitionKey: JSON.stringify({ S: 'page_view#1m#0' }), units: 1 }] });
  });

  it('is a delete and a put when an index key attribute changes', () => {
    expect(indexWriteUnits(byCount, aggregate('1', '1'), aggregate('2', '2')).units).toBe(2);
  });

  it('is one write when only a projected attribute changes', () => {
    expect(indexWriteUnits(byCount, aggregate('1', '1'), aggregate('1', '5')).units).toBe(1);
  });

  it('is nothing when only an unprojected attribute changes', () => {
    expect(indexWriteUnits(byCount, aggregate('1', '1', 'a'), aggregate('1', '1', 'b')).units).toBe(0);
  });

  it('is one delete when the item leaves the index', () => {
    expect(indexWriteUnits(byCount, aggregate('1', '1'), undefined).units).toBe(1);
  });

  it('sizes each write by the index entry, not the item', () => {
    // The unprojected note is 3,000 bytes: the item is 3 KB, its entry well under 1 KB.
    const before = aggregate('1', '1', 'y'.repeat(3_000));
    const after = aggregate('2', '1', 'y'.repeat(3_000));
    expect(tableWriteUnits(before, after)).toBe(3);
    expect(indexWriteUnits(byCount, before, after).units).toBe(2);
    expect(indexWriteUnits({ ...byCount, projection: 'ALL' }, before, after).units).toBe(6);
  });
});

describe('readUnitsForBytes', () => {
  it('bills 4 KB units, eventually consistent at half', () => {
    // A query of 3 items of 2,000 bytes reads 6,000 bytes: 2 units strong, 1 eventual.
    expect(readUnitsForBytes(3 * 2_000, true)).toBe(2);
    expect(readUnitsForBytes(3 * 2_000, false)).toBe(1);
    expect(readUnitsForBytes(0, false)).toBe(0.5);
  });
});
