/**
 * Declared measures and data alerts (docs/measures.md): what a deployment
 * aggregates per event type beyond count, sum, min and max, and which
 * thresholds on those aggregates raise CloudWatch alarms.
 *
 * The stack validates a declaration at synth (lib/config) and hands the
 * resolved form to the consumer as JSON in its environment
 * ({@link ConsumerEnv.measures}); the CLI reads the same item layout. The
 * names below are the item layout of docs/measures.md, in one place for the
 * writer and every reader.
 */

/** The plain aggregates an item can keep. `count` is always kept: leaderboards rank by it. */
export const PlainStat = {
  count: 'count',
  sum: 'sum',
  min: 'min',
  max: 'max',
} as const;
export type PlainStat = (typeof PlainStat)[keyof typeof PlainStat];

/** A distinct count of one event field per window: a HyperLogLog sketch (core/sketches). */
export interface DistinctMeasure {
  /** `key` or `attrs.<name>[.<name>...]`: the field whose distinct values are counted. */
  readonly field: string;
  /** HyperLogLog precision p (2^p registers, relative standard error 1.04/√2^p). 4–16. @default 12 */
  readonly precision: number;
}

/** Quantiles of `value` per window: a DDSketch (core/sketches) with a relative-error guarantee. */
export interface QuantileMeasure {
  /** Every quantile estimate is within this relative error of a true value of that rank. 0.0001–0.1. @default 0.01 */
  readonly relativeAccuracy: number;
}

/** Aggregate also by one attribute: every event of the type lands in one bucket of its value. */
export interface DimensionMeasure {
  /** `attrs.<name>[.<name>...]`: the attribute whose values become the buckets. */
  readonly field: string;
  /**
   * Most distinct values with a bucket of their own per UTC day of event time
   * (first come, first kept); events with any further value go to {@link DimensionBucket.other}.
   * 1–1000. @default 100
   */
  readonly cap: number;
}

/** What one event type aggregates. */
export interface TypeMeasures {
  /** The plain aggregates kept; always has `count`. @default all four */
  readonly stats: readonly PlainStat[];
  readonly distinct: readonly DistinctMeasure[];
  /** Absent: no quantiles. */
  readonly quantiles?: QuantileMeasure;
  readonly dimensions: readonly DimensionMeasure[];
  /**
   * Keep a total over every key of the type per window (the derived type
   * {@link totalType}, key {@link TOTAL_KEY}). Implied by an alert on the type without a key.
   * @default false
   */
  readonly total: boolean;
}

/** How a data alert compares its measure with its threshold. */
export const AlertComparison = {
  /** ALARM while the measure is above the threshold. */
  above: 'above',
  /** ALARM while the measure is below the threshold (no events at all counts as below). */
  below: 'below',
  /** ALARM while the window's measure is more than `threshold` times the previous window's. */
  risesOver: 'risesOver',
} as const;
export type AlertComparison = (typeof AlertComparison)[keyof typeof AlertComparison];

/**
 * A threshold on one aggregate series: one (type, key) cell's value per
 * window of one granularity, or the type's total when no key is given.
 */
export interface DataAlert {
  /** Names the alarm and the metric's `Alert` dimension: 1–64 of `[A-Za-z0-9_-]`, unique. */
  readonly name: string;
  readonly type: string;
  /** The cell's key; absent: the type's total over every key. */
  readonly key?: string;
  /** A granularity of the deployment's windows, e.g. `1m`. */
  readonly window: string;
  /** `count`, `sum`, `min`, `max`, `distinct:<field>` (a declared distinct field) or `p<q>` (e.g. `p99`, `p99.9`; quantiles declared). */
  readonly measure: string;
  readonly comparison: AlertComparison;
  readonly threshold: number;
  /** Consecutive windows that must breach. @default 1 */
  readonly evaluationPeriods: number;
}

/** The resolved declaration the consumer and the CLI work from. */
export interface MeasuresConfig {
  /** By event type; a type not listed keeps count, sum, min and max only. */
  readonly types: Readonly<Record<string, TypeMeasures>>;
  readonly alerts: readonly DataAlert[];
}

/** The declaration of a deployment that declares nothing. */
export const NO_MEASURES: MeasuresConfig = { types: {}, alerts: [] };

/** What a type keeps when it is not declared. */
export const DEFAULT_TYPE_MEASURES: TypeMeasures = {
  stats: [PlainStat.count, PlainStat.sum, PlainStat.min, PlainStat.max],
  distinct: [],
  dimensions: [],
  total: false,
};

/**
 * Separates an event type from the derived part of a derived type. `@` is
 * not allowed in an event type (docs/contract.md §1), so a derived type never
 * collides with a type a producer sends, and it holds no `#` (item keys).
 */
export const DERIVED_TYPE_SEPARATOR = '@';

/** The derived type whose keys are the buckets of one dimension: `page_view@attrs.country`. */
export function dimensionType(type: string, field: string): string {
  return `${type}${DERIVED_TYPE_SEPARATOR}${field}`;
}

/** The derived type holding a type's total over every key: `page_view@total`, key {@link TOTAL_KEY}. */
export function totalType(type: string): string {
  return `${type}${DERIVED_TYPE_SEPARATOR}total`;
}

/** The one key of a {@link totalType}. */
export const TOTAL_KEY = 'all';

/** The event type a derived type comes from, or the type itself. */
export function baseType(type: string): string {
  const at = type.indexOf(DERIVED_TYPE_SEPARATOR);
  return at === -1 ? type : type.slice(0, at);
}

/** Dimension buckets that are not a value of the attribute. A value spelled the same shares the bucket. */
export const DimensionBucket = {
  /** The value came after the cap was reached. */
  other: '(other)',
  /** The event has no such attribute, or it is null, an object, an array or not a valid key. */
  missing: '(missing)',
} as const;

/**
 * Aggregate item attributes of the measures (docs/measures.md, item layout).
 * Quantile bins are Number attributes on the aggregate item, added with the
 * same high-water-mark condition as `count`: `qp<i>` counts values of
 * positive bin i, `qn<i>` of negative bin i (of |value|), `qz` zeros.
 */
export const MeasureAttributes = {
  positiveBinPrefix: 'qp',
  negativeBinPrefix: 'qn',
  zeroBin: 'qz',
  /** The relative accuracy the bins were made with (Number), so a reader needs no declaration. */
  relativeAccuracy: 'qa',
  /**
   * On an aggregate item of a type with distinct counts: the declared fields,
   * comma-separated (String), so a reader queries sketch items only for items
   * that have them (a Query per key otherwise).
   */
  distinctFields: 'qd',
  /** On a distinct-count sketch item: the HyperLogLog sketch's bytes (Binary). */
  sketch: 'hll',
  /** On a distinct-count sketch item: bumped on every write, the optimistic-concurrency guard. */
  version: 'v',
  /** On a dimension registry item: the values with a bucket of their own (String Set). */
  admitted: 'admitted',
} as const;

/**
 * `pk` of the distinct-count sketch items of one aggregate cell's key, in the
 * aggregates table. The `#` in front keeps them apart from aggregate items
 * (see itemKeys.ts). One Query of this `pk` over a range of windows returns
 * every declared field's sketch, so a reader needs no declaration.
 */
export function distinctSketchPk(type: string, granularity: string, key: string): string {
  return `#d#${type}#${granularity}#${key}`;
}

/** `sk` of a distinct-count sketch item: the window start (ISO, as the aggregate item's `sk`), `#`, the field. */
export function distinctSketchSk(windowStartIso: string, field: string): string {
  return `${windowStartIso}#${field}`;
}

/** Whether an aggregates-table `pk` is a distinct-count sketch item's. */
export function isDistinctSketchPk(pk: string): boolean {
  return pk.startsWith('#d#');
}

/**
 * `pk` of a dimension's registry item in the checkpoint table; its `sk` is
 * the UTC day of event time (`2026-12-03`).
 */
export function dimensionRegistryPk(consumer: string, type: string, field: string): string {
  return `dim#${consumer}#${type}#${field}`;
}

/** The metric a data alert's alarm watches: this name with the dimension `Alert` = the alert's name. */
export const DATA_ALERT_METRIC = 'DataAlertValue';
