import {
  aggregatePk,
  DEFAULT_TYPE_MEASURES,
  distinctSketchPk,
  distinctSketchSk,
  HyperLogLog,
  parseGranularities,
  quantileBinAttribute,
  windowSk,
  windowStartMs,
  type MeasuresConfig,
} from '../../../core';
import { attrsOf } from './workload';

/** An event as the property test counts it; `id` gives its attrs (workload.ts). */
export interface CountedEvent {
  readonly id: string;
  readonly type: string;
  readonly key: string;
  readonly tsMs: number;
  readonly value: number;
}

const ACCURACY = 0.05;
const PRECISION = 6;

/** page_view declares every measure; search declares none. The cap is never reached, so buckets do not depend on arrival order. */
export const PROPERTY_MEASURES: MeasuresConfig = {
  types: {
    page_view: {
      ...DEFAULT_TYPE_MEASURES,
      distinct: [{ field: 'attrs.user', precision: PRECISION }],
      quantiles: { relativeAccuracy: ACCURACY },
      dimensions: [{ field: 'attrs.country', cap: 1000 }],
      total: true,
    },
  },
  alerts: [],
};

/**
 * With concurrent batches per shard: the measures of a (type, key) cell only,
 * as config.ts refuses dimensions and totals there (their cells span lanes).
 */
export const PROPERTY_MEASURES_CONCURRENT: MeasuresConfig = {
  types: { page_view: { ...PROPERTY_MEASURES.types.page_view!, dimensions: [], total: false } },
  alerts: [],
};

/** A counted event and the cell events it derives, each with the event it came from. */
interface CellEvent extends CountedEvent {
  readonly originId: string;
}

/**
 * The events of every cell: each counted event as it is, and for page_view
 * its country bucket and its total, worked out here from the rules of
 * docs/measures.md (the generated countries are simple: no cap, no odd keys).
 */
function cellEvents(counted: readonly CountedEvent[], measures: MeasuresConfig): CellEvent[] {
  const cells: CellEvent[] = [];
  const derives = measures.types.page_view?.total === true;
  for (const event of counted) {
    cells.push({ ...event, originId: event.id });
    if (event.type !== 'page_view' || !derives) continue;
    const country = attrsOf(event.id).country;
    const bucket = typeof country === 'string' && country !== '' ? country : typeof country === 'number' ? String(country) : '(missing)';
    cells.push({ ...event, type: 'page_view@attrs.country', key: bucket, originId: event.id });
    cells.push({ ...event, type: 'page_view@total', key: 'all', originId: event.id });
  }
  return cells;
}

/** The plain events of every cell, for expectedAggregates. */
export function withDerivedCells(counted: readonly CountedEvent[], measures: MeasuresConfig): CountedEvent[] {
  return cellEvents(counted, measures);
}

/** Quantile bins of every page_view item (derived ones included), keyed `pk|sk`. */
export function expectedBins(
  counted: readonly CountedEvent[],
  measures: MeasuresConfig,
  windowsSpec: string,
): Map<string, Record<string, number>> {
  const items = new Map<string, Record<string, number>>();
  for (const granularity of parseGranularities(windowsSpec)) {
    for (const event of cellEvents(counted, measures)) {
      if (!event.type.startsWith('page_view')) continue;
      const id = `${aggregatePk(event.type, granularity.label, event.key)}|${windowSk(windowStartMs(event.tsMs, granularity.sizeMs))}`;
      const bins = items.get(id) ?? {};
      const bin = quantileBinAttribute(event.value, ACCURACY);
      bins[bin] = (bins[bin] ?? 0) + 1;
      items.set(id, bins);
    }
  }
  return items;
}

/** The distinct-count sketch bytes (hex) of every page_view cell, keyed `pk|sk`: all its users added one by one. */
export function expectedSketches(counted: readonly CountedEvent[], measures: MeasuresConfig, windowsSpec: string): Map<string, string> {
  const sketches = new Map<string, HyperLogLog>();
  for (const granularity of parseGranularities(windowsSpec)) {
    for (const event of cellEvents(counted, measures)) {
      if (!event.type.startsWith('page_view')) continue;
      const window = windowSk(windowStartMs(event.tsMs, granularity.sizeMs));
      const id = `${distinctSketchPk(event.type, granularity.label, event.key)}|${distinctSketchSk(window, 'attrs.user')}`;
      let sketch = sketches.get(id);
      if (sketch === undefined) {
        sketch = HyperLogLog.create(PRECISION);
        sketches.set(id, sketch);
      }
      sketch.add(attrsOf(event.originId).user);
    }
  }
  return new Map([...sketches].map(([id, sketch]) => [id, Buffer.from(sketch.toBytes()).toString('hex')]));
}
