/** One generated event, and what it is in the stream. */
export interface TestEvent {
  readonly id: string;
  readonly type: string;
  readonly key: string;
  readonly tsMs: number;
  readonly value: number;
}

/** A record to put: an event (or a retry of one), or a malformed payload. */
export interface TestRecord {
  readonly data: Uint8Array;
  readonly partitionKey: string;
  /** The event, when the record is one (a producer retry carries the original). */
  readonly event?: TestEvent;
  readonly retry?: boolean;
}

const VALUES = [1, 2.5, 0.1, 3, 1e12, -4];

/**
 * `count` events one second of event time apart from `baseMs`: two types,
 * seven keys (partition key = key), exact-decimal values. Event times rise
 * with the record order, so none is late; they stay within the default 5
 * minutes of clock skew of their arrival.
 */
export function makeEvents(count: number, baseMs: number): TestEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `e${i}`,
    type: i % 3 === 0 ? 'search' : 'page_view',
    key: `k${i % 7}`,
    tsMs: baseMs + i * 1000,
    value: VALUES[i % VALUES.length]!,
  }));
}

/** The records for events `from`..`to - 1`: each event, a producer retry of event i-3 after every i ≡ 5 (mod 10), and malformed records at `malformedAt`. */
export function recordsFor(events: readonly TestEvent[], from: number, to: number, malformedAt: readonly number[] = []): TestRecord[] {
  const records: TestRecord[] = [];
  for (let i = from; i < to; i++) {
    records.push(eventRecord(events[i]!));
    if (i % 10 === 5 && i >= 3) records.push({ ...eventRecord(events[i - 3]!), retry: true });
    if (malformedAt.includes(i)) records.push({ data: Buffer.from(`not json ${i}`), partitionKey: `bad${i}` });
  }
  return records;
}

export function eventRecord(event: TestEvent, retry = false): TestRecord {
  const body = { id: event.id, type: event.type, key: event.key, ts: new Date(event.tsMs).toISOString(), value: event.value };
  return { data: Buffer.from(JSON.stringify(body)), partitionKey: event.key, event, retry };
}

/** The first multiple of `stepMs` at or after `ms`. */
export function ceilTo(ms: number, stepMs: number): number {
  return Math.ceil(ms / stepMs) * stepMs;
}
