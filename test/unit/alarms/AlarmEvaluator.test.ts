import { describe, expect, it } from 'vitest';
import { AlarmEvaluator, AlarmState, alarmsFromTemplate, InMemoryMetricStore, type MetricDatum } from '../../../src/local/alarms';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);
const FUNCTION_NAME = 'streamtally-aggregator';

/** A template in the shapes CDK synthesizes (see test/infra/monitoring.test.ts for the real one). */
function template(extra: Record<string, unknown> = {}) {
  const fn = [{ Name: 'FunctionName', Value: { Ref: 'AggregatorFunction' } }];
  const actions = { AlarmActions: [{ Ref: 'AlarmTopic' }], OKActions: [{ Ref: 'AlarmTopic' }] };
  return {
    Resources: {
      AlarmTopic: { Type: 'AWS::SNS::Topic', Properties: {} },
      Lag: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: 'lag',
          Namespace: 'AWS/Lambda',
          MetricName: 'IteratorAge',
          Dimensions: fn,
          Statistic: 'Maximum',
          Period: 60,
          EvaluationPeriods: 3,
          DatapointsToAlarm: 2,
          Threshold: 5000,
          ComparisonOperator: 'GreaterThanThreshold',
          TreatMissingData: 'ignore',
          ...actions,
        },
      },
      Freshness: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: { 'Fn::Join': ['-', ['stack', 'freshness']] },
          Namespace: 'streamtally',
          MetricName: 'EventFreshnessMs',
          Dimensions: [{ Name: 'service', Value: 'aggregator' }],
          ExtendedStatistic: 'p99',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 5000,
          ComparisonOperator: 'GreaterThanThreshold',
          TreatMissingData: 'notBreaching',
          ...actions,
        },
      },
      ErrorRate: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: 'error-rate',
          Metrics: [
            { Id: 'expr_1', Expression: '100 * errors / invocations', ReturnData: true },
            {
              Id: 'errors',
              MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: fn }, Period: 60, Stat: 'Sum' },
              ReturnData: false,
            },
            {
              Id: 'invocations',
              MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'Invocations', Dimensions: fn }, Period: 60, Stat: 'Sum' },
              ReturnData: false,
            },
          ],
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanThreshold',
          TreatMissingData: 'notBreaching',
          ...actions,
        },
      },
      SlaBreached: {
        Type: 'AWS::CloudWatch::CompositeAlarm',
        Properties: {
          AlarmName: 'sla-breached',
          AlarmRule: {
            'Fn::Join': [
              '',
              ['(ALARM("', { 'Fn::GetAtt': ['Freshness', 'Arn'] }, '") OR ALARM("', { 'Fn::GetAtt': ['ErrorRate', 'Arn'] }, '"))'],
            ],
          },
          ...actions,
        },
      },
      ...extra,
    },
  };
}

function setUp(extra?: Record<string, unknown>) {
  const physical: Record<string, string> = { AggregatorFunction: FUNCTION_NAME, AlarmTopic: 'arn:aws:sns:us-east-1:000000000000:alarms' };
  const alarms = alarmsFromTemplate(template(extra), { physicalId: (id) => physical[id] });
  const store = new InMemoryMetricStore();
  return { alarms, store, evaluator: new AlarmEvaluator(alarms, store) };
}

const lambdaMetric = (metricName: string, minute: number, value: number, second = 30): MetricDatum => ({
  namespace: 'AWS/Lambda',
  metricName,
  dimensions: { FunctionName: FUNCTION_NAME },
  timestamp: T0 + minute * MINUTE + second * 1000,
  value,
});
const freshness = (minute: number, value: number): MetricDatum => ({
  namespace: 'streamtally',
  metricName: 'EventFreshnessMs',
  dimensions: { service: 'aggregator' },
  timestamp: T0 + minute * MINUTE + 1000,
  value,
});

describe('alarmsFromTemplate', () => {
  it('reads plain, percentile, math and composite alarms, resolving names, dimensions, ARNs and actions', () => {
    const { alarms } = setUp();
    expect(alarms.map((alarm) => [alarm.alarmName, alarm.kind])).toEqual([
      ['lag', 'metric'],
      ['stack-freshness', 'metric'],
      ['error-rate', 'metric'],
      ['sla-breached', 'composite'],
    ]);
    const [lag, fresh, errorRate, sla] = alarms;
    expect(lag).toMatchObject({
      metrics: {
        m1: {
          metric: { namespace: 'AWS/Lambda', metricName: 'IteratorAge', dimensions: { FunctionName: FUNCTION_NAME } },
          statistic: 'Maximum',
          periodSeconds: 60,
        },
      },
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      actions: { enabled: true, alarm: ['arn:aws:sns:us-east-1:000000000000:alarms'], ok: ['arn:aws:sns:us-east-1:000000000000:alarms'] },
    });
    expect(fresh).toMatchObject({ metrics: { m1: { statistic: 'p99' } }, datapointsToAlarm: 1 });
    expect(errorRate).toMatchObject({ expressionText: '100 * errors / invocations', periodSeconds: 60 });
    expect(sla).toMatchObject({
      ruleText:
        '(ALARM("arn:aws:cloudwatch:us-east-1:000000000000:alarm:stack-freshness") OR ALARM("arn:aws:cloudwatch:us-east-1:000000000000:alarm:error-rate"))',
    });
  });

  it('names the alarm it cannot evaluate locally', () => {
    const properties = template().Resources.Lag.Properties;
    const band = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: { ...properties, AlarmName: 'band', ComparisonOperator: 'LessThanLowerOrGreaterThanUpperThreshold' },
    };
    expect(() => setUp({ Band: band })).toThrow(
      /^alarm band: ComparisonOperator "LessThanLowerOrGreaterThanUpperThreshold" is not supported locally/,
    );
    const trimmed = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: { ...properties, AlarmName: 'trimmed', Statistic: undefined, ExtendedStatistic: 'tm99' },
    };
    expect(() => setUp({ Trimmed: trimmed })).toThrow(/^alarm trimmed: statistic "tm99" is not supported locally/);
    const imported = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: { ...properties, AlarmName: 'imported', Threshold: { 'Fn::ImportValue': 'Limit' } },
    };
    expect(() => setUp({ Imported: imported })).toThrow(
      /^alarm imported: cannot resolve its properties: Fn::ImportValue reads another stack's exports/,
    );
    const dangling = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: { ...properties, AlarmName: 'dangling', AlarmActions: [{ Ref: 'NoSuchTopic' }] },
    };
    expect(() => setUp({ Dangling: dangling })).toThrow(
      /^alarm dangling: cannot resolve its properties: Ref NoSuchTopic: no such resource/,
    );
  });

  it('resolves the intrinsics the local stack resolves (Fn::Sub, Fn::Select, pseudo parameters)', () => {
    const properties = template().Resources.Lag.Properties;
    const alarm = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        ...properties,
        AlarmName: { 'Fn::Sub': ['${AWS::StackName}-${Name}', { Name: 'named' }] },
        Threshold: { 'Fn::Select': [1, [1, 7000]] },
      },
    };
    const named = alarmsFromTemplate(
      { Resources: { AlarmTopic: template().Resources.AlarmTopic, Named: alarm } },
      { stackName: 'st', physicalId: (id) => (id === 'AggregatorFunction' ? 'fn' : undefined) },
    );
    expect(named).toMatchObject([{ alarmName: 'st-named', threshold: 7000 }]);
  });
});

describe('AlarmEvaluator', () => {
  it('starts every alarm in INSUFFICIENT_DATA', () => {
    const { evaluator } = setUp();
    expect(evaluator.stateOf('lag')).toBe(AlarmState.insufficientData);
  });

  it('evaluates complete periods only, aligned to the minute', () => {
    const { store, evaluator } = setUp();
    store.put([lambdaMetric('IteratorAge', 0, 9000), lambdaMetric('IteratorAge', 1, 9000)]);
    // At 12:01:59 the 12:01 period is not complete: one breaching datapoint of two needed.
    expect(evaluator.evaluate(T0 + MINUTE + 59_000).states.lag).toBe(AlarmState.insufficientData);
    expect(evaluator.evaluate(T0 + 2 * MINUTE).states.lag).toBe(AlarmState.alarm);
  });

  it('drives the lag alarm to ALARM while the consumer stalls, keeps it while no data comes, and back to OK when it catches up', () => {
    const { store, evaluator } = setUp();
    for (let minute = 0; minute < 3; minute++) store.put(lambdaMetric('IteratorAge', minute, 1000));
    expect(evaluator.evaluate(T0 + 3 * MINUTE).states.lag).toBe(AlarmState.ok);
    for (let minute = 3; minute < 5; minute++) store.put(lambdaMetric('IteratorAge', minute, 60_000 * minute));
    const alarm = evaluator.evaluate(T0 + 5 * MINUTE);
    expect(alarm.changes).toEqual([
      expect.objectContaining({
        alarmName: 'lag',
        previousState: 'OK',
        state: 'ALARM',
        actions: ['arn:aws:sns:us-east-1:000000000000:alarms'],
      }),
    ]);
    expect(alarm.changes[0]?.reason).toMatch(
      /^2 of the 3 most recent datapoints \[1000 .*180000 .*240000 .*\] breaching \(greater than the threshold 5000\)/,
    );
    // No invocations at all for 10 minutes: TreatMissingData ignore keeps ALARM.
    expect(evaluator.evaluate(T0 + 15 * MINUTE).changes).toEqual([]);
    for (let minute = 15; minute < 17; minute++) store.put(lambdaMetric('IteratorAge', minute, 200));
    const recovered = evaluator.evaluate(T0 + 17 * MINUTE);
    expect(recovered.changes).toEqual([expect.objectContaining({ alarmName: 'lag', previousState: 'ALARM', state: 'OK' })]);
  });

  it('computes p99 from the raw values of each period', () => {
    const { store, evaluator } = setUp();
    // 99 fresh batches and one late one: p99 of 100 values is the 99th smallest.
    for (let i = 0; i < 99; i++) store.put(freshness(0, 100 + i));
    store.put(freshness(0, 60_000));
    expect(evaluator.evaluate(T0 + MINUTE).states['stack-freshness']).toBe(AlarmState.ok);
    // Two late ones of 100: the p99 is late.
    for (let i = 0; i < 98; i++) store.put(freshness(1, 100));
    store.put([freshness(1, 60_000), freshness(1, 70_000)]);
    expect(evaluator.evaluate(T0 + 2 * MINUTE).states['stack-freshness']).toBe(AlarmState.alarm);
  });

  it('evaluates the error rate expression and the composite SLA alarm over it', () => {
    const { store, evaluator } = setUp();
    store.put([lambdaMetric('Invocations', 0, 50), lambdaMetric('Errors', 0, 0)]);
    expect(evaluator.evaluate(T0 + MINUTE).states).toMatchObject({ 'error-rate': 'OK', 'sla-breached': 'OK' });
    store.put([lambdaMetric('Invocations', 1, 50), lambdaMetric('Errors', 1, 1)]);
    const breached = evaluator.evaluate(T0 + 2 * MINUTE);
    expect(breached.changes.map((change) => [change.alarmName, change.state])).toEqual([
      ['error-rate', 'ALARM'],
      ['sla-breached', 'ALARM'],
    ]);
    expect(breached.changes[1]?.reason).toMatch(/is TRUE: stack-freshness is OK, error-rate is ALARM$/);
  });

  it('lets alarms on AWS/DynamoDB metrics ignore missing data whatever they say, as CloudWatch does', () => {
    const throttles = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: 'throttles',
        Namespace: 'AWS/DynamoDB',
        MetricName: 'ThrottledRequests',
        Dimensions: [
          { Name: 'TableName', Value: 'aggregates' },
          { Name: 'Operation', Value: 'UpdateItem' },
        ],
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      },
    };
    const { store, evaluator } = setUp({ Throttles: throttles });
    store.put({
      namespace: 'AWS/DynamoDB',
      metricName: 'ThrottledRequests',
      dimensions: { TableName: 'aggregates', Operation: 'UpdateItem' },
      timestamp: T0,
      value: 3,
    });
    expect(evaluator.evaluate(T0 + MINUTE).states.throttles).toBe(AlarmState.alarm);
    // notBreaching would say OK once the datapoint leaves the range; DynamoDB alarms stay.
    expect(evaluator.evaluate(T0 + 30 * MINUTE).states.throttles).toBe(AlarmState.alarm);
  });

  it('keeps the state of a percentile alarm with too few samples when told to ignore them', () => {
    const properties = template().Resources.Freshness.Properties;
    const strict = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: { ...properties, AlarmName: 'strict', EvaluateLowSampleCountPercentile: 'ignore' },
    };
    const { store, evaluator } = setUp({ Strict: strict });
    store.put(freshness(0, 60_000));
    const { states } = evaluator.evaluate(T0 + MINUTE);
    expect(states.strict).toBe(AlarmState.insufficientData);
    expect(states['stack-freshness']).toBe(AlarmState.alarm);
  });

  it('reports a change once, not on every evaluation in the same state', () => {
    const { store, evaluator } = setUp();
    store.put([lambdaMetric('Invocations', 0, 10), lambdaMetric('Errors', 0, 5)]);
    expect(evaluator.evaluate(T0 + MINUTE).changes.map((c) => c.alarmName)).toContain('error-rate');
    expect(evaluator.evaluate(T0 + MINUTE + 30_000).changes).toEqual([]);
  });
});
