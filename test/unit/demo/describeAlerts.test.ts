import { describe, expect, it } from 'vitest';
import type { DataAlert } from '../../../core';
import { alertInWords, alertLine, alertStates } from '../../../src/demo/describeAlerts';
import { measureLine } from '../../../src/demo/readMeasureSummary';

const hot: DataAlert = {
  name: 'sensor-hot',
  type: 'sensor.temp',
  window: '1m',
  measure: 'max',
  comparison: 'above',
  threshold: 29.5,
  evaluationPeriods: 1,
};

describe('the demo summary of data alerts', () => {
  it('says an alert in a few words, key and periods when it has them', () => {
    expect(alertInWords(hot)).toBe('sensor.temp max per 1m above 29.5');
    expect(
      alertInWords({
        ...hot,
        type: 'search',
        key: 'shoes',
        window: '1h',
        measure: 'count',
        comparison: 'risesOver',
        threshold: 5,
        evaluationPeriods: 3,
      }),
    ).toBe('search key "shoes" count per 1h rises over 5x, 3 windows in a row');
  });

  it("finds each alert's alarm by its name's ending, the shortest of several", () => {
    const alerts = [hot, { ...hot, name: 'x' }, { ...hot, name: 'y-alert-x' }];
    const states = {
      'streamtally-dev-alert-sensor-hot': 'ALARM',
      'streamtally-dev-alert-y-alert-x': 'OK',
      'streamtally-dev-alert-x': 'INSUFFICIENT_DATA',
      'streamtally-dev-sla-breached': 'OK',
    };
    const found = alertStates(alerts, states, new Set(['streamtally-dev-alert-sensor-hot', 'streamtally-dev-alert-y-alert-x']));
    expect(found.map(({ name, alarmName, state, alarmed }) => ({ name, alarmName, state, alarmed }))).toEqual([
      { name: 'sensor-hot', alarmName: 'streamtally-dev-alert-sensor-hot', state: 'ALARM', alarmed: true },
      { name: 'x', alarmName: 'streamtally-dev-alert-x', state: 'INSUFFICIENT_DATA', alarmed: false },
      { name: 'y-alert-x', alarmName: 'streamtally-dev-alert-y-alert-x', state: 'OK', alarmed: true },
    ]);
    expect(alertStates([{ ...hot, name: 'gone' }], states, new Set())[0]).toMatchObject({ state: 'UNKNOWN', alarmed: false });
  });

  it('names the state in words, and an alert that fired and recovered says so', () => {
    const [state] = alertStates([hot], { 'streamtally-dev-alert-sensor-hot': 'ALARM' }, new Set(['streamtally-dev-alert-sensor-hot']));
    expect(alertLine(state!)).toBe('alert sensor-hot: ALARM (sensor.temp max per 1m above 29.5)');
    expect(alertLine({ ...state!, state: 'OK' })).toBe(
      'alert sensor-hot: OK, was in ALARM during the demo (sensor.temp max per 1m above 29.5)',
    );
  });
});

describe('the demo summary of measures', () => {
  it('shows the count, max, distinct counts, quantiles and busiest dimension values of a window', () => {
    const line = measureLine({
      type: 'page_view',
      window: '1m',
      windowStart: '2026-12-03T14:41:00.000Z',
      count: 1648,
      min: 3.764,
      max: 1726.107,
      quantiles: { p50: 79.05119439536568, p99: 561.2469530405448 },
      distinct: { 'attrs.user': 705 },
      top: {
        'attrs.country': [
          { value: 'US', count: 645 },
          { value: 'DE', count: 244 },
        ],
      },
    });
    expect(line).toBe(
      'page_view in its busiest 1m (2026-12-03T14:41Z): 1648 events, max 1726.107, distinct attrs.user 705, p50 79.05 · p99 561.2; attrs.country US 645 · DE 244',
    );
    expect(measureLine({ type: 't', window: '1m', windowStart: '2026-12-03T14:41:00.000Z', count: 2, min: 1, max: 3 })).toBe(
      't in its busiest 1m (2026-12-03T14:41Z): 2 events, max 3',
    );
  });
});
