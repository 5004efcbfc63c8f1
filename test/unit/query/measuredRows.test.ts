import { describe, expect, it } from 'vitest';
import { HyperLogLog, quantileBinAttribute } from '../../../core';
import { joinKeySketches } from '../../../src/query/attachSketches';
import { DEFAULT_QUANTILES, measuredRow, parseQuantiles, quantileName } from '../../../src/query/measuredRows';
import type { AggregateCell } from '../../../src/query/readAggregates';
import type { DistinctSketch } from '../../../src/query/readDistinct';
import { Rollup } from '../../../src/query/Rollup';

const WINDOW = '2026-12-03T12:00:00.000Z';
const NEXT = '2026-12-03T12:01:00.000Z';

/** A cell of `values`, with bins at accuracy 0.01, as the consumer would keep it. */
function cell(key: string, values: readonly number[], windowStart = WINDOW): AggregateCell {
  const bins: Record<string, number> = {};
  for (const value of values) {
    const name = quantileBinAttribute(value, 0.01);
    bins[name] = (bins[name] ?? 0) + 1;
  }
  return {
    key,
    windowStart,
    count: values.length,
    sum: values.reduce((a, b) => a + b, 0),
    min: Math.min(...values),
    max: Math.max(...values),
    bins,
    accuracy: 0.01,
  };
}

function sketch(...users: string[]): HyperLogLog {
  const hll = HyperLogLog.create(12);
  for (const user of users) hll.add(user);
  return hll;
}

describe('quantile names and --quantiles', () => {
  it.each([
    [0.5, 'p50'],
    [0.95, 'p95'],
    [0.999, 'p99.9'],
    [0, 'p0'],
    [1, 'p100'],
    [0.9999, 'p99.99'],
  ])('%d is %s', (q, name) => expect(quantileName(q)).toBe(name));

  it('parses a list in its order without repeats, and refuses anything not a rank in [0, 1]', () => {
    expect(parseQuantiles('0.99, 0.5,0.990')).toEqual([
      { q: 0.99, name: 'p99' },
      { q: 0.5, name: 'p50' },
    ]);
    for (const bad of ['', '1.01', '-0.1', 'p50', '0.5,', 'NaN', 'Infinity']) expect(parseQuantiles(bad)).toBeUndefined();
    expect(DEFAULT_QUANTILES.map((spec) => spec.name)).toEqual(['p50', 'p90', 'p99']);
  });
});

describe('measuredRow', () => {
  it('a plain cell gives the plain row, field for field', () => {
    const plain = { key: '/a', windowStart: WINDOW, count: 2, sum: 3, min: 1, max: 2 };
    expect(JSON.stringify(measuredRow(plain, new Map(), DEFAULT_QUANTILES))).toBe(JSON.stringify(plain));
  });

  it('adds quantiles clamped to min and max, and whole-number distinct estimates by field name', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    const row = measuredRow(
      cell('/a', values),
      new Map([
        ['key', sketch('x')],
        ['attrs.user', sketch('a', 'b', 'c')],
      ]),
      parseQuantiles('0,0.5,1')!,
    );
    expect(row.quantiles!.p0).toBe(1);
    expect(row.quantiles!.p100).toBe(100);
    expect(Math.abs(row.quantiles!.p50! - 50)).toBeLessThanOrEqual(0.51 + 0.01 * 51);
    expect(row.distinct).toEqual({ 'attrs.user': 3, key: 1 });
    expect(Object.keys(row.distinct!)).toEqual(['attrs.user', 'key']);
  });

  it('leaves quantiles out when the bins count nothing', () => {
    const row = measuredRow({ ...cell('/a', [1]), bins: {} }, undefined, DEFAULT_QUANTILES);
    expect(row.quantiles).toBeUndefined();
  });
});

describe('Rollup', () => {
  it('adds counts and sums, keeps the extremes, merges bins and sketches, ranks by count', () => {
    const rollup = new Rollup(WINDOW);
    rollup.add(cell('/a', [1, 2, 3]), new Map([['attrs.user', sketch('u1', 'u2')]]));
    rollup.add(cell('/b', [10, 0.1, 0.2]), new Map());
    rollup.add(cell('/a', [100, 4], NEXT), new Map([['attrs.user', sketch('u2', 'u3')]]));
    rollup.add(cell('/b', [5], NEXT));
    const [a, b] = rollup.cells();
    expect(a!.cell).toMatchObject({ key: '/a', windowStart: WINDOW, count: 5, sum: 110, min: 1, max: 100 });
    expect(a!.cell.bins).toEqual(cell('/a', [1, 2, 3, 100, 4]).bins);
    expect(a!.sketches.get('attrs.user')!.estimate()).toBe(3);
    // 10 + 0.1 + 0.2 + 5 in floats is 15.299999999999999; sums have at most 9 decimal places.
    expect(b!.cell).toMatchObject({ key: '/b', count: 4, sum: 15.3, min: 0.1, max: 10 });
  });

  it('refuses to add bins of two accuracies', () => {
    const rollup = new Rollup(WINDOW);
    rollup.add(cell('/a', [1]));
    expect(() => rollup.add({ ...cell('/a', [2], NEXT), accuracy: 0.02 })).toThrow(/accuracy 0.01 and 0.02/);
  });
});

describe('joinKeySketches', () => {
  async function* pages<T>(...all: T[][]): AsyncGenerator<T[]> {
    for (const page of all) yield page;
  }
  const at = (minute: number) => `2026-12-03T12:0${minute}:00.000Z`;
  const plain = (minute: number): AggregateCell => ({ key: '/a', windowStart: at(minute), count: 1, sum: 1, min: 1, max: 1 });
  const sketchAt = (minute: number, field: string): DistinctSketch => ({ windowStart: at(minute), field, sketch: sketch(field) });

  it('gives each cell the sketches of its window, whatever the two page boundaries', async () => {
    const joined: string[] = [];
    for await (const page of joinKeySketches(
      pages([plain(0), plain(1)], [plain(3)], [plain(5)]),
      pages([sketchAt(0, 'key')], [sketchAt(0, 'attrs.user'), sketchAt(3, 'key')], [sketchAt(5, 'key'), sketchAt(5, 'attrs.x')]),
    ))
      for (const { cell, sketches } of page) joined.push(`${cell.windowStart.slice(14, 16)}:${[...sketches.keys()].join('+')}`);
    expect(joined).toEqual(['00:key+attrs.user', '01:', '03:key', '05:key+attrs.x']);
  });
});
