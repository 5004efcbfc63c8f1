import { describe, expect, it } from 'vitest';
import { buildItemDeltas, DEFAULT_TYPE_MEASURES, deltaSketches, HyperLogLog, NO_MEASURES, type MeasuresConfig } from '../../../core';
import { LruMap } from '../../../lambdas/aggregator/store/LruMap';
import { MINUTE, padded, streamEvent } from '../core/factories';

const T = Date.parse('2026-11-26T12:34:56.789Z');
const measures: MeasuresConfig = {
  types: {
    page_view: {
      ...DEFAULT_TYPE_MEASURES,
      distinct: [
        { field: 'attrs.user', precision: 10 },
        { field: 'key', precision: 4 },
      ],
    },
  },
  alerts: [],
};

describe('deltaSketches', () => {
  it('builds one sketch per delta and declared field from the values present', () => {
    // Prepare
    const events = [
      { user: 'u1', key: '/a' },
      { user: 'u2', key: '/a' },
      { user: 'u1', key: '/a' },
      { key: '/a' },
      { user: 7, key: '/b' },
    ].map(({ user, key }, i) => ({
      event: streamEvent({ id: `e${i}`, key, tsMs: T, attrs: user === undefined ? {} : { user } }),
      paddedSequence: padded(i + 1),
    }));
    const other = { event: streamEvent({ type: 'search', tsMs: T }), paddedSequence: padded(9) };
    const deltas = buildItemDeltas('shard', [...events, other], [MINUTE]);

    // Act
    const sketches = deltaSketches(deltas, measures);

    // Assess
    const expected = HyperLogLog.create(10);
    for (const user of ['u1', 'u2', 'u1']) expected.add(user);
    expect(sketches.map(({ deltaIndex, field, precision }) => [deltas[deltaIndex]!.address.key, field, precision])).toEqual([
      ['/a', 'attrs.user', 10],
      ['/a', 'key', 4],
      ['/b', 'attrs.user', 10],
      ['/b', 'key', 4],
    ]);
    const sketchOf = (index: number) => HyperLogLog.fromUpdates(sketches[index]!.precision, sketches[index]!.updates);
    expect(sketchOf(0).toBytes()).toEqual(expected.toBytes());
    expect(sketchOf(0).estimate()).toBe(2);
    expect(sketchOf(1).estimate()).toBe(1);
    expect(deltaSketches(deltas, NO_MEASURES)).toEqual([]);
  });

  it('gives no sketch to a delta without any value of the field', () => {
    const [delta] = buildItemDeltas(
      'shard',
      [{ event: streamEvent({ tsMs: T, attrs: { user: null } }), paddedSequence: padded(1) }],
      [MINUTE],
    );
    expect(deltaSketches([delta!], measures).map((s) => s.field)).toEqual(['key']);
  });

  it('gives derived cells the distinct counts of their type, read from the original event', () => {
    const event = streamEvent({ type: 'page_view@total', key: 'all', tsMs: T });
    const origin = streamEvent({ key: '/orig', tsMs: T, attrs: { user: 'u9' } });
    const [delta] = buildItemDeltas('shard', [{ event, paddedSequence: padded(1), origin }], [MINUTE]);
    const sketches = deltaSketches([delta!], measures);
    const key = HyperLogLog.create(4);
    key.add('/orig');
    expect(sketches.map((s) => s.field)).toEqual(['attrs.user', 'key']);
    expect(HyperLogLog.fromUpdates(4, sketches[1]!.updates).toBytes()).toEqual(key.toBytes());
  });
});

describe('LruMap', () => {
  it('drops the least recently used entry past its capacity', () => {
    const lru = new LruMap<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1);
    lru.set('c', 3);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe(1);
    expect(lru.get('c')).toBe(3);
    expect(lru.size).toBe(2);
    expect(() => new LruMap(0)).toThrow();
  });
});
