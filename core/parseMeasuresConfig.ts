import { tryParseDuration } from './duration';
import { StreamtallyConfigError } from './errors';
import {
  AlertComparison,
  type DataAlert,
  DEFAULT_TYPE_MEASURES,
  type DimensionMeasure,
  type DistinctMeasure,
  type MeasuresConfig,
  PlainStat,
  type QuantileMeasure,
  type TypeMeasures,
} from './measures';

/**
 * The declaration as a deployment writes it (docs/measures.md): the `measures`
 * and `alerts` settings of the stack configuration, before defaults and
 * shorthands are resolved.
 */
export interface MeasuresDeclaration {
  /** By event type. */
  readonly measures?: Readonly<Record<string, TypeMeasuresDeclaration>>;
  readonly alerts?: readonly DataAlertDeclaration[];
}

/** One event type's measures as written: each part optional, with shorthands. */
export interface TypeMeasuresDeclaration {
  /** @default ['count', 'sum', 'min', 'max'] */
  readonly stats?: readonly string[];
  /** A field (`"attrs.user"`) takes the default precision. */
  readonly distinct?: readonly (string | { readonly field: string; readonly precision?: number })[];
  /** `true` takes the default accuracy. */
  readonly quantiles?: boolean | { readonly relativeAccuracy?: number };
  /** A field (`"attrs.country"`) takes the default cap. */
  readonly dimensions?: readonly (string | { readonly field: string; readonly cap?: number })[];
  readonly total?: boolean;
}

/** A data alert as written: exactly one of `above`, `below`, `risesOver`. */
export interface DataAlertDeclaration {
  readonly name: string;
  readonly type: string;
  readonly key?: string;
  readonly window: string;
  readonly measure: string;
  readonly above?: number;
  readonly below?: number;
  readonly risesOver?: number;
  /** @default 1 */
  readonly evaluationPeriods?: number;
}

/** The limits of a declaration, in one place for the parser, its tests and the docs. */
export const MeasureLimits = {
  precision: { min: 4, max: 16, default: 12 },
  relativeAccuracy: { min: 0.0001, max: 0.1, default: 0.01 },
  cap: { min: 1, max: 1000, default: 100 },
  /**
   * CloudWatch refuses an alarm whose period times evaluation periods exceeds a day
   * when the period is under an hour, and 7 days otherwise (PutMetricAlarm).
   */
  evaluationRangeSeconds: { shortPeriod: 86_400, longPeriod: 604_800 },
} as const;

const TYPE_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
const ALERT_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const ATTRS_FIELD_PATTERN = /^attrs(\.[A-Za-z0-9_-]+)+$/;
const KEY_MAX_CHARS = 512;
// biome-ignore lint/suspicious/noControlCharactersInRegex: docs/contract.md §1 forbids control characters in a key; this finds them
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
/** `p99`, `p99.9`, `p50`: a percentile strictly between 0 and 100. */
const PERCENTILE_MEASURE = /^p(\d{1,2}(?:\.\d{1,6})?)$/;
const DISTINCT_MEASURE_PREFIX = 'distinct:';

const TYPE_PROPERTIES = ['stats', 'distinct', 'quantiles', 'dimensions', 'total'] as const;
const DISTINCT_PROPERTIES = ['field', 'precision'] as const;
const QUANTILE_PROPERTIES = ['relativeAccuracy'] as const;
const DIMENSION_PROPERTIES = ['field', 'cap'] as const;
const ALERT_PROPERTIES = ['name', 'type', 'key', 'window', 'measure', 'above', 'below', 'risesOver', 'evaluationPeriods'] as const;
const COMPARISONS = Object.values(AlertComparison);
const STAT_ORDER: readonly PlainStat[] = Object.values(PlainStat);

/**
 * Validates a declaration of measures and data alerts and resolves it: shorthands
 * expanded, defaults filled in, and `total: true` set (the type declared if it was
 * not) on every type an alert watches without a key, since such an alert watches
 * the type's total.
 *
 * @param raw the `measures` and `alerts` settings as written (JSON).
 * @param granularities the deployment's window labels (e.g. `['1m', '1h', '1d']`): an alert's `window` must be one.
 * @throws StreamtallyConfigError naming the first thing wrong by its path, in one line:
 *   `measures.page_view.distinct[0].precision must be a whole number from 4 to 16, got 20`.
 * @example
 * parseMeasuresConfig({ measures: { page_view: { distinct: ['attrs.user'] } } }, ['1m', '1h'])
 * // { types: { page_view: { stats: [...all four], distinct: [{ field: 'attrs.user', precision: 12 }], dimensions: [], total: false } }, alerts: [] }
 */
export function parseMeasuresConfig(raw: { measures?: unknown; alerts?: unknown }, granularities: readonly string[]): MeasuresConfig {
  // A Map, not an object: an event type may be spelled `constructor` or `__proto__`.
  const types = new Map<string, TypeMeasures>();
  if (raw.measures !== undefined) {
    const measures = object(raw.measures, 'measures', 'an object of event types');
    for (const [type, declared] of Object.entries(measures)) {
      const path = `measures${member(type)}`;
      if (!TYPE_PATTERN.test(type)) fail(`measures: ${JSON.stringify(type)} is not an event type (1-64 characters of A-Z a-z 0-9 _ . : -)`);
      types.set(type, typeMeasures(declared, path));
    }
  }

  const alerts: DataAlert[] = [];
  if (raw.alerts !== undefined) {
    if (!Array.isArray(raw.alerts)) fail(`alerts must be an array of alerts, got ${describe(raw.alerts)}`);
    const names = new Set<string>();
    (raw.alerts as unknown[]).forEach((declared, index) => {
      const alert = dataAlert(declared, `alerts[${index}]`, types, granularities);
      if (names.has(alert.name)) fail(`alerts[${index}].name "${alert.name}" is the name of an earlier alert; names must be unique`);
      names.add(alert.name);
      alerts.push(alert);
    });
  }
  // An alert without a key watches the type's total, which the consumer keeps only when asked.
  for (const alert of alerts) {
    if (alert.key !== undefined) continue;
    types.set(alert.type, { ...(types.get(alert.type) ?? DEFAULT_TYPE_MEASURES), total: true });
  }
  return { types: Object.fromEntries(types), alerts };
}

function typeMeasures(declared: unknown, path: string): TypeMeasures {
  const fields = object(declared, path, `an object of measures (${TYPE_PROPERTIES.join(', ')})`);
  onlyKnown(fields, TYPE_PROPERTIES, path);
  const quantiles = fields.quantiles === undefined ? undefined : quantileMeasure(fields.quantiles, `${path}.quantiles`);
  return {
    stats: fields.stats === undefined ? DEFAULT_TYPE_MEASURES.stats : stats(fields.stats, `${path}.stats`),
    distinct: list(fields.distinct, `${path}.distinct`, distinctMeasure),
    ...(quantiles === undefined ? {} : { quantiles }),
    dimensions: list(fields.dimensions, `${path}.dimensions`, dimensionMeasure),
    total: fields.total === undefined ? false : boolean(fields.total, `${path}.total`),
  };
}

function stats(declared: unknown, path: string): PlainStat[] {
  if (!Array.isArray(declared)) fail(`${path} must be an array of ${STAT_ORDER.join(', ')}, got ${describe(declared)}`);
  const seen = new Set<PlainStat>();
  (declared as unknown[]).forEach((stat, index) => {
    if (typeof stat !== 'string' || !(STAT_ORDER as readonly string[]).includes(stat)) {
      fail(`${path}[${index}] must be one of ${STAT_ORDER.join(', ')}, got ${describe(stat)}`);
    }
    if (seen.has(stat as PlainStat)) fail(`${path}[${index}] "${stat}" is listed twice`);
    seen.add(stat as PlainStat);
  });
  // Leaderboards rank by count, so every item keeps it.
  if (!seen.has(PlainStat.count)) fail(`${path} must include "count" (leaderboards rank by it)`);
  return STAT_ORDER.filter((stat) => seen.has(stat));
}

function distinctMeasure(declared: unknown, path: string): DistinctMeasure {
  const { precision: limits } = MeasureLimits;
  if (typeof declared === 'string') return { field: eventField(declared, path), precision: limits.default };
  const fields = object(declared, path, 'a field ("attrs.user") or { field, precision }');
  onlyKnown(fields, DISTINCT_PROPERTIES, path);
  if (fields.field === undefined) fail(`${path}.field is missing`);
  return {
    field: eventField(fields.field, `${path}.field`),
    precision: fields.precision === undefined ? limits.default : wholeNumber(fields.precision, `${path}.precision`, limits.min, limits.max),
  };
}

function quantileMeasure(declared: unknown, path: string): QuantileMeasure | undefined {
  const { relativeAccuracy: limits } = MeasureLimits;
  if (declared === true) return { relativeAccuracy: limits.default };
  if (declared === false) return undefined;
  const fields = object(declared, path, 'true or { relativeAccuracy }');
  onlyKnown(fields, QUANTILE_PROPERTIES, path);
  const accuracy = fields.relativeAccuracy;
  if (accuracy === undefined) return { relativeAccuracy: limits.default };
  if (typeof accuracy !== 'number' || !Number.isFinite(accuracy) || accuracy < limits.min || accuracy > limits.max) {
    fail(`${path}.relativeAccuracy must be a number from ${limits.min} to ${limits.max}, got ${describe(accuracy)}`);
  }
  return { relativeAccuracy: accuracy as number };
}

function dimensionMeasure(declared: unknown, path: string): DimensionMeasure {
  const { cap: limits } = MeasureLimits;
  if (typeof declared === 'string') return { field: attrsField(declared, path), cap: limits.default };
  const fields = object(declared, path, 'a field ("attrs.country") or { field, cap }');
  onlyKnown(fields, DIMENSION_PROPERTIES, path);
  if (fields.field === undefined) fail(`${path}.field is missing`);
  return {
    field: attrsField(fields.field, `${path}.field`),
    cap: fields.cap === undefined ? limits.default : wholeNumber(fields.cap, `${path}.cap`, limits.min, limits.max),
  };
}

/** A list of measures of one field each; a field twice would be the same sketch twice. */
function list<T extends { readonly field: string }>(declared: unknown, path: string, parse: (item: unknown, path: string) => T): T[] {
  if (declared === undefined) return [];
  if (!Array.isArray(declared)) fail(`${path} must be an array, got ${describe(declared)}`);
  const items: T[] = [];
  (declared as unknown[]).forEach((item, index) => {
    const parsed = parse(item, `${path}[${index}]`);
    if (items.some((earlier) => earlier.field === parsed.field)) fail(`${path}[${index}] "${parsed.field}" is listed twice`);
    items.push(parsed);
  });
  return items;
}

function dataAlert(declared: unknown, path: string, types: ReadonlyMap<string, TypeMeasures>, granularities: readonly string[]): DataAlert {
  const fields = object(declared, path, 'an object (name, type, window, measure and one of above, below, risesOver)');
  onlyKnown(fields, ALERT_PROPERTIES, path);
  const required = (name: string): unknown => {
    if (fields[name] === undefined) fail(`${path}.${name} is missing`);
    return fields[name];
  };

  const name = string(required('name'), `${path}.name`);
  if (!ALERT_NAME_PATTERN.test(name)) fail(`${path}.name must be 1-64 characters of A-Z a-z 0-9 _ -, got ${JSON.stringify(name)}`);
  const type = string(required('type'), `${path}.type`);
  if (!TYPE_PATTERN.test(type))
    fail(`${path}.type must be an event type (1-64 characters of A-Z a-z 0-9 _ . : -), got ${JSON.stringify(type)}`);
  const key = fields.key === undefined ? undefined : eventKey(fields.key, `${path}.key`);

  const window = string(required('window'), `${path}.window`);
  if (!granularities.includes(window)) fail(`${path}.window must be one of the windows (${granularities.join(', ')}), got "${window}"`);
  const windowSeconds = (tryParseDuration(window) ?? 0) / 1000;
  // An alarm's period is the window's length, and CloudWatch takes whole minutes
  // (10, 20 and 30 s only for high-resolution metrics, which the consumer does not publish).
  if (windowSeconds < 60 || windowSeconds % 60 !== 0) {
    fail(`${path}.window "${window}" cannot be an alarm period: CloudWatch alarms need a whole number of minutes`);
  }

  const typeMeasures = types.get(type) ?? DEFAULT_TYPE_MEASURES;
  const measure = alertMeasure(string(required('measure'), `${path}.measure`), `${path}.measure`, type, typeMeasures);

  const given = COMPARISONS.filter((comparison) => fields[comparison] !== undefined);
  if (given.length !== 1) {
    fail(`${path} must have exactly one of ${COMPARISONS.join(', ')}, ${given.length === 0 ? 'has none' : `has ${given.join(' and ')}`}`);
  }
  const comparison = given[0] as AlertComparison;
  const threshold = fields[comparison];
  if (typeof threshold !== 'number' || !Number.isFinite(threshold))
    fail(`${path}.${comparison} must be a number, got ${describe(threshold)}`);
  // A factor of 1 or less would call a steady or falling series a rise; a fall is what `below` watches.
  if (comparison === AlertComparison.risesOver && (threshold as number) <= 1) {
    fail(`${path}.risesOver must be a factor above 1 (5: more than 5 times the previous window), got ${threshold}`);
  }

  const { shortPeriod, longPeriod } = MeasureLimits.evaluationRangeSeconds;
  const maxRange = windowSeconds < 3600 ? shortPeriod : longPeriod;
  const maxPeriods = Math.floor(maxRange / windowSeconds);
  const evaluationPeriods =
    fields.evaluationPeriods === undefined ? 1 : wholeNumber(fields.evaluationPeriods, `${path}.evaluationPeriods`, 1, maxPeriods);

  return {
    name,
    type,
    ...(key === undefined ? {} : { key }),
    window,
    measure,
    comparison,
    threshold: threshold as number,
    evaluationPeriods,
  };
}

function alertMeasure(measure: string, path: string, type: string, declared: TypeMeasures): string {
  if ((STAT_ORDER as readonly string[]).includes(measure)) {
    if (!(declared.stats as readonly string[]).includes(measure)) {
      fail(`${path} "${measure}" is not kept for ${type} (its stats: ${declared.stats.join(', ')})`);
    }
    return measure;
  }
  if (measure.startsWith(DISTINCT_MEASURE_PREFIX)) {
    const field = measure.slice(DISTINCT_MEASURE_PREFIX.length);
    if (!declared.distinct.some((distinct) => distinct.field === field)) {
      const fields = declared.distinct.map((distinct) => distinct.field);
      fail(`${path} "${measure}" needs "${field}" in measures${member(type)}.distinct (declared: ${fields.join(', ') || 'none'})`);
    }
    return measure;
  }
  const percentile = PERCENTILE_MEASURE.exec(measure);
  if (percentile) {
    const q = Number(percentile[1]);
    if (q <= 0 || q >= 100) fail(`${path} "${measure}" must be a percentile above p0 and below p100`);
    if (declared.quantiles === undefined) fail(`${path} "${measure}" needs quantiles declared in measures${member(type)}.quantiles`);
    return measure;
  }
  return fail(`${path} must be count, sum, min, max, distinct:<field> or p<percentile> (e.g. p99, p99.9), got ${JSON.stringify(measure)}`);
}

/** `key` or an attribute path: what a distinct count can count. */
function eventField(declared: unknown, path: string): string {
  const field = string(declared, path);
  if (field !== 'key' && !ATTRS_FIELD_PATTERN.test(field)) {
    fail(`${path} must be "key" or "attrs.<name>" (names of A-Z a-z 0-9 _ -, dotted for nested ones), got ${JSON.stringify(field)}`);
  }
  return field;
}

/** An attribute path: a dimension's buckets are an attribute's values (the key already is one). */
function attrsField(declared: unknown, path: string): string {
  const field = string(declared, path);
  if (!ATTRS_FIELD_PATTERN.test(field)) {
    fail(`${path} must be "attrs.<name>" (names of A-Z a-z 0-9 _ -, dotted for nested ones), got ${JSON.stringify(field)}`);
  }
  return field;
}

/** An event key by docs/contract.md §1: 1-512 characters, no control characters. */
function eventKey(declared: unknown, path: string): string {
  const key = string(declared, path);
  const chars = [...key].length;
  if (chars === 0 || chars > KEY_MAX_CHARS || CONTROL_CHARACTER.test(key)) {
    fail(`${path} must be an event key of 1-${KEY_MAX_CHARS} characters with no control characters, got ${describe(key)}`);
  }
  return key;
}

function object(value: unknown, path: string, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(`${path} must be ${what}, got ${describe(value)}`);
  return value as Record<string, unknown>;
}

function onlyKnown(fields: Record<string, unknown>, known: readonly string[], path: string): void {
  const unknown = Object.keys(fields).find((name) => !known.includes(name));
  if (unknown !== undefined) fail(`${path}${member(unknown)} is not a setting (known: ${known.join(', ')})`);
}

function string(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(`${path} must be a string, got ${describe(value)}`);
  return value as string;
}

function boolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') fail(`${path} must be true or false, got ${describe(value)}`);
  return value as boolean;
}

function wholeNumber(value: unknown, path: string, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
    fail(`${path} must be a whole number from ${min} to ${max}, got ${describe(value)}`);
  }
  return value as number;
}

/** `.name` for a plain name, `["sensor.temp"]` for one a dot would split. */
function member(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}

/** A value for a message: short, on one line. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function fail(message: string): never {
  throw new StreamtallyConfigError(message);
}
