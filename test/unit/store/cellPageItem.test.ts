import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { highWaterAttribute, toNanos, EMPTY_PAGE, type CellPage, type PageCell } from '../../../core';
import {
  cellBytes,
  cellPageKey,
  cellsOfPageItem,
  cellValue,
  pageBytes,
  pageFromItem,
  pageToItem,
  readCell,
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

function page(
  cells: ReadonlyArray<readonly [string, PageCell]>,
  marks: ReadonlyArray<readonly [string, string]> = [],
  full = false,
  version = 1,
): CellPage {
  return { cells: new Map(cells), marks: new Map(marks), full, version };
}

describe('pageToItem', () => {
  it('writes the key, identity, cells as a List of [key, count, sum, min, max] in page order, marks as hw#<shardId>, full and version', () => {
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
    expect(item).toEqual({
      pk: { S: '#pg#page_view#1m' },
      sk: { S: '2026-11-26T12:34:00.000Z' },
      type: { S: 'page_view' },
      granularity: { S: '1m' },
      windowStart: { S: '2026-11-26T12:34:00.000Z' },
      expiresAt: { N: '1796300100' },
      cells: {
        L: [
          { L: [{ S: '/products/42' }, { N: '3' }, { N: '12.5' }, { N: '-1.5' }, { N: '10' }] },
          { L: [{ S: 'b' }, { N: '1' }, { N: '0.000000001' }, { N: '1e-9' }, { N: '1e-9' }] },
        ],
      },
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

  it('writes a stat the type does not keep as NULL', () => {
    // Act
    const countOnly = pageToItem(page([['a', cell(2, 3_000_000_000n, 1, 2)]]), IDENTITY, COUNT_ONLY);
    const sumAndMax = pageToItem(page([['a', cell(2, 3_000_000_000n, 1, 2)]]), IDENTITY, { sum: true, min: false, max: true });

    // Assess
    expect(countOnly.cells).toEqual({ L: [{ L: [{ S: 'a' }, { N: '2' }, { NULL: true }, { NULL: true }, { NULL: true }] }] });
    expect(sumAndMax.cells).toEqual({ L: [{ L: [{ S: 'a' }, { N: '2' }, { N: '3' }, { NULL: true }, { N: '2' }] }] });
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
    const [a, b, c] = item.cells!.L!;
    expect(a!.L![0]).toEqual({ S: 'a' });
    expect(a!.L![2]).toEqual({ N: '0.3' });
    expect(b!.L![0]).toEqual({ S: 'b' });
    expect(b!.L![2]).toEqual({ N: '-0.3' });
    expect(c!.L![0]).toEqual({ S: 'c' });
    expect(c!.L![2]).toEqual({ N: '123456789012345678.901234567' });
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
    expect(item.cells!.L!.map((entry) => entry.L![0]!.S)).toEqual(['__proto__', 'a']);
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
  it('is what the page item grows by when the cell is added', () => {
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
          expect(pageBytes(withCell, IDENTITY, stats)).toBe(itemSizeBytes(pageToItem(withCell, IDENTITY, stats)));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('counts the List entry and the entry: a List of the key in UTF-8 and four values', () => {
    // Prepare: a cell is 1 byte for its entry in `cells`, then the entry, a List of five values.
    const c = cell(12, 12_500_000_000n, -1.5, 10);

    // Act & Assess
    // Entry: 3 + 5 elements × 1, + S 'ключ' (8), N '12' (2), N '12.5' (3), N '-1.5' (2), N '10' (2) = 25.
    expect(cellBytes('ключ', c, ALL)).toBe(1 + 25);
    // NULLs are 1 byte each: entry 3 + 5 + S 'a' (1) + N '12' (2) + 3 × 1 = 14.
    expect(cellBytes('a', c, COUNT_ONLY)).toBe(1 + 14);
    expect(itemSizeBytes({ x: cellValue('ключ', c, ALL) })).toBe(1 + 25);
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

  it('reads one entry, its key and cell, with readCell, an absent or NULL stat left out', () => {
    expect(readCell({ L: [{ S: 'a' }, { N: '3' }, { N: '0.3' }, { N: '-1' }, { N: '2' }] })).toEqual({
      key: 'a',
      cell: { count: 3, sum: '0.3', min: -1, max: 2 },
    });
    expect(readCell({ L: [{ S: '__proto__' }, { N: '3' }, { NULL: true }, { N: '-1' }, { NULL: true }] })).toEqual({
      key: '__proto__',
      cell: { count: 3, min: -1 },
    });
    expect(readCell({ L: [] })).toEqual({ key: '', cell: { count: 0 } });
  });
});

describe('highWaterAttribute', () => {
  it('names the marks pageFromItem reads back', () => {
    const item = pageToItem(page([], [[S1, padded(1)]]), IDENTITY, ALL);
    expect(item[highWaterAttribute(S1)]).toEqual({ S: padded(1) });
  });
});
