import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DATA_ALERT_METRIC, quantileBinAttribute, TOTAL_KEY, type DataAlert, type ItemDelta } from '../../../core';
import { alertReadings, type PreviousWindowReader } from '../../../lambdas/aggregator/alerts/alertReadings';
import { measureValue, riseRatio } from '../../../lambdas/aggregator/alerts/measureValue';
import { publishDataAlerts } from '../../../lambdas/aggregator/publishDataAlerts';
import type { AggregateState } from '../../../lambdas/aggregator/store/ports';
import { datumsFromEmf } from '../../../src/local/alarms/datumsFromEmf';
import { padded, streamEvent } from '../core/factories';

const T = Date.parse('2026-12-03T10:00:00.000Z');

function alert(overrides: Partial<DataAlert>): DataAlert {
  return {
    name: 'a',
    type: 'page_view',
    window: '1m',
    measure: 'count',
    comparison: 'above',
    threshold: 1,
    evaluationPeriods: 1,
    ...overrides,
  };
}

function delta(type: string, key: string, windowStartMs: number, granularity = '1m'): ItemDelta {
  return {
    address: { type, key, granularity, windowStartMs, windowSizeMs: 60_000, expiresAtSec: 0 },
    shardId: 's',
    contributions: [{ paddedSequence: padded(1), value: 1, valueNanos: 1n, event: streamEvent() }],
  };
}

describe('measureValue', () => {
  const bins: Record<string, number> = {};
  for (let v = 1; v <= 100; v++) bins[quantileBinAttribute(v, 0.01)] = (bins[quantileBinAttribute(v, 0.01)] ?? 0) + 1;
  const state: AggregateState = { count: 100, sum: 5050, min: 1, max: 100, bins, relativeAccuracy: 0.01 };

  it('reads the plain aggregates, quantiles from the bins and distinct estimates', () => {
    expect(measureValue('count', state, () => undefined)).toBe(100);
    expect(measureValue('sum', state, () => undefined)).toBe(5050);
    expect(measureValue('min', state, () => undefined)).toBe(1);
    expect(measureValue('max', state, () => undefined)).toBe(100);
    // Within the accuracy of a value of about that rank (rank conventions differ by one).
    const p50 = measureValue('p50', state, () => undefined)!;
    expect(p50).toBeGreaterThanOrEqual(49 * 0.99);
    expect(p50).toBeLessThanOrEqual(51 * 1.01);
    const p999 = measureValue('p99.9', state, () => undefined)!;
    expect(p999).toBeGreaterThanOrEqual(99 * 0.99);
    expect(p999).toBeLessThanOrEqual(100);
    expect(measureValue('distinct:attrs.user', state, (field) => (field === 'attrs.user' ? 42 : undefined))).toBe(42);
  });

  it('is undefined for what the cell does not keep', () => {
    expect(measureValue('sum', { count: 3 }, () => undefined)).toBeUndefined();
    expect(measureValue('p99', { count: 3 }, () => undefined)).toBeUndefined();
    expect(measureValue('distinct:key', { count: 3 }, () => undefined)).toBeUndefined();
  });

  it('divides a rise by the previous value, at least 1', () => {
    expect(riseRatio(10, 2)).toBe(5);
    expect(riseRatio(10, 0)).toBe(10);
    expect(riseRatio(10, undefined)).toBe(10);
  });
});

describe('alertReadings', () => {
  it('reads each watched cell in the newest window the batch wrote, the total when the alert has no key', async () => {
    // Prepare
    const deltas = [
      delta('page_view@total', TOTAL_KEY, T),
      delta('page_view@total', TOTAL_KEY, T + 60_000),
      delta('page_view@total', TOTAL_KEY, T + 120_000, '1h'),
      delta('search', 'shoes', T),
      delta('search', 'boots', T + 60_000),
    ];
    const states: (AggregateState | undefined)[] = [{ count: 5 }, { count: 7 }, { count: 99 }, { count: 12 }, { count: 1 }];
    const previous: PreviousWindowReader = {
      value: async (_alert, address) => (address.windowStartMs === T - 60_000 ? 4 : undefined),
    };
    const alerts = [
      alert({ name: 'total' }),
      alert({ name: 'rise', type: 'search', key: 'shoes', comparison: 'risesOver' }),
      alert({ name: 'unwritten', type: 'search', key: 'sandals' }),
    ];

    // Act
    const { readings, errors } = await alertReadings(alerts, { deltas, states, estimate: () => undefined }, previous);

    // Assess
    expect(readings).toEqual([
      { alert: 'total', value: 7 },
      { alert: 'rise', value: 3 },
    ]);
    expect(errors).toEqual([]);
  });

  it('skips a cell whose write failed, and an alert whose previous window cannot be read', async () => {
    const deltas = [delta('page_view@total', TOTAL_KEY, T), delta('search', 'shoes', T)];
    const failing: PreviousWindowReader = {
      value: async () => {
        throw new Error('throttled');
      },
    };
    const alerts = [alert({ name: 'total' }), alert({ name: 'rise', type: 'search', key: 'shoes', comparison: 'risesOver' })];
    const { readings, errors } = await alertReadings(
      alerts,
      { deltas, states: [undefined, { count: 3 }], estimate: () => undefined },
      failing,
    );
    expect(readings).toEqual([]);
    expect(errors).toHaveLength(1);
  });
});

describe('publishDataAlerts', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes one EMF document per alert that the local alarm evaluator reads as DataAlertValue with dimension Alert only', () => {
    // Prepare
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const metrics = new Metrics({ namespace: 'Streamtally', serviceName: 'consumer-1' });

    // Act
    publishDataAlerts(metrics, [
      { alert: 'slow-pages', value: 512.5 },
      { alert: 'few-purchases', value: 3 },
    ]);

    // Assess
    const datums = lines.flatMap((line) => line.split('\n').filter(Boolean)).flatMap((line) => datumsFromEmf(JSON.parse(line)));
    expect(datums.map(({ namespace, metricName, dimensions, value }) => ({ namespace, metricName, dimensions, value }))).toEqual([
      { namespace: 'Streamtally', metricName: DATA_ALERT_METRIC, dimensions: { Alert: 'slow-pages' }, value: 512.5 },
      { namespace: 'Streamtally', metricName: DATA_ALERT_METRIC, dimensions: { Alert: 'few-purchases' }, value: 3 },
    ]);
  });
});
