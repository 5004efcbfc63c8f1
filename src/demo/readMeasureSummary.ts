import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dimensionType, TOTAL_KEY, totalType, type MeasuresConfig } from '../../core';
import { DEFAULT_QUANTILES, measuredRow } from '../query/measuredRows';
import { readKeyWindows, readTopKeys } from '../query/readAggregates';
import { readCellSketches } from '../query/readDistinct';

/** How many of a dimension's values the summary names. */
const TOP_VALUES = 3;

/** One type's declared measures over its busiest window of the demo, as `query --total` and `--by` read them. */
export interface DemoMeasureLine {
  readonly type: string;
  readonly window: string;
  readonly windowStart: string;
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly quantiles?: Readonly<Record<string, number>>;
  readonly distinct?: Readonly<Record<string, number>>;
  /** The busiest values of each dimension in that window, by field. */
  readonly top?: Readonly<Record<string, readonly { value: string; count: number }[]>>;
}

/**
 * For each type with a total, the finest window of the demo with the most of its
 * events: the total's count, quantiles and distinct counts (query's readers), and
 * the busiest values of its dimensions. The busiest window, not the last complete
 * one: a demo need not cover any window whole, and its first or last window may
 * hold a few seconds of events only.
 */
export async function readMeasureSummary(
  dynamo: DynamoDBClient,
  table: string,
  measures: MeasuresConfig,
  range: { granularity: string; fromWindowMs: number; toWindowMs: number },
): Promise<DemoMeasureLine[]> {
  const lines: DemoMeasureLine[] = [];
  for (const [type, declared] of Object.entries(measures.types)) {
    if (!declared.total) continue;
    const cells = await readKeyWindows(dynamo, table, { ...range, type: totalType(type), key: TOTAL_KEY });
    const busiest = cells.reduce<(typeof cells)[number] | undefined>(
      (best, cell) => (best && best.count >= cell.count ? best : cell),
      undefined,
    );
    if (!busiest) continue;
    const windowStartMs = Date.parse(busiest.windowStart);
    const sketches = await readCellSketches(dynamo, table, {
      type: totalType(type),
      granularity: range.granularity,
      key: TOTAL_KEY,
      windowStartMs,
    });
    const row = measuredRow(busiest, sketches, DEFAULT_QUANTILES);
    const top: Record<string, { value: string; count: number }[]> = {};
    for (const { field } of declared.dimensions ?? []) {
      const rows = await readTopKeys(dynamo, table, {
        type: dimensionType(type, field),
        granularity: range.granularity,
        windowStartMs,
        limit: TOP_VALUES,
      });
      top[field] = rows.map((cell) => ({ value: cell.key, count: cell.count }));
    }
    lines.push({
      type,
      window: range.granularity,
      windowStart: row.windowStart,
      count: row.count,
      min: row.min,
      max: row.max,
      ...(row.quantiles ? { quantiles: row.quantiles } : {}),
      ...(row.distinct ? { distinct: row.distinct } : {}),
      ...(Object.keys(top).length > 0 ? { top } : {}),
    });
  }
  return lines;
}

/** `page_view in its busiest 1m (12:01Z): 9812 events, distinct attrs.user 2987, p50 80.2 · p90 254 · p99 660; attrs.country US 3100 · DE 1500 · GB 990` */
export function measureLine(line: DemoMeasureLine): string {
  const parts = [`${line.count} events`, `max ${line.max}`];
  for (const [field, estimate] of Object.entries(line.distinct ?? {})) parts.push(`distinct ${field} ${estimate}`);
  const quantiles = Object.entries(line.quantiles ?? {}).map(([name, value]) => `${name} ${round(value)}`);
  if (quantiles.length > 0) parts.push(quantiles.join(' · '));
  const dimensions = Object.entries(line.top ?? {}).map(
    ([field, values]) => `${field} ${values.map(({ value, count }) => `${value} ${count}`).join(' · ')}`,
  );
  const at = line.windowStart.replace(/:00\.000Z$/, 'Z');
  return `${line.type} in its busiest ${line.window} (${at}): ${parts.join(', ')}${dimensions.length > 0 ? `; ${dimensions.join('; ')}` : ''}`;
}

/** Three significant decimals at most: a quantile estimate is only within its accuracy anyway. */
function round(value: number): number {
  return Number(value.toPrecision(4));
}
