import { quantileFromBins, type HyperLogLog } from '../../core';
import type { AggregateCell, AggregateRow } from './readAggregates';

/** One quantile `query` prints: its rank in [0, 1] and its name (`p50`, `p99.9`). */
export interface QuantileSpec {
  readonly q: number;
  readonly name: string;
}

/** `p` and the rank in percent: 0.5 is `p50`, 0.999 is `p99.9`, 1 is `p100`. */
export function quantileName(q: number): string {
  // toPrecision drops the binary noise of q * 100 (0.999 * 100 = 99.89999999999999).
  return `p${Number((q * 100).toPrecision(12))}`;
}

/** `--quantiles 0.5,0.95,0.999` as specs, in the order given, without repeats; undefined when a part is not a rank in [0, 1]. */
export function parseQuantiles(text: string): QuantileSpec[] | undefined {
  const specs: QuantileSpec[] = [];
  for (const part of text.split(',')) {
    const trimmed = part.trim();
    const q = Number(trimmed);
    if (trimmed === '' || !Number.isFinite(q) || q < 0 || q > 1) return undefined;
    const name = quantileName(q);
    if (!specs.some((spec) => spec.name === name)) specs.push({ q, name });
  }
  return specs;
}

/** What rows show when `--quantiles` is not given. */
export const DEFAULT_QUANTILES: readonly QuantileSpec[] = parseQuantiles('0.5,0.9,0.99')!;

/**
 * The row `query` prints for one cell: its plain aggregates, its quantiles
 * when it has bins (each clamped to the cell's min and max, which are exact),
 * its distinct-count estimates when it has sketches. A plain cell gives the
 * row it always gave, field for field.
 */
export function measuredRow(
  cell: AggregateCell,
  sketches: ReadonlyMap<string, HyperLogLog> | undefined,
  quantiles: readonly QuantileSpec[],
): AggregateRow {
  const row: { -readonly [K in keyof AggregateRow]: AggregateRow[K] } = {
    key: cell.key,
    windowStart: cell.windowStart,
    count: cell.count,
    sum: cell.sum,
    min: cell.min,
    max: cell.max,
  };
  if (cell.bins && cell.accuracy !== undefined) {
    const range = { min: cell.min, max: cell.max };
    const values: Record<string, number> = {};
    for (const { q, name } of quantiles) {
      // Undefined when the bins count nothing (an item written before quantiles were declared).
      const value = quantileFromBins(cell.bins, q, cell.accuracy, range);
      if (value !== undefined) values[name] = value;
    }
    if (Object.keys(values).length > 0) row.quantiles = values;
  }
  if (sketches && sketches.size > 0) {
    row.distinct = Object.fromEntries([...sketches.keys()].sort().map((field) => [field, Math.round(sketches.get(field)!.estimate())]));
  }
  return row;
}
