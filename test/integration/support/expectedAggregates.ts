import { parseGranularities, windowStartMs } from '../../../lambdas/aggregator/core/granularity';
import { nanosToDecimalString, toNanos } from '../../../lambdas/aggregator/core/exactDecimal';
import { aggregatePk, windowSk } from '../../../lambdas/aggregator/core/itemKeys';

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
  return new Map([...rows].map(([id, row]) => [id, { count: row.count, sum: nanosToDecimalString(row.sumNanos), min: row.min, max: row.max }]));
}
