import { describe, expect, it } from 'vitest';
import { buildItemDeltas, summarizeContributions } from '../../../lambdas/aggregator/core/buildItemDeltas';
import type { ItemDelta } from '../../../lambdas/aggregator/core/types';
import { DAY, HOUR, MINUTE, padded, streamEvent } from './factories';

const SHARD = 'shardId-000000000001';
const T = Date.parse('2026-11-26T12:34:56.789Z');

function sequenced(sequence: number, overrides: Parameters<typeof streamEvent>[0] = {}) {
  return { event: streamEvent({ id: `e${sequence}`, ...overrides }), paddedSequence: padded(sequence) };
}

function deltaOf(deltas: ItemDelta[], granularity: string, key = '/products/42'): ItemDelta {
  const found = deltas.filter((d) => d.address.granularity === granularity && d.address.key === key);
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('buildItemDeltas', () => {
  it('adds one event to one item per granularity', () => {
    // Act
    const deltas = buildItemDeltas(SHARD, [sequenced(1, { tsMs: T, value: 2.5 })], [MINUTE, HOUR, DAY]);

    // Assess
    expect(deltas).toEqual([
      {
        address: {
          type: 'page_view',
          key: '/products/42',
          granularity: '1m',
          windowStartMs: Date.parse('2026-11-26T12:34:00Z'),
          windowSizeMs: 60_000,
          expiresAtSec: (Date.parse('2026-11-26T12:35:00Z') + 7 * 86_400_000) / 1000,
        },
        shardId: SHARD,
        contributions: [{ paddedSequence: padded(1), valueNanos: 2_500_000_000n, value: 2.5 }],
      },
      expect.objectContaining({
        address: expect.objectContaining({ granularity: '1h', windowStartMs: Date.parse('2026-11-26T12:00:00Z') }),
      }),
      expect.objectContaining({
        address: expect.objectContaining({ granularity: '1d', windowStartMs: Date.parse('2026-11-26T00:00:00Z') }),
      }),
    ]);
  });

  it('groups events of the same cell and separates different cells', () => {
    // Prepare
    const events = [
      sequenced(1, { tsMs: T }),
      sequenced(2, { tsMs: T + 1_000 }), // same minute
      sequenced(3, { tsMs: T + 60_000 }), // next minute, same hour
      sequenced(4, { tsMs: T, key: '/other' }),
      sequenced(5, { tsMs: T, type: 'search' }),
    ];

    // Act
    const deltas = buildItemDeltas(SHARD, events, [MINUTE, HOUR]);

    // Assess
    const cells = deltas.map((d) => `${d.address.type}|${d.address.key}|${d.address.granularity}|${d.address.windowStartMs}`);
    expect(new Set(cells).size).toBe(cells.length);
    expect(deltas).toHaveLength(7); // minutes: 2 for /products/42 page_view, 1 /other, 1 search; hours: 3
    const minute = deltas.find((d) => d.address.granularity === '1m' && d.address.windowStartMs === Date.parse('2026-11-26T12:34:00Z') && d.address.type === 'page_view' && d.address.key === '/products/42')!;
    expect(minute.contributions.map((c) => c.paddedSequence)).toEqual([padded(1), padded(2)]);
    const hour = deltas.find((d) => d.address.granularity === '1h' && d.address.type === 'page_view' && d.address.key === '/products/42')!;
    expect(hour.contributions.map((c) => c.paddedSequence)).toEqual([padded(1), padded(2), padded(3)]);
  });

  it('does not confuse keys containing # with other cells', () => {
    const deltas = buildItemDeltas(
      SHARD,
      [sequenced(1, { type: 'a', key: 'b#c' }), sequenced(2, { type: 'a', key: 'b' })],
      [MINUTE],
    );
    expect(deltas.map((d) => d.address.key)).toEqual(['b#c', 'b']);
  });

  it('orders contributions by sequence number whatever the input order', () => {
    // Prepare: 129-digit sequence numbers that a JS number could not tell apart.
    const base = 10n ** 128n;
    const events = [3n, 1n, 2n].map((n) => ({ event: streamEvent({ id: `e${n}`, tsMs: T }), paddedSequence: padded(base + n) }));

    // Act
    const deltas = buildItemDeltas(SHARD, events, [MINUTE]);

    // Assess
    expect(deltas[0]!.contributions.map((c) => c.paddedSequence)).toEqual([padded(base + 1n), padded(base + 2n), padded(base + 3n)]);
  });

  it('puts pre-1970 events in the window that contains them', () => {
    const deltas = buildItemDeltas(SHARD, [sequenced(1, { tsMs: -1 })], [MINUTE, DAY]);
    expect(deltaOf(deltas, '1m').address.windowStartMs).toBe(-60_000);
    expect(deltaOf(deltas, '1d').address.windowStartMs).toBe(-86_400_000);
    expect(deltaOf(deltas, '1m').address.expiresAtSec).toBe(7 * 86_400);
  });

  it('rounds the expiry up to a whole second', () => {
    const odd = { label: '1s', sizeMs: 1_000, ttlMs: 1_500 };
    const [delta] = buildItemDeltas(SHARD, [sequenced(1, { tsMs: 0 })], [odd]);
    expect(delta!.address.expiresAtSec).toBe(3); // (0 + 1000 + 1500) / 1000 = 2.5
  });

  it('returns nothing for no events or no granularities', () => {
    expect(buildItemDeltas(SHARD, [], [MINUTE])).toEqual([]);
    expect(buildItemDeltas(SHARD, [sequenced(1)], [])).toEqual([]);
  });
});

describe('summarizeContributions', () => {
  it('counts, sums exactly and finds min and max', () => {
    // Prepare
    const values = [0.1, 0.2, -3, 7.000000001];
    const events = values.map((value, i) => sequenced(i + 1, { tsMs: T, value }));
    const [delta] = buildItemDeltas(SHARD, events, [MINUTE]);

    // Act
    const summary = summarizeContributions(delta!.contributions);

    // Assess
    expect(summary).toEqual({ count: 4, sumNanos: 4_300_000_001n, min: -3, max: 7.000000001 });
  });

  it('summarizes a single contribution', () => {
    expect(summarizeContributions([{ paddedSequence: padded(1), valueNanos: 1_000_000_000n, value: 1 }])).toEqual({
      count: 1,
      sumNanos: 1_000_000_000n,
      min: 1,
      max: 1,
    });
  });

  it('throws on no contributions', () => {
    expect(() => summarizeContributions([])).toThrow('at least one contribution');
  });
});
