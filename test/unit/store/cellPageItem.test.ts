import { inflateRawSync } from 'node:zlib';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { highWaterAttribute, toNanos, EMPTY_PAGE, type CellPage, type PageCell } from '../../../core';
import {
  cellBytes,
  cellPageKey,
  cellsOfPageItem,
  decodeCells,
  encodeCells,
  pageBytes,
  pageFromItem,
  pageToItem,
  PageAttributes,
  type PageIdentity,
  type PageStats,
} from '../../../lambdas/aggregator/store/cellPageItem';
import { itemSizeBytes } from '../../../lambdas/aggregator/store/itemSize';
import { padded } from '../core/factories';

const S1 = 'shardId-000000000001';
const S2 = 'shardId-000000000002';
const WINDOW = Date.parse('2026-11-26T12:34:00Z');
const IDENTITY: PageIdentity = {
  type: 'page_view',
  granularity: '1m',
  windowStartMs: WINDOW,
  expiresAtSec: 1_796_300_100,
  distinctFields: undefined,
};
const ALL: PageStats = { sum: true, min: true, max: true };
const COUNT_ONLY: PageStats = { sum: false, min: false, max: false };

function cell(count: number, sumNanos: bigint, min: number, max: number): PageCell {
  return { count, sumNanos, min, max };
}

/** The `cells` attribute as the JSON it deflates. */
function entriesOf(value: AttributeValue | undefined): unknown {
  return JSON.parse(inflateRawSync(value!.B!).toString('utf8'));
}

function page(
  cells: ReadonlyArray<readonly [string, PageCell]>,
  marks: ReadonlyArray<readonly [string, string]> = [],
  full = false,
  version = 1,
): CellPage {
  return { cells: new Map(cells), marks: new Map(marks), full, version };
}

describe('pageToItem', () => {
  it('writes the key, identity, cells as deflated JSON entries [key, count, sum, min, max] in page order, marks as hw#<shardId>, full and version', () => {
    // Prepare
    const stored = page(
      [
        ['/products/42', cell(3, 12_500_000_000n, -1.5, 10)],
        ['b', cell(1, 1n, 0.000000001, 0.000000001)],
      ],
      [
        [S1, padded(17)],
        [S2, padded(5)],
      ],
      true,
      9,
    );

    // Act
    const item = pageToItem(stored, { ...IDENTITY, distinctFields: 'user,country' }, ALL);

    // Assess
    const { cells, ...rest } = item;
    expect(entriesOf(cells)).toEqual([
      ['/products/42', 3, '12.5', -1.5, 10],
      ['b', 1, '0.000000001', 1e-9, 1e-9],
    ]);
    expect(rest).toEqual({
      pk: { S: '#pg#page_view#1m' },
      sk: { S: '2026-11-26T12:34:00.000Z' },
      type: { S: 'page_view' },
      granularity: { S: '1m' },
      windowStart: { S: '2026-11-26T12:34:00.000Z' },
      expiresAt: { N: '1796300100' },
      v: { N: '9' },
      full: { BOOL: true },
      qd: { S: 'user,country' },
      [`hw#${S1}`]: { S: padded(17) },
      [`hw#${S2}`]: { S: padded(5) },
    });
    expect(cellPageKey('page_view', '1m', WINDOW)).toEqual({ pk: item.pk, sk: item.sk });
  });

  it('leaves out `full` until the page is full, and `qd` for a type without distinct counts', () => {
    // Act
    const item = pageToItem(page([['a', cell(1, 1_000_000_000n, 1, 1)]]), IDENTITY, ALL);

    // Assess
    expect(item).not.toHaveProperty(PageAttributes.full);
    expect(item).not.toHaveProperty('qd');
    expect(Object.keys(item).filter((name) => name.startsWith('hw#'))).toEqual([]);
  });

  it('writes a stat the type does not keep as null, and leaves trailing ones out', () => {
    // Act
    const countOnly = pageToItem(page([['a', cell(2, 3_000_000_000n, 1, 2)]]), IDENTITY, COUNT_ONLY);
    const sumAndMax = pageToItem(page([['a', cell(2, 3_000_000_000n, 1, 2)]]), IDENTITY, { sum: true, min: false, max: true });

    // Assess
    expect(entriesOf(countOnly.cells)).toEqual([['a', 2]]);
    expect(entriesOf(sumAndMax.cells)).toEqual([['a', 2, '3', null, 2]]);
  });

  it('writes exact decimal sums: 0.1 + 0.2 is "0.3", and negative and tiny sums keep every digit', () => {
    // Prepare
    const sum = toNanos(0.1)! + toNanos(0.2)!;

    // Act
    const item = pageToItem(
      page([
        ['a', cell(2, sum, 0.1, 0.2)],
        ['b', cell(2, -toNanos(0.1)! - toNanos(0.2)!, -0.2, -0.1)],
        ['c', cell(2, 123_456_789_012_345_678_901_234_567n, 1, 1)],
      ]),
      IDENTITY,
      ALL,
    );

    // Assess
    expect(0.1 + 0.2).not.toBe(0.3); // what a float sum would have written
    const cells = decodeCells(item.cells);
    expect(cells.get('a')?.sum).toBe('0.3');
    expect(cells.get('b')?.sum).toBe('-0.3');
    expect(cells.get('c')?.sum).toBe('123456789012345678.901234567');
  });

  it('keeps a cell of the key "__proto__" like any other key', () => {
    // Prepare: "__proto__" is a valid event key (test/unit/core/arbitraries.ts validKey).
    const stored = page([
      ['__proto__', cell(4, 4_000_000_000n, 1, 1)],
      ['a', cell(1, 1_000_000_000n, 1, 1)],
    ]);

    // Act
    const item = pageToItem(stored, IDENTITY, ALL);
    const read = pageFromItem(item);

    // Assess
    expect((entriesOf(item.cells) as unknown[][]).map((entry) => entry[0])).toEqual(['__proto__', 'a']);
    expect([...read.cells.keys()]).toEqual(['__proto__', 'a']);
    expect(read.cells).toEqual(stored.cells);
    expect(read.cells.get('__proto__')).toEqual(cell(4, 4_000_000_000n, 1, 1));
    expect(pageBytes(stored, IDENTITY, ALL)).toBe(
      pageBytes(page([['a', cell(1, 1_000_000_000n, 1, 1)]]), IDENTITY, ALL) + cellBytes('__proto__', cell(4, 4_000_000_000n, 1, 1), ALL),
    );
  });
});

describe('pageFromItem', () => {
  it('reads back the cells, marks, full flag and version pageToItem wrote', () => {
    // Prepare
    const stored = page(
      [
        ['/products/42', cell(3, 12_500_000_000n, -1.5, 10)],
        ['b', cell(1, 1n, 0.000000001, 0.000000001)],
        ['ключ 🔑', cell(7, -300_000_000n, -0.2, 0.1)],
        ['42', cell(1, 0n, 0, 0)],
      ],
      [
        [S1, padded(17)],
        [S2, padded(49_650_000_000_000_000_000n)],
      ],
      true,
      12,
    );

    // Act
    const read = pageFromItem(pageToItem(stored, { ...IDENTITY, distinctFields: 'user' }, ALL));

    // Assess
    expect(read).toEqual(stored);
    expect(read.marks.get(S2)).toBe(padded(49_650_000_000_000_000_000n));
  });

  it('reads a page that is not full, and one with no cells and no marks', () => {
    // Prepare
    const notFull = page([['a', cell(1, 1_000_000_000n, 1, 1)]], [[S1, padded(3)]], false, 1);

    // Act & Assess
    expect(pageFromItem(pageToItem(notFull, IDENTITY, ALL))).toEqual(notFull);
    expect(pageFromItem(pageToItem({ ...EMPTY_PAGE, version: 1 }, IDENTITY, ALL))).toEqual(page([], [], false, 1));
    expect(pageFromItem({ pk: { S: '#pg#page_view#1m' }, sk: { S: '2026-11-26T12:34:00.000Z' } })).toEqual(EMPTY_PAGE);
  });

  it('reads a stat the page does not keep as 0', () => {
    // Act
    const read = pageFromItem(pageToItem(page([['a', cell(2, 3_000_000_000n, 1, 2)]], [[S1, padded(1)]]), IDENTITY, COUNT_ONLY));

    // Assess
    expect(read.cells.get('a')).toEqual(cell(2, 0n, 0, 0));
  });
});

describe('cellBytes', () => {
  it('is what the page grows by when the cell is added, and the stored page is no larger than pageBytes says (deflate adds at most a few bytes to text it cannot shrink)', () => {
    const keyArbitrary = fc.oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
      fc.constantFrom('/products/42', 'ключ', '🔑🔑', '__proto__', 'constructor', 'toString', 'a#b', '0', '42'),
    );
    const cellArbitrary = fc.record({
      count: fc.integer({ min: 1, max: 1_000_000_000 }),
      sumNanos: fc.bigInt({ min: -(10n ** 27n), max: 10n ** 27n }),
      min: fc.oneof(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.constantFrom(0.1, -2.5, 1e-9, 123456.789)),
      max: fc.oneof(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.constantFrom(0.3, 7.25, 1e-7, 999_999_999_999.5)),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(keyArbitrary, cellArbitrary), { minLength: 1, maxLength: 6, selector: ([key]) => key }),
        fc.record({ sum: fc.boolean(), min: fc.boolean(), max: fc.boolean() }),
        fc.boolean(),
        (cells, stats, full) => {
          // Prepare
          const [[key, added], ...others] = cells;
          const marks: [string, string][] = [[S1, padded(12)]];
          const without = page(others, marks, full, 3);
          const withCell = page([...others, [key, added]], marks, full, 3);

          // Act
          const growth = pageBytes(withCell, IDENTITY, stats) - pageBytes(without, IDENTITY, stats);

          // Assess
          expect(growth).toBe(cellBytes(key, added, stats));
          expect(itemSizeBytes(pageToItem(withCell, IDENTITY, stats))).toBeLessThanOrEqual(pageBytes(withCell, IDENTITY, stats) + 5);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('counts the entry as JSON in UTF-8 and its comma', () => {
    // Prepare
    const c = cell(12, 12_500_000_000n, -1.5, 10);

    // Act & Assess
    // ["ключ",12,"12.5",-1.5,10]: brackets 2, "ключ" 10 (8 bytes and quotes), ,12 3, ,"12.5" 7, ,-1.5 5, ,10 3 = 30.
    expect(cellBytes('ключ', c, ALL)).toBe(1 + 30);
    // ["a",12] = 8.
    expect(cellBytes('a', c, COUNT_ONLY)).toBe(1 + 8);
  });

  it('bounds a page of 100 keys sharing a prefix, which is stored in under a third of it', () => {
    // Prepare
    const cells: [string, PageCell][] = Array.from({ length: 100 }, (_, i) => [
      `/catalog/item-${String(i * 37).padStart(4, '0')}`,
      cell(1 + ((i * 7) % 300), 0n, 0, 0),
    ]);
    const hundred = page(cells, [[S1, padded(12)]]);

    // Act
    const budgeted = pageBytes(hundred, IDENTITY, COUNT_ONLY);
    const stored = itemSizeBytes(pageToItem(hundred, IDENTITY, COUNT_ONLY));

    // Assess
    expect(budgeted).toBeGreaterThan(2_700);
    expect(stored).toBeLessThan(budgeted / 3);
  });
});

describe('cellsOfPageItem', () => {
  it('reads every cell with the stats the page keeps, the sum as its exact decimal text', () => {
    // Prepare
    const stored = page([
      ['a', cell(2, toNanos(0.1)! + toNanos(0.2)!, 0.1, 0.2)],
      ['b', cell(5, -7_000_000_000n, -3, 1)],
    ]);

    // Act
    const all = cellsOfPageItem(pageToItem(stored, IDENTITY, ALL));
    const countOnly = cellsOfPageItem(pageToItem(stored, IDENTITY, COUNT_ONLY));
    const minOnly = cellsOfPageItem(pageToItem(stored, IDENTITY, { sum: false, min: true, max: false }));

    // Assess
    expect(all).toEqual(
      new Map([
        ['a', { count: 2, sum: '0.3', min: 0.1, max: 0.2 }],
        ['b', { count: 5, sum: '-7', min: -3, max: 1 }],
      ]),
    );
    expect(countOnly).toEqual(
      new Map([
        ['a', { count: 2 }],
        ['b', { count: 5 }],
      ]),
    );
    expect(countOnly.get('a')).not.toHaveProperty('sum');
    expect(minOnly.get('b')).toEqual({ count: 5, min: -3 });
    expect(cellsOfPageItem({ pk: { S: '#pg#page_view#1m' } })).toEqual(new Map());
  });

  it('decodes what encodeCells wrote, a stat not kept (null or left out) absent, in stored order', () => {
    // Prepare
    const written = new Map([
      ['__proto__', { count: 3, min: -1 }],
      ['a', { count: 3, sum: '0.3', min: -1, max: 2 }],
      ['b', { count: 1, max: 7.5 }],
    ]);

    // Act
    const value = encodeCells(written);
    const read = decodeCells(value);

    // Assess
    expect(entriesOf(value)).toEqual([
      ['__proto__', 3, null, -1],
      ['a', 3, '0.3', -1, 2],
      ['b', 1, null, null, 7.5],
    ]);
    expect(read).toEqual(written);
    expect([...read.keys()]).toEqual(['__proto__', 'a', 'b']);
    expect(decodeCells(undefined)).toEqual(new Map());
  });
});

describe('highWaterAttribute', () => {
  it('names the marks pageFromItem reads back', () => {
    const item = pageToItem(page([], [[S1, padded(1)]]), IDENTITY, ALL);
    expect(item[highWaterAttribute(S1)]).toEqual({ S: padded(1) });
  });
});
