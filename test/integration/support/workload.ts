import fc from 'fast-check';
import type { StreamRecord } from '../../../core';
import { framed, kplAggregate } from '../../support/kplAggregate';

/** How a generated record is meant to end, known before any delivery. */
export type Intent =
  | {
      readonly kind: 'event';
      readonly id: string;
      readonly type: string;
      readonly key: string;
      readonly tsMs: number;
      readonly value: number;
    }
  | { readonly kind: 'duplicate'; readonly ofId: string }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'future' }
  /** Older than any watermark allows, but only late once a watermark exists: it may count or be quarantined, never both. */
  | {
      readonly kind: 'lateCandidate';
      readonly id: string;
      readonly type: string;
      readonly key: string;
      readonly tsMs: number;
      readonly value: number;
    };

export interface GeneratedRecord {
  /** The Kinesis record; user records of one KPL aggregate share it. */
  readonly record: StreamRecord;
  /** For a user record of a KPL aggregate: its place in the aggregate. */
  readonly subSequenceNumber?: number;
  readonly intent: Intent;
  /** The event as sent, for events, duplicates and late candidates. */
  readonly event?: { id: string; type: string; key: string; tsMs: number; value: number };
}

export interface Workload {
  readonly records: readonly GeneratedRecord[];
  readonly shardCount: number;
}

/** Start of the generated event times. Normal events spread over 30 minutes, well inside the 1 h lateness. */
export const T0 = Date.parse('2026-11-26T12:00:00.000Z');
const ARRIVAL_START = T0 + 31 * 60_000;

const eventArb = fc.record({
  type: fc.constantFrom('page_view', 'search'),
  key: fc.constantFrom('/a', '/b', '/c', '/d', 'k#1', 'ünïcode'),
  offsetMs: fc.integer({ min: 0, max: 30 * 60_000 }),
  value: fc.oneof(fc.constant(1), fc.integer({ min: -5, max: 100 }), fc.constantFrom(0.1, 0.2, 1.25, 2.000000001, 1e12)),
});

const extraArb = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), of: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('invalid' as const),
      variant: fc.constantFrom('notJson', 'array', 'missingId', 'badTs', 'badUtf8', 'badValue', 'protoKey', 'kplBadMd5', 'kplBadProtobuf'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('future' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('lateCandidate' as const), event: eventArb }) },
);

/** Sequence numbers as Kinesis issues them (56 digits) or at the 129-digit limit. */
const sequenceBaseArb = fc.constantFrom(49_590_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000n, 10n ** 128n);

/** A stream of records with producer duplicates, malformed, future and late events, spread over shards by key. */
export const workloadArb: fc.Arbitrary<Workload> = fc
  .record({
    events: fc.array(eventArb, { minLength: 1, maxLength: 40 }),
    extras: fc.array(extraArb, { maxLength: 15 }),
    order: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 60, maxLength: 60 }),
    shardCount: fc.integer({ min: 1, max: 3 }),
    sequenceBase: sequenceBaseArb,
    // Per placed record: how many of the following records of its key the producer packs with it into one KPL aggregate.
    packing: fc.array(fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 4 }) }), {
      minLength: 60,
      maxLength: 60,
    }),
  })
  .map(({ events, extras, order, shardCount, sequenceBase, packing }) => {
    type Placed = { position: number; intent: Intent; payload: Uint8Array; key: string; event?: GeneratedRecord['event'] };
    const placed: Placed[] = events.map((generated, index) => {
      const event = { id: `e${index}`, type: generated.type, key: generated.key, tsMs: T0 + generated.offsetMs, value: generated.value };
      return { position: order[index % order.length], intent: { kind: 'event', ...event }, payload: encode(event), key: event.key, event };
    });
    extras.forEach((extra, index) => {
      const position = order[(events.length + index) % order.length];
      if (extra.kind === 'duplicate') {
        const original = placed[extra.of % events.length];
        const event = original.event!;
        // A producer retry comes after the original.
        placed.push({
          position: original.position + (1 - original.position) * position,
          intent: { kind: 'duplicate', ofId: event.id },
          payload: encode(event),
          key: event.key,
          event,
        });
      } else if (extra.kind === 'invalid') {
        placed.push({ position, intent: { kind: 'invalid' }, payload: invalidPayload(extra.variant, index), key: `bad${index}` });
      } else if (extra.kind === 'future') {
        // Event time one hour past any arrival time: beyond the 5-minute skew whatever the batching.
        const event = { id: `f${index}`, type: 'page_view', key: '/a', tsMs: ARRIVAL_START + 3_600_000, value: 1 };
        placed.push({ position, intent: { kind: 'future' }, payload: encode(event), key: event.key, event });
      } else {
        const event = {
          id: `l${index}`,
          type: extra.event.type,
          key: extra.event.key,
          tsMs: T0 - 2 * 3_600_000 + extra.event.offsetMs,
          value: extra.event.value,
        };
        placed.push({ position, intent: { kind: 'lateCandidate', ...event }, payload: encode(event), key: event.key, event });
      }
    });
    placed.sort((a, b) => a.position - b.position);
    const records: GeneratedRecord[] = [];
    packInto(placed, packing).forEach((group, index) => {
      const first = group[0]!;
      const record: StreamRecord = {
        shardId: `shardId-${String(shardOf(first.key, shardCount)).padStart(12, '0')}`,
        sequenceNumber: (sequenceBase + BigInt(index) * 1_000_003n).toString(),
        partitionKey: first.key,
        arrivalMs: ARRIVAL_START + index * 10,
        data: group.length === 1 ? first.payload : kplAggregate(group.map((item) => ({ partitionKey: item.key, data: item.payload }))),
      };
      if (group.length === 1) records.push({ intent: first.intent, event: first.event, record });
      else
        group.forEach((item, subSequenceNumber) => {
          records.push({ intent: item.intent, event: item.event, record, subSequenceNumber });
        });
    });
    return { records, shardCount };
  });

/** Countries as events carry them: valid values, a number, and values that go to `(missing)`. */
const COUNTRIES: readonly unknown[] = ['DE', 'FR', 'ünï', 7, null, undefined, { nested: true }, ''];

/**
 * The `attrs` an event is sent with, a function of its id (so a producer
 * retry repeats them): a user for distinct counts, a country for a dimension.
 */
export function attrsOf(id: string): { user: string; country?: unknown } {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (Math.imul(hash, 31) + id.charCodeAt(i)) >>> 0;
  const country = COUNTRIES[hash % COUNTRIES.length];
  return { user: `u${(hash >>> 3) % 6}`, ...(country === undefined ? {} : { country }) };
}

function encode(event: { id: string; type: string; key: string; tsMs: number; value: number }): Uint8Array {
  const body = {
    id: event.id,
    type: event.type,
    key: event.key,
    ts: new Date(event.tsMs).toISOString(),
    value: event.value,
    attrs: attrsOf(event.id),
  };
  return Buffer.from(JSON.stringify(body));
}

function invalidPayload(variant: string, index: number): Uint8Array {
  const valid = { id: `x${index}`, type: 'page_view', key: '/a', ts: new Date(T0).toISOString() };
  switch (variant) {
    case 'notJson':
      return Buffer.from('{"id": "x');
    case 'array':
      return Buffer.from('[1,2,3]');
    case 'missingId':
      return Buffer.from(JSON.stringify({ ...valid, id: undefined }));
    case 'badTs':
      return Buffer.from(JSON.stringify({ ...valid, ts: '2026-11-26 12:00' }));
    case 'badUtf8':
      return Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]);
    case 'badValue':
      return Buffer.from(JSON.stringify({ ...valid, value: 'ten' }));
    case 'kplBadMd5': {
      // The KPL's framing around a valid aggregate, its digest off by one bit: the whole record is invalid.
      const aggregate = kplAggregate([{ partitionKey: '/a', data: JSON.stringify(valid) }]);
      aggregate[aggregate.length - 1]! ^= 1;
      return aggregate;
    }
    case 'kplBadProtobuf':
      // A length prefix running past the end, under a correct digest.
      return framed(Uint8Array.from([0x1a, 0x7f, 0x08, 0x00]));
    default:
      return Buffer.from(`{"__proto__": {"id": "x"}, "type": "page_view", "key": "/a", "ts": "${valid.ts}"}`);
  }
}

/**
 * Groups records as a KPL producer would: a record with `packing[i]` > 0 takes
 * up to that many of the later records of its own key into one aggregate (one
 * key, so that its lane is the same with a parallelization factor above 1).
 * Pulling a later record forward is harmless: the only order the intents rely
 * on is a producer duplicate's after its original, and both carry one event.
 */
function packInto<T extends { key: string; intent: Intent }>(placed: readonly T[], packing: readonly number[]): T[][] {
  const taken = new Set<number>();
  const groups: T[][] = [];
  for (let i = 0; i < placed.length; i++) {
    if (taken.has(i)) continue;
    const group = [placed[i]!];
    const room = placed[i]!.intent.kind === 'invalid' ? 0 : packing[i % packing.length]!;
    for (let j = i + 1; j < placed.length && group.length <= room; j++) {
      if (!taken.has(j) && placed[j]!.key === placed[i]!.key && placed[j]!.intent.kind !== 'invalid') {
        taken.add(j);
        group.push(placed[j]!);
      }
    }
    groups.push(group);
  }
  return groups;
}

/** Kinesis maps a partition key to a shard by its MD5 hash; any stable hash does here. */
export function shardOf(partitionKey: string, shardCount: number): number {
  let hash = 0;
  for (const char of partitionKey) hash = (hash * 31 + char.codePointAt(0)!) >>> 0;
  return hash % shardCount;
}
