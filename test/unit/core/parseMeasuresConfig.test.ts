import { describe, expect, it } from 'vitest';
import { DEFAULT_TYPE_MEASURES, parseMeasuresConfig, StreamtallyConfigError } from '../../../core';

const WINDOWS = ['1m', '1h', '1d'] as const;

function parse(raw: { measures?: unknown; alerts?: unknown }, granularities: readonly string[] = WINDOWS) {
  return parseMeasuresConfig(raw, granularities);
}

function errorOf(raw: { measures?: unknown; alerts?: unknown }, granularities: readonly string[] = WINDOWS): Error {
  try {
    parse(raw, granularities);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected parseMeasuresConfig to throw');
}

const alert = (fields: Record<string, unknown>) => ({ name: 'a', type: 'page_view', window: '1m', measure: 'count', above: 10, ...fields });

describe('parseMeasuresConfig: good declarations', () => {
  it('declares nothing when given nothing', () => {
    expect(parse({})).toEqual({ types: {}, alerts: [] });
    expect(parse({ measures: {}, alerts: [] })).toEqual({ types: {}, alerts: [] });
  });

  it('resolves the docs/measures.md example, shorthands and defaults', () => {
    const config = parse({
      measures: {
        page_view: {
          stats: ['count', 'sum', 'min', 'max'],
          distinct: [{ field: 'attrs.user', precision: 12 }],
          quantiles: { relativeAccuracy: 0.01 },
          dimensions: [{ field: 'attrs.country', cap: 100 }],
          total: true,
        },
        search: { distinct: ['key', 'attrs.session.id'], quantiles: true, dimensions: ['attrs.device'] },
      },
      alerts: [
        { name: 'few-purchases', type: 'purchase', window: '1m', measure: 'count', below: 10 },
        { name: 'slow-pages', type: 'page_view', window: '1m', measure: 'p99', above: 500 },
        { name: 'search-spike', type: 'search', key: 'shoes', window: '1h', measure: 'count', risesOver: 5, evaluationPeriods: 2 },
      ],
    });
    expect(config.types.page_view).toEqual({
      stats: ['count', 'sum', 'min', 'max'],
      distinct: [{ field: 'attrs.user', precision: 12 }],
      quantiles: { relativeAccuracy: 0.01 },
      dimensions: [{ field: 'attrs.country', cap: 100 }],
      total: true,
    });
    expect(config.types.search).toEqual({
      stats: ['count', 'sum', 'min', 'max'],
      distinct: [
        { field: 'key', precision: 12 },
        { field: 'attrs.session.id', precision: 12 },
      ],
      quantiles: { relativeAccuracy: 0.01 },
      dimensions: [{ field: 'attrs.device', cap: 100 }],
      total: false,
    });
    // The alert on purchase has no key: it watches the total, so the type is declared with one.
    expect(config.types.purchase).toEqual({ ...DEFAULT_TYPE_MEASURES, total: true });
    expect(config.alerts).toEqual([
      { name: 'few-purchases', type: 'purchase', window: '1m', measure: 'count', comparison: 'below', threshold: 10, evaluationPeriods: 1 },
      { name: 'slow-pages', type: 'page_view', window: '1m', measure: 'p99', comparison: 'above', threshold: 500, evaluationPeriods: 1 },
      {
        name: 'search-spike',
        type: 'search',
        key: 'shoes',
        window: '1h',
        measure: 'count',
        comparison: 'risesOver',
        threshold: 5,
        evaluationPeriods: 2,
      },
    ]);
  });

  it('keeps stats in one order and leaves quantiles out when not declared or false', () => {
    const config = parse({ measures: { t: { stats: ['max', 'count'] }, u: { quantiles: false } } });
    expect(config.types.t).toEqual({ ...DEFAULT_TYPE_MEASURES, stats: ['count', 'max'] });
    expect(config.types.u).toEqual(DEFAULT_TYPE_MEASURES);
    expect('quantiles' in (config.types.u ?? {})).toBe(false);
  });

  it('sets total on a declared type an alert watches without a key, and keeps what it declared', () => {
    const config = parse({
      measures: { page_view: { quantiles: { relativeAccuracy: 0.02 } } },
      alerts: [alert({ measure: 'p99.9', above: 800 })],
    });
    expect(config.types.page_view).toEqual({ ...DEFAULT_TYPE_MEASURES, quantiles: { relativeAccuracy: 0.02 }, total: true });
  });

  it('leaves total alone for an alert on one key', () => {
    expect(parse({ alerts: [alert({ key: '/pricing' })] }).types).toEqual({});
  });

  it('accepts distinct-count alerts on a declared field, other windows, and negative thresholds', () => {
    const config = parse({
      measures: { sensor: { distinct: ['attrs.device'] } },
      alerts: [alert({ type: 'sensor', measure: 'distinct:attrs.device', above: undefined, below: 3, window: '1d', evaluationPeriods: 7 })],
    });
    expect(config.alerts[0]).toMatchObject({ measure: 'distinct:attrs.device', comparison: 'below', threshold: 3, evaluationPeriods: 7 });
    expect(parse({ alerts: [alert({ measure: 'min', above: undefined, below: -40 })] }).alerts[0]?.threshold).toBe(-40);
  });

  it('takes event types with dots and colons, and types a prototype property is named after', () => {
    const config = parse({
      measures: { 'sensor.temp': { total: true }, constructor: { total: true } },
      alerts: [alert({ type: 'toString' })],
    });
    expect(Object.keys(config.types)).toEqual(['sensor.temp', 'constructor', 'toString']);
    expect(config.types.toString).toEqual({ ...DEFAULT_TYPE_MEASURES, total: true });
    const proto = parse(JSON.parse('{"measures":{"__proto__":{"total":true}}}') as { measures: unknown });
    expect(Object.keys(proto.types)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(proto.types)).toBe(Object.prototype);
  });

  it('allows the longest evaluation range CloudWatch takes', () => {
    expect(parse({ alerts: [alert({ evaluationPeriods: 1440 })] }).alerts[0]?.evaluationPeriods).toBe(1440);
    expect(parse({ alerts: [alert({ window: '1h', evaluationPeriods: 168 })] }).alerts[0]?.evaluationPeriods).toBe(168);
  });
});

describe('parseMeasuresConfig: bad declarations, one line naming the path', () => {
  it.each<[string, { measures?: unknown; alerts?: unknown }, RegExp]>([
    // measures
    ['measures not an object', { measures: [] }, /^measures must be an object of event types, got an array$/],
    ['measures null', { measures: null }, /^measures must be an object of event types, got null$/],
    ['a bad event type', { measures: { 'page view': {} } }, /^measures: "page view" is not an event type \(1-64 characters/],
    ['a derived type', { measures: { 'page_view@total': {} } }, /^measures: "page_view@total" is not an event type/],
    ['a type too long', { measures: { ['t'.repeat(65)]: {} } }, /is not an event type/],
    ['a type not an object', { measures: { page_view: true } }, /^measures\.page_view must be an object of measures \(stats, /],
    [
      'an unknown property',
      { measures: { page_view: { distinc: [] } } },
      /^measures\.page_view\.distinc is not a setting \(known: stats, distinct/,
    ],
    ['a quoted type path', { measures: { 'sensor.temp': { totl: true } } }, /^measures\["sensor\.temp"\]\.totl is not a setting/],
    // stats
    [
      'stats not an array',
      { measures: { t: { stats: 'count' } } },
      /^measures\.t\.stats must be an array of count, sum, min, max, got "count"$/,
    ],
    [
      'an unknown stat',
      { measures: { t: { stats: ['count', 'avg'] } } },
      /^measures\.t\.stats\[1\] must be one of count, sum, min, max, got "avg"$/,
    ],
    ['a stat twice', { measures: { t: { stats: ['count', 'sum', 'sum'] } } }, /^measures\.t\.stats\[2\] "sum" is listed twice$/],
    [
      'stats without count',
      { measures: { t: { stats: ['sum'] } } },
      /^measures\.t\.stats must include "count" \(leaderboards rank by it\)$/,
    ],
    ['empty stats', { measures: { t: { stats: [] } } }, /^measures\.t\.stats must include "count"/],
    // distinct
    [
      'distinct not an array',
      { measures: { t: { distinct: 'attrs.user' } } },
      /^measures\.t\.distinct must be an array, got "attrs\.user"$/,
    ],
    [
      'a distinct field not attrs',
      { measures: { t: { distinct: ['user'] } } },
      /^measures\.t\.distinct\[0\] must be "key" or "attrs\.<name>"/,
    ],
    ['a distinct field with a bad name', { measures: { t: { distinct: ['attrs.us er'] } } }, /^measures\.t\.distinct\[0\] must be "key"/],
    ['a distinct field ending in a dot', { measures: { t: { distinct: ['attrs.'] } } }, /^measures\.t\.distinct\[0\] must be "key"/],
    ['bare attrs', { measures: { t: { distinct: [{ field: 'attrs' }] } } }, /^measures\.t\.distinct\[0\]\.field must be "key"/],
    ['a distinct without field', { measures: { t: { distinct: [{ precision: 12 }] } } }, /^measures\.t\.distinct\[0\]\.field is missing$/],
    [
      'a distinct field twice',
      { measures: { t: { distinct: ['key', { field: 'key' }] } } },
      /^measures\.t\.distinct\[1\] "key" is listed twice$/,
    ],
    [
      'a precision too high',
      { measures: { page_view: { distinct: [{ field: 'attrs.user', precision: 20 }] } } },
      /^measures\.page_view\.distinct\[0\]\.precision must be a whole number from 4 to 16, got 20$/,
    ],
    [
      'a precision too low',
      { measures: { t: { distinct: [{ field: 'key', precision: 3 }] } } },
      /precision must be a whole number from 4 to 16, got 3$/,
    ],
    ['a fractional precision', { measures: { t: { distinct: [{ field: 'key', precision: 12.5 }] } } }, /got 12\.5$/],
    ['a precision as text', { measures: { t: { distinct: [{ field: 'key', precision: '12' }] } } }, /got "12"$/],
    [
      'an unknown distinct property',
      { measures: { t: { distinct: [{ field: 'key', p: 12 }] } } },
      /^measures\.t\.distinct\[0\]\.p is not a setting \(known: field, precision\)$/,
    ],
    [
      'a distinct item of a number',
      { measures: { t: { distinct: [7] } } },
      /^measures\.t\.distinct\[0\] must be a field \("attrs\.user"\) or \{ field, precision \}, got 7$/,
    ],
    // quantiles
    [
      'quantiles a string',
      { measures: { t: { quantiles: 'yes' } } },
      /^measures\.t\.quantiles must be true or \{ relativeAccuracy \}, got "yes"$/,
    ],
    [
      'an accuracy too coarse',
      { measures: { t: { quantiles: { relativeAccuracy: 0.5 } } } },
      /^measures\.t\.quantiles\.relativeAccuracy must be a number from 0\.0001 to 0\.1, got 0\.5$/,
    ],
    [
      'an accuracy too fine',
      { measures: { t: { quantiles: { relativeAccuracy: 0 } } } },
      /relativeAccuracy must be a number from 0\.0001 to 0\.1, got 0$/,
    ],
    [
      'an unknown quantiles property',
      { measures: { t: { quantiles: { accuracy: 0.01 } } } },
      /^measures\.t\.quantiles\.accuracy is not a setting \(known: relativeAccuracy\)$/,
    ],
    // dimensions
    ['a dimension on the key', { measures: { t: { dimensions: ['key'] } } }, /^measures\.t\.dimensions\[0\] must be "attrs\.<name>"/],
    [
      'a dimension cap of 0',
      { measures: { t: { dimensions: [{ field: 'attrs.c', cap: 0 }] } } },
      /^measures\.t\.dimensions\[0\]\.cap must be a whole number from 1 to 1000, got 0$/,
    ],
    [
      'a dimension cap too high',
      { measures: { t: { dimensions: [{ field: 'attrs.c', cap: 1001 }] } } },
      /cap must be a whole number from 1 to 1000, got 1001$/,
    ],
    [
      'a dimension twice',
      { measures: { t: { dimensions: ['attrs.c', 'attrs.c'] } } },
      /^measures\.t\.dimensions\[1\] "attrs\.c" is listed twice$/,
    ],
    [
      'an unknown dimension property',
      { measures: { t: { dimensions: [{ field: 'attrs.c', limit: 5 }] } } },
      /^measures\.t\.dimensions\[0\]\.limit is not a setting/,
    ],
    // total
    ['total a string', { measures: { t: { total: 'yes' } } }, /^measures\.t\.total must be true or false, got "yes"$/],
    // alerts
    ['alerts an object', { alerts: {} }, /^alerts must be an array of alerts, got \{\}$/],
    [
      'an alert a string',
      { alerts: ['a'] },
      /^alerts\[0\] must be an object \(name, type, window, measure and one of above, below, risesOver\), got "a"$/,
    ],
    [
      'an unknown alert property',
      { alerts: [alert({ threshold: 5 })] },
      /^alerts\[0\]\.threshold is not a setting \(known: name, type, key, window/,
    ],
    ['an alert without name', { alerts: [alert({ name: undefined })] }, /^alerts\[0\]\.name is missing$/],
    [
      'a bad alert name',
      { alerts: [alert({ name: 'few purchases' })] },
      /^alerts\[0\]\.name must be 1-64 characters of A-Z a-z 0-9 _ -, got "few purchases"$/,
    ],
    ['an alert name too long', { alerts: [alert({ name: 'a'.repeat(65) })] }, /^alerts\[0\]\.name must be 1-64 characters/],
    ['an empty alert name', { alerts: [alert({ name: '' })] }, /^alerts\[0\]\.name must be 1-64 characters/],
    [
      'a duplicate alert name',
      { alerts: [alert({}), alert({ measure: 'sum' })] },
      /^alerts\[1\]\.name "a" is the name of an earlier alert; names must be unique$/,
    ],
    ['an alert without type', { alerts: [alert({ type: undefined })] }, /^alerts\[0\]\.type is missing$/],
    ['an alert on a bad type', { alerts: [alert({ type: 'page view' })] }, /^alerts\[0\]\.type must be an event type \(1-64 characters/],
    ['an alert on a derived type', { alerts: [alert({ type: 'page_view@total' })] }, /^alerts\[0\]\.type must be an event type/],
    [
      'an empty key',
      { alerts: [alert({ key: '' })] },
      /^alerts\[0\]\.key must be an event key of 1-512 characters with no control characters, got ""$/,
    ],
    ['a key with a newline', { alerts: [alert({ key: 'a\nb' })] }, /^alerts\[0\]\.key must be an event key .*, got "a\\nb"$/],
    ['a key too long', { alerts: [alert({ key: 'k'.repeat(513) })] }, /^alerts\[0\]\.key must be an event key of 1-512 characters/],
    ['a key a number', { alerts: [alert({ key: 5 })] }, /^alerts\[0\]\.key must be a string, got 5$/],
    [
      'an unknown window',
      { alerts: [alert({ window: '5m' })] },
      /^alerts\[0\]\.window must be one of the windows \(1m, 1h, 1d\), got "5m"$/,
    ],
    ['an alert without measure', { alerts: [alert({ measure: undefined })] }, /^alerts\[0\]\.measure is missing$/],
    [
      'an unknown measure',
      { alerts: [alert({ measure: 'avg' })] },
      /^alerts\[0\]\.measure must be count, sum, min, max, distinct:<field> or p<percentile> \(e\.g\. p99, p99\.9\), got "avg"$/,
    ],
    [
      'a stat not kept',
      { measures: { page_view: { stats: ['count'] } }, alerts: [alert({ measure: 'sum' })] },
      /^alerts\[0\]\.measure "sum" is not kept for page_view \(its stats: count\)$/,
    ],
    [
      'a percentile without quantiles',
      { alerts: [alert({ measure: 'p99' })] },
      /^alerts\[0\]\.measure "p99" needs quantiles declared in measures\.page_view\.quantiles$/,
    ],
    [
      'p0',
      { measures: { page_view: { quantiles: true } }, alerts: [alert({ measure: 'p0' })] },
      /^alerts\[0\]\.measure "p0" must be a percentile above p0 and below p100$/,
    ],
    [
      'p100',
      { measures: { page_view: { quantiles: true } }, alerts: [alert({ measure: 'p100' })] },
      /^alerts\[0\]\.measure must be count, sum/,
    ],
    [
      'a distinct count not declared',
      { alerts: [alert({ measure: 'distinct:attrs.user' })] },
      /^alerts\[0\]\.measure "distinct:attrs\.user" needs "attrs\.user" in measures\.page_view\.distinct \(declared: none\)$/,
    ],
    [
      'a distinct count of another field',
      { measures: { page_view: { distinct: ['key'] } }, alerts: [alert({ measure: 'distinct:attrs.user' })] },
      /\(declared: key\)$/,
    ],
    [
      'no comparison',
      { alerts: [alert({ above: undefined })] },
      /^alerts\[0\] must have exactly one of above, below, risesOver, has none$/,
    ],
    [
      'two comparisons',
      { alerts: [alert({ below: 5 })] },
      /^alerts\[0\] must have exactly one of above, below, risesOver, has above and below$/,
    ],
    ['a threshold as text', { alerts: [alert({ above: '10' })] }, /^alerts\[0\]\.above must be a number, got "10"$/],
    ['a threshold null', { alerts: [alert({ above: null })] }, /^alerts\[0\]\.above must be a number, got null$/],
    [
      'risesOver of 1',
      { alerts: [alert({ above: undefined, risesOver: 1 })] },
      /^alerts\[0\]\.risesOver must be a factor above 1 \(5: more than 5 times the previous window\), got 1$/,
    ],
    ['risesOver of 0.5', { alerts: [alert({ above: undefined, risesOver: 0.5 })] }, /risesOver must be a factor above 1 .*, got 0\.5$/],
    [
      'evaluationPeriods of 0',
      { alerts: [alert({ evaluationPeriods: 0 })] },
      /^alerts\[0\]\.evaluationPeriods must be a whole number from 1 to 1440, got 0$/,
    ],
    [
      'evaluationPeriods beyond a day of minutes',
      { alerts: [alert({ evaluationPeriods: 1441 })] },
      /^alerts\[0\]\.evaluationPeriods must be a whole number from 1 to 1440, got 1441$/,
    ],
    [
      'evaluationPeriods beyond 7 days of days',
      { alerts: [alert({ window: '1d', evaluationPeriods: 8 })] },
      /^alerts\[0\]\.evaluationPeriods must be a whole number from 1 to 7, got 8$/,
    ],
    ['evaluationPeriods fractional', { alerts: [alert({ evaluationPeriods: 1.5 })] }, /got 1\.5$/],
  ])('refuses %s', (_what, raw, message) => {
    const error = errorOf(raw);
    expect(error).toBeInstanceOf(StreamtallyConfigError);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
  });

  it('refuses an alert window that cannot be an alarm period', () => {
    const error = errorOf({ alerts: [alert({ window: '30s' })] }, ['30s', '1m']);
    expect(error.message).toBe('alerts[0].window "30s" cannot be an alarm period: CloudWatch alarms need a whole number of minutes');
    expect(errorOf({ alerts: [alert({ window: '90s' })] }, ['90s']).message).toMatch(
      /^alerts\[0\]\.window "90s" cannot be an alarm period/,
    );
  });

  it('names the first thing wrong', () => {
    const error = errorOf({ measures: { t: { stats: ['avg'], distinct: ['x'] } }, alerts: [alert({ name: '' })] });
    expect(error.message).toMatch(/^measures\.t\.stats\[0\]/);
  });

  it('checks measures against the declaration of the alert type, not another', () => {
    const error = errorOf({ measures: { search: { quantiles: true } }, alerts: [alert({ measure: 'p95' })] });
    expect(error.message).toMatch(/^alerts\[0\]\.measure "p95" needs quantiles declared in measures\.page_view\.quantiles$/);
  });
});
