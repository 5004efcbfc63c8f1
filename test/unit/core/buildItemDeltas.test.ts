import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildItemDeltas,
  summarizeContributions,
  type SequencedEvent,
  windowStartMs,
  type Contribution,
  type Granularity,
  type ItemDelta,
} from '../../../core';
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
    // Prepare
    const event = sequenced(1, { tsMs: T, value: 2.5 });

    // Act
    const deltas = buildItemDeltas(SHARD, [event], [MINUTE, HOUR, DAY]);

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
        contributions: [{ paddedSequence: padded(1), valueNanos: 2_500_000_000n, value: 2.5, event: event.event }],
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
    const minute = deltas.find(
      (d) =>
        d.address.granularity === '1m' &&
        d.address.windowStartMs === Date.parse('2026-11-26T12:34:00Z') &&
        d.address.type === 'page_view' &&
        d.address.key === '/products/42',
    )!;
    expect(minute.contributions.map((c) => c.paddedSequence)).toEqual([padded(1), padded(2)]);
    const hour = deltas.find((d) => d.address.granularity === '1h' && d.address.type === 'page_view' && d.address.key === '/products/42')!;
    expect(hour.contributions.map((c) => c.paddedSequence)).toEqual([padded(1), padded(2), padded(3)]);
  });

  it('does not confuse keys containing # with other cells', () => {
    const deltas = buildItemDeltas(SHARD, [sequenced(1, { type: 'a', key: 'b#c' }), sequenced(2, { type: 'a', key: 'b' })], [MINUTE]);
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

  it('finds a window again when a key goes back and forth between windows', () => {
    // Prepare: minute A, minute B, minute A again, then B again.
    const events = [
      sequenced(1, { tsMs: T }),
      sequenced(2, { tsMs: T + 60_000 }),
      sequenced(3, { tsMs: T + 1 }),
      sequenced(4, { tsMs: T + 60_001 }),
    ];

    // Act
    const deltas = buildItemDeltas(SHARD, events, [MINUTE]);

    // Assess
    expect(deltas.map((d) => d.contributions.map((c) => c.paddedSequence))).toEqual([
      [padded(1), padded(3)],
      [padded(2), padded(4)],
    ]);
  });

  it('agrees with a straightforward grouping for random batches', () => {
    const granularities: Granularity[] = [MINUTE, HOUR, { label: '5s', sizeMs: 5_000, ttlMs: 60_000 }];
    const randomEvent = fc.record({
      type: fc.constantFrom('a', 'b', 'a.b'),
      key: fc.constantFrom('k', 'k#1', '#', 'x', ''),
      tsMs: fc.integer({ min: T - 3 * 3_600_000, max: T + 3 * 3_600_000 }),
      value: fc.integer({ min: -5, max: 5 }),
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(randomEvent, fc.bigInt({ min: 0n, max: 10n ** 129n - 1n })), { maxLength: 60 }), (drawn) => {
        // Prepare
        const events: SequencedEvent[] = drawn.map(([fields, sequence], i) => ({
          event: streamEvent({ id: `e${i}`, ...fields }),
          paddedSequence: padded(sequence),
        }));

        // Act
        const deltas = buildItemDeltas(SHARD, events, granularities);

        // Assess
        expect(deltas).toEqual(referenceDeltas(events, granularities));
      }),
      { numRuns: 300 },
    );
  });

  it('returns nothing for no events or no granularities', () => {
    expect(buildItemDeltas(SHARD, [], [MINUTE])).toEqual([]);
    expect(buildItemDeltas(SHARD, [sequenced(1)], [])).toEqual([]);
  });
});

/** The obvious, slow grouping: one composite key per cell, sorted with BigInt. */
function referenceDeltas(events: readonly SequencedEvent[], granularities: readonly Granularity[]): ItemDelta[] {
  const cells = new Map<string, { address: ItemDelta['address']; contributions: Contribution[] }>();
  for (const { event, paddedSequence, origin } of events) {
    for (const g of granularities) {
      const start = windowStartMs(event.tsMs, g.sizeMs);
      const id = JSON.stringify([event.type, event.key, g.label, start]);
      if (!cells.has(id)) {
        const address = {
          type: event.type,
          key: event.key,
          granularity: g.label,
          windowStartMs: start,
          windowSizeMs: g.sizeMs,
          expiresAtSec: Math.ceil((start + g.sizeMs + g.ttlMs) / 1000),
        };
        cells.set(id, { address, contributions: [] });
      }
      cells.get(id)!.contributions.push({ paddedSequence, valueNanos: event.valueNanos, value: event.value, event: origin ?? event });
    }
  }
  return [...cells.values()].map(({ address, contributions }) => ({
    address,
    shardId: SHARD,
    contributions: contributions.sort((a, b) =>
      BigInt(a.paddedSequence) < BigInt(b.paddedSequence) ? -1 : BigInt(a.paddedSequence) > BigInt(b.paddedSequence) ? 1 : 0,
    ),
  }));
}

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
    expect(summarizeContributions([{ paddedSequence: padded(1), valueNanos: 1_000_000_000n, value: 1, event: streamEvent() }])).toEqual({
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
