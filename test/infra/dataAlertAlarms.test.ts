import { beforeAll, describe, expect, it } from 'vitest';
import { DATA_ALERT_METRIC, METRICS_NAMESPACE } from '../../core';
import { AlarmEvaluator, AlarmState, type AlarmDefinition, alarmsFromTemplate, InMemoryMetricStore } from '../../src/local/alarms';
import { synthStack } from './synthStack';

// The data alerts' alarms, as the stack synthesizes them, evaluated by the local
// evaluator from the template (what `streamtally local up` does) on DataAlertValue
// datums as the consumer publishes them.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);
const BELOW = 'streamtally-dev-alert-few-purchases';
const ABOVE = 'streamtally-dev-alert-big-orders';
const RISES = 'streamtally-dev-alert-search-spike';
const MAX_OF = 'streamtally-dev-alert-cold-sensor';

let alarms: AlarmDefinition[];
let topicLogicalId: string;
beforeAll(() => {
  const { template } = synthStack({
    alerts: [
      { name: 'few-purchases', type: 'purchase', window: '1m', measure: 'count', below: 10 },
      { name: 'big-orders', type: 'purchase', window: '1m', measure: 'sum', above: 5000, evaluationPeriods: 2 },
      { name: 'search-spike', type: 'search', key: 'shoes', window: '1h', measure: 'count', risesOver: 5 },
      { name: 'cold-sensor', type: 'sensor', key: 'roof', window: '1m', measure: 'max', below: -10 },
    ],
  });
  alarms = alarmsFromTemplate(template.toJSON());
  topicLogicalId = Object.keys(template.findResources('AWS::SNS::Topic'))[0] as string;
});

/** A DataAlertValue datum as the consumer publishes it: namespace, metric and the one `Alert` dimension. */
function datum(alert: string, timestamp: number, value: number) {
  return { namespace: METRICS_NAMESPACE, metricName: DATA_ALERT_METRIC, dimensions: { Alert: alert }, timestamp, value };
}

describe('data alert alarms on the local evaluator', () => {
  it('reads each from the template as a metric alarm on the topic', () => {
    const below = alarms.find((alarm) => alarm.alarmName === BELOW);
    expect(below).toMatchObject({
      kind: 'metric',
      periodSeconds: 60,
      threshold: 10,
      comparisonOperator: 'LessThanThreshold',
      treatMissingData: 'breaching',
      expressionText: 'FILL(value, 0)',
      metrics: {
        value: {
          statistic: 'Maximum',
          metric: { namespace: 'streamtally', metricName: 'DataAlertValue', dimensions: { Alert: 'few-purchases' } },
        },
      },
      actions: { alarm: [topicLogicalId], ok: [topicLogicalId] },
    });
    expect(alarms.find((alarm) => alarm.alarmName === MAX_OF)).toMatchObject({
      expressionText: 'm1',
      treatMissingData: 'breaching',
      metrics: { m1: { statistic: 'Maximum', metric: { metricName: 'DataAlertValue', dimensions: { Alert: 'cold-sensor' } } } },
    });
    expect(alarms.find((alarm) => alarm.alarmName === RISES)).toMatchObject({
      periodSeconds: 3600,
      threshold: 5,
      comparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('put a below alert in ALARM with no data at all, and leave the others OK', () => {
    const evaluator = new AlarmEvaluator(alarms, new InMemoryMetricStore());
    const { states } = evaluator.evaluate(T0 + 5 * MINUTE);
    expect(states[BELOW]).toBe(AlarmState.alarm);
    expect(states[ABOVE]).toBe(AlarmState.ok);
    expect(states[RISES]).toBe(AlarmState.ok);
    // A max has no value without events, and no events counts as below.
    expect(states[MAX_OF]).toBe(AlarmState.alarm);
  });

  it('go to ALARM when the series breaches and back to OK when it recovers, notifying the topic both ways', () => {
    const store = new InMemoryMetricStore();
    const evaluator = new AlarmEvaluator(alarms, store);
    // Minute 0: 3 purchases (published after each batch: 1, 2, 3), sum 6,000.
    store.put([datum('few-purchases', T0 + 1_000, 1), datum('few-purchases', T0 + 20_000, 2), datum('few-purchases', T0 + 40_000, 3)]);
    store.put([datum('big-orders', T0 + 1_000, 2_500), datum('big-orders', T0 + 40_000, 6_000)]);
    const first = evaluator.evaluate(T0 + MINUTE + 5_000);
    expect(first.states[BELOW]).toBe(AlarmState.alarm);
    // Two windows in a row must breach: the one before T0 had no data, which is not breaching.
    expect(first.states[ABOVE]).toBe(AlarmState.ok);

    // Minute 1: 12 purchases, sum 7,000: the count recovers, the sum breaches a second time.
    store.put([datum('few-purchases', T0 + MINUTE + 30_000, 12), datum('big-orders', T0 + MINUTE + 30_000, 7_000)]);
    const second = evaluator.evaluate(T0 + 2 * MINUTE + 5_000);
    expect(second.states[BELOW]).toBe(AlarmState.ok);
    expect(second.states[ABOVE]).toBe(AlarmState.alarm);
    const changes = Object.fromEntries(second.changes.map((change) => [change.alarmName, change]));
    expect(changes[BELOW]).toMatchObject({ previousState: AlarmState.alarm, state: AlarmState.ok, actions: [topicLogicalId] });
    expect(changes[ABOVE]).toMatchObject({ previousState: AlarmState.ok, state: AlarmState.alarm, actions: [topicLogicalId] });

    // Minute 2: the sum falls back; minute 3 has no purchase at all: below fires again at once,
    // as the empty window counts 0 (not skipped for the busy minutes before it).
    store.put([datum('few-purchases', T0 + 2 * MINUTE + 30_000, 40), datum('big-orders', T0 + 2 * MINUTE + 30_000, 900)]);
    expect(evaluator.evaluate(T0 + 3 * MINUTE + 5_000).states).toMatchObject({ [BELOW]: AlarmState.ok, [ABOVE]: AlarmState.ok });
    expect(evaluator.evaluate(T0 + 4 * MINUTE + 5_000).states).toMatchObject({ [BELOW]: AlarmState.alarm, [ABOVE]: AlarmState.ok });
  });

  it('let an above alert go back to OK in the first window without events', () => {
    const store = new InMemoryMetricStore();
    const evaluator = new AlarmEvaluator(alarms, store);
    store.put([datum('big-orders', T0 + 1_000, 6_000), datum('big-orders', T0 + MINUTE + 1_000, 6_000)]);
    expect(evaluator.evaluate(T0 + 2 * MINUTE + 5_000).states[ABOVE]).toBe(AlarmState.alarm);
    expect(evaluator.evaluate(T0 + 3 * MINUTE + 5_000).states[ABOVE]).toBe(AlarmState.ok);
  });

  it('evaluate a risesOver alert once per hour window, on the ratio the consumer publishes', () => {
    const store = new InMemoryMetricStore();
    const evaluator = new AlarmEvaluator(alarms, store);
    // The ratio grows through the hour as the window fills; Maximum takes its highest.
    store.put([datum('search-spike', T0 + MINUTE, 0.2), datum('search-spike', T0 + 50 * MINUTE, 6.5)]);
    expect(evaluator.evaluate(T0 + 30 * MINUTE).states[RISES]).toBe(AlarmState.ok);
    expect(evaluator.evaluate(T0 + HOUR + MINUTE).states[RISES]).toBe(AlarmState.alarm);
    store.put(datum('search-spike', T0 + HOUR + 10 * MINUTE, 1.1));
    expect(evaluator.evaluate(T0 + 2 * HOUR + MINUTE).states[RISES]).toBe(AlarmState.ok);
  });
});
