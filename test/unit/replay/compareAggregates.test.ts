import { describe, expect, it } from 'vitest';
import type { AggregateItem } from '../../../src/reconcile/AggregateItem';
import { canonicalDecimal } from '../../../src/reconcile/canonicalDecimal';
import { compareAggregates } from '../../../src/reconcile/compareAggregates';
import { isAheadOfReplay, raisedHighWater } from '../../../src/reconcile/repairItem';

const item = (
  key: string,
  count: string,
  sum: string,
  highWater: Record<string, string> = {},
  windowStart = '2026-11-26T12:00:00.000Z',
): AggregateItem => ({
  pk: `page_view#1m#${key}`,
  sk: windowStart,
  type: 'page_view',
  key,
  granularity: '1m',
  windowStart,
  windowStartMs: Date.parse(windowStart),
  count,
  sum,
  min: '1',
  max: '1',
  highWater,
});

describe('compareAggregates', () => {
  it('reports missing, extra and different items with both sides, and only in scope', () => {
    const live = [
      item('/same', '2', '2'),
      item('/diff', '3', '3'),
      item('/extra', '1', '1'),
      item('/expired', '9', '9', {}, '2026-11-20T00:00:00.000Z'),
    ];
    const shadow = [
      item('/same', '2', '2.000'),
      item('/diff', '4', '4'),
      item('/missing', '5', '5'),
      item('/expired', '1', '1', {}, '2026-11-20T00:00:00.000Z'),
    ];

    const comparison = compareAggregates(live, shadow, (candidate) => (candidate.windowStart.startsWith('2026-11-20') ? 'expired' : 'in'));

    expect(comparison.drift.map((drift) => [drift.key, drift.kind, drift.live?.count, drift.shadow?.count])).toEqual([
      ['/diff', 'different', '3', '4'],
      ['/extra', 'extra', '1', undefined],
      ['/missing', 'missing', undefined, '5'],
    ]);
    expect(comparison.compared).toBe(4);
    expect(comparison.expired).toBe(1);
  });
});

describe('canonicalDecimal', () => {
  it.each([
    ['0012.500', '12.5'],
    ['-0', '0'],
    ['1E+2', '100'],
    ['1.5e-3', '0.0015'],
    ['123456789012345678901234567890.000000001', '123456789012345678901234567890.000000001'],
    ['.5', '0.5'],
    ['abc', undefined],
  ])('%s is %s', (text, canonical) => {
    expect(canonicalDecimal(text)).toBe(canonical);
  });
});

describe('repair marks', () => {
  const live = item('/a', '3', '3', { s1: '0003', s2: '0009' });
  const shadow = item('/a', '7', '7', { s1: '0007', s3: '0002' });

  it('raises each shard mark to the higher of live and replay; others stay', () => {
    expect(raisedHighWater(shadow, live)).toEqual({ s1: '0007', s3: '0002' });
    expect(raisedHighWater(item('/a', '1', '1', { s1: '0001' }), live)).toEqual({});
  });

  it('calls a live item ahead when it took a record past where the replay stopped on a shard, or on a shard the replay did not read', () => {
    expect(
      isAheadOfReplay(
        live,
        new Map([
          ['s1', '0007'],
          ['s2', '0009'],
        ]),
      ),
    ).toBe(false);
    expect(
      isAheadOfReplay(
        live,
        new Map([
          ['s1', '0007'],
          ['s2', '0008'],
        ]),
      ),
    ).toBe(true);
    expect(isAheadOfReplay(live, new Map([['s1', '0007']]))).toBe(true);
  });
});
