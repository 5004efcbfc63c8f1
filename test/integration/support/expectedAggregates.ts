import {
  parseGranularities,
  windowStartMs,
  nanosToDecimalString,
  toNanos,
  aggregatePk,
  parseAggregatePk,
  topKeysPk,
  windowSk,
} from '../../../core';

/** An aggregate as compared in tests: `sum` as an exact decimal string. */
export interface AggregateRow {
  count: number;
  sum: string;
  min: number;
  max: number;
}

/**
 * Computes window aggregates from scratch, one event at a time, with none of
 * the consumer's code paths but the shared key layout and exact decimals.
 */
export function expectedAggregates(
  events: readonly { type: string; key: string; tsMs: number; value: number }[],
  windowsSpec: string,
): Map<string, AggregateRow> {
  const rows = new Map<string, { count: number; sumNanos: bigint; min: number; max: number }>();
  for (const granularity of parseGranularities(windowsSpec)) {
    for (const event of events) {
      const id = `${aggregatePk(event.type, granularity.label, event.key)}|${windowSk(windowStartMs(event.tsMs, granularity.sizeMs))}`;
      const row = rows.get(id);
      const nanos = toNanos(event.value)!;
      if (!row) rows.set(id, { count: 1, sumNanos: nanos, min: event.value, max: event.value });
      else {
        row.count += 1;
        row.sumNanos += nanos;
        row.min = Math.min(row.min, event.value);
        row.max = Math.max(row.max, event.value);
      }
    }
  }
  return new Map(
    [...rows].map(([id, row]) => [id, { count: row.count, sum: nanosToDecimalString(row.sumNanos), min: row.min, max: row.max }]),
  );
}

/**
 * The top `depth` keys of every window, ranked by brute force from expected
 * aggregates: count descending, ties by key in JavaScript string order.
 * Keyed by the leaderboard's `pk|sk`.
 */
export function expectedTopKeys(expected: ReadonlyMap<string, AggregateRow>, depth: number): Map<string, { key: string; count: number }[]> {
  const windows = new Map<string, { key: string; count: number }[]>();
  for (const [id, row] of expected) {
    const [pk, sk] = id.split('|') as [string, string];
    const { type, granularity, key } = parseAggregatePk(pk)!;
    const boardId = `${topKeysPk(type, granularity)}|${sk}`;
    const entries = windows.get(boardId) ?? [];
    entries.push({ key, count: row.count });
    windows.set(boardId, entries);
  }
  for (const [boardId, entries] of windows) {
    entries.sort((a, b) => (a.count !== b.count ? b.count - a.count : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    windows.set(boardId, entries.slice(0, depth));
  }
  return windows;
}
