import { compareKeyCounts, mergeBins, type HyperLogLog } from '../../core';
import { QuantileAccuracyMismatchError } from './errors';
import type { AggregateCell, QuantileBins } from './readAggregates';

interface KeyTotal {
  count: number;
  sum: number;
  min: number;
  max: number;
  bins: QuantileBins | undefined;
  accuracy: number | undefined;
  readonly sketches: Map<string, HyperLogLog>;
}

/**
 * `query --rollup`: one cell per key over every window of a range, merged
 * from the windows' cells ("rollups by merge", docs/measures.md): counts
 * and sums added, the least minimum and the greatest maximum, quantile bins
 * added bin by bin, distinct-count sketches merged register by register.
 * The merge is exact for every measure but the sketches' own estimate, so a
 * rollup of 1m windows equals the 1h or 1d cell the consumer keeps of the
 * same events. Memory holds one total per key, never a window.
 */
export class Rollup {
  private readonly totals = new Map<string, KeyTotal>();

  constructor(private readonly windowStart: string) {}

  /** Adds one window's cell of a key, and its sketches by field. */
  add(cell: AggregateCell, sketches?: ReadonlyMap<string, HyperLogLog>): void {
    let total = this.totals.get(cell.key);
    if (!total) {
      total = { count: 0, sum: 0, min: cell.min, max: cell.max, bins: undefined, accuracy: undefined, sketches: new Map() };
      this.totals.set(cell.key, total);
    }
    total.count += cell.count;
    // Sums are exact decimals of at most 9 places (docs/contract.md §1); rounding there drops the float noise of adding.
    total.sum = Number((total.sum + cell.sum).toFixed(9));
    total.min = Math.min(total.min, cell.min);
    total.max = Math.max(total.max, cell.max);
    if (cell.bins && cell.accuracy !== undefined) {
      if (total.accuracy !== undefined && total.accuracy !== cell.accuracy)
        throw new QuantileAccuracyMismatchError(cell.key, total.accuracy, cell.accuracy);
      total.accuracy = cell.accuracy;
      total.bins = total.bins ? mergeBins(total.bins, cell.bins) : { ...cell.bins };
    }
    for (const [field, sketch] of sketches ?? []) {
      // merge() changes the held sketch in place; the ones read for a window are used for nothing else.
      const held = total.sketches.get(field);
      if (held) held.merge(sketch);
      else total.sketches.set(field, sketch);
    }
  }

  /** The merged cells, highest count first (ties by key), each with its merged sketches. */
  cells(): { cell: AggregateCell; sketches: ReadonlyMap<string, HyperLogLog> }[] {
    return [...this.totals]
      .map(([key, total]) => ({
        cell: {
          key,
          windowStart: this.windowStart,
          count: total.count,
          sum: total.sum,
          min: total.min,
          max: total.max,
          ...(total.bins && total.accuracy !== undefined ? { bins: total.bins, accuracy: total.accuracy } : {}),
        },
        sketches: total.sketches,
      }))
      .sort((a, b) => compareKeyCounts(a.cell, b.cell));
  }
}
