import { randomBytes } from 'node:crypto';
import type { AggregateRow } from '../../../src/query/readAggregates';

/** The window granularities the suite checks: the stack's defaults. */
export const GRANULARITIES = { '1m': 60_000, '1h': 3_600_000, '1d': 86_400_000 } as const;
export type Granularity = keyof typeof GRANULARITIES;

/** One Kinesis record as PutRecords takes it. */
export interface RunRecord {
  readonly Data: Uint8Array;
  readonly PartitionKey: string;
}

/**
 * The events of one run of the suite, and what the stack must make of them. Every
 * event has the run's own type, `e2e_<runId>`, and every id and bad record carries
 * the run id, so on a shared stack the suite reads, checks and deletes only its
 * own data.
 */
export interface RunEvents {
  readonly runId: string;
  readonly type: string;
  /** Start of the one-minute window every valid event falls in. */
  readonly minuteStartMs: number;
  /** Sent with the plain SDK (PutRecords): `/a` ×15 and a producer retry of its first event. */
  readonly sdkRecords: readonly RunRecord[];
  /** Sent with the plain SDK after `sdkRecords`, on `/a`'s shard: one late, one future, one invalid record. */
  readonly badRecords: readonly RunRecord[];
  /** Sent with `streamtally produce --file`: `/b` ×10 (value 2) and `/c` ×5 (values 1, 2, 3, 4, 0.5). */
  readonly ndjson: string;
  /** Events in the file. */
  readonly fileEvents: number;
  /** Every producer id the run uses (for cleaning up its claims). */
  readonly ids: readonly string[];
  /** The rows `query --window G --from W --to W --json` must print, W the window of the run's minute. */
  readonly expectedRows: Readonly<Record<Granularity, readonly AggregateRow[]>>;
  /** The records the quarantine must hold for this run: reason and raw data, sorted by reason. */
  readonly expectedQuarantine: readonly { readonly reason: string; readonly data: string }[];
}

/** A run id: letters and digits, unique enough to share a stack with other runs. */
export function newRunId(now = Date.now()): string {
  return `${now.toString(36)}${randomBytes(3).toString('hex')}`;
}

/**
 * The run's events, timed in the minute before `nowMs` (so that every valid event
 * is on time, in one window of each granularity, and not in the future).
 */
export function planRunEvents(runId: string, nowMs: number): RunEvents {
  const type = `e2e_${runId}`;
  const minuteStartMs = Math.floor(nowMs / 60_000) * 60_000 - 60_000;
  const at = (second: number) => new Date(minuteStartMs + second * 1000).toISOString();
  const encode = (value: unknown): Uint8Array => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

  const a = Array.from({ length: 15 }, (_, i) => ({ id: `${runId}-a-${i}`, type, key: '/a', ts: at(i) }));
  const b = Array.from({ length: 10 }, (_, i) => ({ id: `${runId}-b-${i}`, type, key: '/b', ts: at(15 + i), value: 2 }));
  const cValues = [1, 2, 3, 4, 0.5];
  const c = cValues.map((value, i) => ({ id: `${runId}-c-${i}`, type, key: '/c', ts: at(25 + i), value }));

  // Late: three hours before the run's events, on /a's shard after them (its watermark is then
  // the run's minute, and the allowed lateness 1 h). Future: two hours after now (the allowed skew is 5 min).
  const late = { id: `${runId}-late`, type, key: '/a', ts: new Date(minuteStartMs - 3 * 3_600_000).toISOString() };
  const future = { id: `${runId}-future`, type, key: '/a', ts: new Date(nowMs + 2 * 3_600_000).toISOString() };
  const invalid = `not json ${runId}`;

  const row = (key: string, windowStartMs: number, values: readonly number[]): AggregateRow => ({
    key,
    windowStart: new Date(windowStartMs).toISOString(),
    count: values.length,
    sum: values.reduce((total, value) => total + value, 0),
    min: Math.min(...values),
    max: Math.max(...values),
  });
  const expectedRows = Object.fromEntries(
    (Object.entries(GRANULARITIES) as [Granularity, number][]).map(([granularity, sizeMs]) => {
      const windowStartMs = Math.floor(minuteStartMs / sizeMs) * sizeMs;
      return [
        granularity,
        [
          row(
            '/a',
            windowStartMs,
            a.map(() => 1),
          ),
          row(
            '/b',
            windowStartMs,
            b.map(() => 2),
          ),
          row('/c', windowStartMs, cValues),
        ],
      ];
    }),
  ) as Record<Granularity, AggregateRow[]>;

  return {
    runId,
    type,
    minuteStartMs,
    sdkRecords: [...a, a[0]!].map((event) => ({ Data: encode(event), PartitionKey: event.key })),
    badRecords: [
      { Data: encode(late), PartitionKey: late.key },
      { Data: encode(future), PartitionKey: future.key },
      { Data: encode(invalid), PartitionKey: `/a` },
    ],
    ndjson: `${[...b, ...c].map((event) => JSON.stringify(event)).join('\n')}\n`,
    fileEvents: b.length + c.length,
    ids: [...a, ...b, ...c, late, future].map((event) => event.id),
    expectedRows,
    expectedQuarantine: [
      { reason: 'future', data: JSON.stringify(future) },
      { reason: 'invalid', data: invalid },
      { reason: 'late', data: JSON.stringify(late) },
    ],
  };
}
