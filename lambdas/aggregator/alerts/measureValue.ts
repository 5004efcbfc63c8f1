import { quantileFromBins } from '../../../core';
import type { AggregateState } from '../store/ports';

const DISTINCT_PREFIX = 'distinct:';
const QUANTILE = /^p(\d+(?:\.\d+)?)$/;

/**
 * The value of a data alert's measure (docs/measures.md) in one cell:
 * `count`, `sum`, `min`, `max` from the item, `p<q>` from its quantile bins
 * (clamped to the item's min and max when kept), `distinct:<field>` the
 * merged sketch's estimate. Undefined when the cell does not hold it.
 *
 * @param distinctEstimate the estimate of a distinct field's sketch in this cell, if known.
 */
export function measureValue(
  measure: string,
  state: AggregateState,
  distinctEstimate: (field: string) => number | undefined,
): number | undefined {
  switch (measure) {
    case 'count':
      return state.count;
    case 'sum':
      return state.sum;
    case 'min':
      return state.min;
    case 'max':
      return state.max;
  }
  if (measure.startsWith(DISTINCT_PREFIX)) return distinctEstimate(measure.slice(DISTINCT_PREFIX.length));
  const quantile = QUANTILE.exec(measure);
  if (quantile === null || state.bins === undefined || state.relativeAccuracy === undefined) return undefined;
  const range = state.min !== undefined && state.max !== undefined ? { min: state.min, max: state.max } : undefined;
  return quantileFromBins(state.bins, Number(quantile[1]) / 100, state.relativeAccuracy, range);
}

/** A `risesOver` alert's value: the window's measure over the previous window's, the latter at least 1. */
export function riseRatio(current: number, previous: number | undefined): number {
  return current / Math.max(previous ?? 0, 1);
}
