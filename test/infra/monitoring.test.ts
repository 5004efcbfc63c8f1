import * as path from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../lib/config/StreamtallyConfig';
import { EventStream } from '../../lib/EventStream';
import { Monitoring } from '../../lib/Monitoring';
import { resolveThresholds } from '../../lib/monitoring/thresholds';
import { Quarantine } from '../../lib/Quarantine';
import { StreamConsumer } from '../../lib/StreamConsumer';
import { alarmsFromTemplate } from '../../src/local/alarms';
import { newApp, synthStack } from './synthStack';

type Resource = { Type: string; Properties: Record<string, unknown> };

const TOPIC = { Ref: Match.stringLikeRegexp('^MonitoringAlarmTopic') };
const FUNCTION = [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^AggregatorFunction') } }];
const STREAM = [{ Name: 'StreamName', Value: { Ref: Match.stringLikeRegexp('^EventStream') } }];
const MAPPING = [{ Name: 'EventSourceMappingUUID', Value: { Ref: Match.stringLikeRegexp('^AggregatorEventSourceMapping') } }];
const SERVICE = [{ Name: 'service', Value: 'aggregator' }];
const SUSTAINED = { Period: 60, EvaluationPeriods: 5, DatapointsToAlarm: 3 };
/** Alarms over metric math have their period in each metric stat. */
const SUSTAINED_MATH = { EvaluationPeriods: 5, DatapointsToAlarm: 3 };
const ANY_IN_5_MIN = { Period: 300, EvaluationPeriods: 1, DatapointsToAlarm: 1 };
const HOUR_MS = 3_600_000;

/** Every plain metric alarm of the default stack: name → what it must watch and how. */
const METRIC_ALARMS: Record<string, Record<string, unknown>> = {
  'aggregator-maxIteratorAgeMs-warning': {
    Namespace: 'AWS/Lambda',
    MetricName: 'IteratorAge',
    Dimensions: FUNCTION,
    Statistic: 'Maximum',
    ...SUSTAINED,
    Threshold: 5000,
    TreatMissingData: 'ignore',
  },
  'aggregator-maxIteratorAgeMs-critical': {
    // min(24 h / 4, 6 h max record age / 2, 24 h)
    Namespace: 'AWS/Lambda',
    MetricName: 'IteratorAge',
    Dimensions: FUNCTION,
    Statistic: 'Maximum',
    ...SUSTAINED,
    Threshold: 3 * HOUR_MS,
    TreatMissingData: 'ignore',
  },
  'aggregator-errorCount': {
    Namespace: 'AWS/Lambda',
    MetricName: 'Errors',
    Dimensions: FUNCTION,
    Statistic: 'Sum',
    ...SUSTAINED,
    Threshold: 0,
    TreatMissingData: 'notBreaching',
  },
  'aggregator-throttleCount': {
    Namespace: 'AWS/Lambda',
    MetricName: 'Throttles',
    Dimensions: FUNCTION,
    Statistic: 'Sum',
    ...SUSTAINED,
    Threshold: 0,
    TreatMissingData: 'notBreaching',
  },
  'aggregator-p99DurationMs': {
    // 80 % of the 60 s timeout
    Namespace: 'AWS/Lambda',
    MetricName: 'Duration',
    Dimensions: FUNCTION,
    ExtendedStatistic: 'p99',
    ...SUSTAINED,
    Threshold: 48_000,
    TreatMissingData: 'notBreaching',
  },
  'aggregator-quarantinedRecordCount': {
    Namespace: 'streamtally',
    MetricName: 'RecordsQuarantined',
    Dimensions: SERVICE,
    Statistic: 'Sum',
    ...ANY_IN_5_MIN,
    Threshold: 0,
    TreatMissingData: 'notBreaching',
  },
  'aggregator-onFailureRecordCount': {
    Namespace: 'AWS/Lambda',
    MetricName: 'OnFailureDestinationDeliveredEventCount',
    Dimensions: MAPPING,
    Statistic: 'Sum',
    ...ANY_IN_5_MIN,
    Threshold: 0,
    TreatMissingData: 'notBreaching',
  },
  'aggregator-droppedRecordCount': {
    Namespace: 'AWS/Lambda',
    MetricName: 'DroppedEventCount',
    Dimensions: MAPPING,
    Statistic: 'Sum',
    ...ANY_IN_5_MIN,
    Threshold: 0,
    TreatMissingData: 'notBreaching',
  },
  'aggregator-p99FreshnessMs': {
    Namespace: 'streamtally',
    MetricName: 'EventFreshnessMs',
    Dimensions: SERVICE,
    ExtendedStatistic: 'p99',
    ...SUSTAINED,
    Threshold: 5000,
    TreatMissingData: 'notBreaching',
  },
  'aggregator-p99BatchProcessingMs': {
    Namespace: 'streamtally',
    MetricName: 'BatchProcessingMs',
    Dimensions: SERVICE,
    ExtendedStatistic: 'p99',
    ...SUSTAINED,
    Threshold: 2500,
    TreatMissingData: 'notBreaching',
  },
  'stream-readThrottleCount': {
    Namespace: 'AWS/Kinesis',
    MetricName: 'ReadProvisionedThroughputExceeded',
    Dimensions: STREAM,
    Statistic: 'Sum',
    ...SUSTAINED,
    Threshold: 0,
    TreatMissingData: 'notBreaching',
  },
  'stream-writeThrottleCount': {
    Namespace: 'AWS/Kinesis',
    MetricName: 'WriteProvisionedThroughputExceeded',
    Dimensions: STREAM,
    Statistic: 'Sum',
    ...SUSTAINED,
    Threshold: 0,
    TreatMissingData: 'notBreaching',
  },
  'stream-putRecordsFailedRecordCount': {
    Namespace: 'AWS/Kinesis',
    MetricName: 'PutRecords.FailedRecords',
    Dimensions: STREAM,
    Statistic: 'Sum',
    ...SUSTAINED,
    Threshold: 0,
    TreatMissingData: 'notBreaching',
  },
  'stream-putRecordsThrottledRecordCount': {
    Namespace: 'AWS/Kinesis',
    MetricName: 'PutRecords.ThrottledRecords',
    Dimensions: STREAM,
    Statistic: 'Sum',
    ...SUSTAINED,
    Threshold: 0,
    TreatMissingData: 'notBreaching',
  },
};

const metricStat = (namespace: string, metricName: string, dimensions: unknown[], stat: string) => ({
  Metric: { Namespace: namespace, MetricName: metricName, Dimensions: dimensions },
  Period: 60,
  Stat: stat,
});

/** The alarms over metric math: name → expression and its metrics. */
const MATH_ALARMS: Record<string, Record<string, unknown>> = {
  'aggregator-errorRatePercent': {
    ...SUSTAINED_MATH,
    Threshold: 1,
    TreatMissingData: 'notBreaching',
    Metrics: Match.arrayWith([
      Match.objectLike({ Expression: '100 * errors / invocations', ReturnData: true }),
      { Id: 'errors', MetricStat: metricStat('AWS/Lambda', 'Errors', FUNCTION, 'Sum'), ReturnData: false },
      { Id: 'invocations', MetricStat: metricStat('AWS/Lambda', 'Invocations', FUNCTION, 'Sum'), ReturnData: false },
    ]),
  },
};
for (const [table, logicalId] of [
  ['aggregates', '^AggregatesStoreAggregates'],
  ['checkpoints', '^AggregatesStoreCheckpoints'],
] as const) {
  for (const [name, metricName, prefix] of [
    ['throttledRequestCount', 'ThrottledRequests', 'throttledRequests'],
    ['systemErrorCount', 'SystemErrors', 'systemErrors'],
  ] as const) {
    const operations = ['GetItem', 'PutItem', 'UpdateItem'];
    MATH_ALARMS[`${table}-${name}`] = {
      ...SUSTAINED_MATH,
      Threshold: 0,
      TreatMissingData: 'notBreaching',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: operations.map((op) => `FILL(${prefix}${op}, 0)`).join(' + '), ReturnData: true }),
        ...operations.map((op) => ({
          Id: `${prefix}${op}`,
          MetricStat: metricStat(
            'AWS/DynamoDB',
            metricName,
            [
              { Name: 'Operation', Value: op },
              { Name: 'TableName', Value: { Ref: Match.stringLikeRegexp(logicalId) } },
            ],
            'Sum',
          ),
          ReturnData: false,
        })),
      ]),
    };
  }
}

let template: Template;
let resources: Record<string, Resource>;
beforeAll(() => {
  template = synthStack({}).template;
  resources = template.toJSON().Resources as Record<string, Resource>;
});

const ofType = (type: string) => Object.values(resources).filter((resource) => resource.Type === type);

describe('alarms', () => {
  it('are exactly the listed ones, plus the composite "SLA breached"', () => {
    const names = ofType('AWS::CloudWatch::Alarm').map((alarm) => alarm.Properties.AlarmName);
    expect(names.sort()).toEqual(
      [...Object.keys(METRIC_ALARMS), ...Object.keys(MATH_ALARMS)].map((name) => `streamtally-dev-${name}`).sort(),
    );
    expect(ofType('AWS::CloudWatch::CompositeAlarm').map((alarm) => alarm.Properties.AlarmName)).toEqual(['streamtally-dev-sla-breached']);
  });

  it.each(Object.entries(METRIC_ALARMS))(
    '%s watches its metric with its dimensions, threshold and missing-data treatment, and notifies the topic',
    (name, expected) => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `streamtally-dev-${name}`,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [TOPIC],
        OKActions: [TOPIC],
        AlarmDescription: Match.stringLikeRegexp(`Runbook: docs/monitoring.md#${name.split('-').slice(1).join('-').toLowerCase()}$`),
        ...expected,
      });
    },
  );

  it.each(Object.entries(MATH_ALARMS))(
    '%s computes its expression over metrics with their dimensions, and notifies the topic',
    (name, expected) => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `streamtally-dev-${name}`,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [TOPIC],
        OKActions: [TOPIC],
        Period: Match.absent(),
        ...expected,
      });
    },
  );

  it('combine into "SLA breached" when any SLA alarm is in ALARM, which notifies the topic', () => {
    const [composite] = ofType('AWS::CloudWatch::CompositeAlarm');
    expect(composite?.Properties).toMatchObject({
      AlarmActions: [{ Ref: expect.stringMatching(/^MonitoringAlarmTopic/) }],
      OKActions: [{ Ref: expect.stringMatching(/^MonitoringAlarmTopic/) }],
    });
    const rule = JSON.stringify(composite?.Properties.AlarmRule);
    for (const name of ['p99FreshnessMs', 'p99BatchProcessingMs', 'errorRatePercent'])
      expect(rule).toMatch(new RegExp(`ALARM\\(\\\\"",\\{"Fn::GetAtt":\\["Monitoringaggregator${name}`));
    expect(rule.match(/ OR /g)).toHaveLength(2);
  });

  it('switch on the event source mapping metrics that count on-failure and dropped records', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { MetricsConfig: { Metrics: ['EventCount'] } });
  });

  it('can all be evaluated by the local evaluator', () => {
    const alarms = alarmsFromTemplate(template.toJSON());
    expect(alarms).toHaveLength(ofType('AWS::CloudWatch::Alarm').length + 1);
  });
});

describe('thresholds', () => {
  const thresholdOf = (config: Parameters<typeof synthStack>[0], name: string) => {
    const alarms = Object.values(synthStack(config).template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
    return alarms.find((alarm) => alarm.Properties.AlarmName === `streamtally-${config?.stage ?? 'dev'}-${name}`)?.Properties.Threshold;
  };

  it('put critical lag below half the maximum record age, a quarter of the retention and 24 hours', () => {
    // 7 days of retention: max record age 42 h, so 21 h.
    expect(thresholdOf({ retentionHours: 168 }, 'aggregator-maxIteratorAgeMs-critical')).toBe(21 * HOUR_MS);
    // A year of retention: max record age 168 h; the 24 h cap decides.
    expect(thresholdOf({ retentionHours: 8760 }, 'aggregator-maxIteratorAgeMs-critical')).toBe(24 * HOUR_MS);
    // No maximum record age: a quarter of the retention.
    expect(thresholdOf({ retentionHours: 48, maxRecordAgeHours: -1 }, 'aggregator-maxIteratorAgeMs-critical')).toBe(12 * HOUR_MS);
  });

  it('follow the configured SLA', () => {
    const config = { freshnessSlaMs: 2000, errorRateSlaPercent: 0.5 };
    expect(thresholdOf(config, 'aggregator-maxIteratorAgeMs-warning')).toBe(2000);
    expect(thresholdOf(config, 'aggregator-p99FreshnessMs')).toBe(2000);
    expect(thresholdOf(config, 'aggregator-p99BatchProcessingMs')).toBe(1000);
    expect(thresholdOf(config, 'aggregator-errorRatePercent')).toBe(0.5);
    expect(thresholdOf({ processingLatencySlaMs: 700 }, 'aggregator-p99BatchProcessingMs')).toBe(700);
  });

  it('refuse a lag warning level that is not below the critical one', () => {
    expect(() => resolveThresholds({ streamRetention: Duration.hours(24), maxRecordAge: Duration.seconds(8) })).toThrow(
      /the consumer-lag warning level \(5000 ms\) must be below the critical level \(4000 ms/,
    );
  });

  it('accept overrides', () => {
    expect(resolveThresholds({ streamRetention: Duration.hours(24) }, { errorCount: 5 }).errorCount).toBe(5);
  });

  it('are validated as settings', () => {
    expect(() => resolveConfig({ freshnessSlaMs: 0 })).toThrow(/^freshnessSlaMs must be from 1 to 86400000, got 0$/);
    expect(() => resolveConfig({ errorRateSlaPercent: 101 })).toThrow(/^errorRateSlaPercent must be from 0 to 100, got 101$/);
    expect(resolveConfig({ processingLatencySlaMs: 800 }).processingLatencySlaMs).toBe(800);
  });
});

describe('enhanced fan-out consumers', () => {
  const ENTRY = path.resolve(__dirname, '..', '..', 'lambdas', 'aggregator', 'handler.ts');

  it('get a MillisBehindLatest alarm with the stream and consumer names; polling consumers do not', () => {
    const stack = new Stack(newApp(), 'Test');
    const eventStream = new EventStream(stack, 'EventStream');
    const quarantine = new Quarantine(stack, 'Quarantine');
    const consumer = (name: string, enhancedFanOut: boolean) =>
      new StreamConsumer(stack, name, { consumerName: name, stream: eventStream, entry: ENTRY, quarantine, enhancedFanOut });
    new Monitoring(stack, 'Monitoring', {
      stage: 'test',
      stream: eventStream.stream,
      consumers: [consumer('pushed', true), consumer('polled', false)],
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'streamtally-test-pushed-maxMillisBehindLatestMs',
      Namespace: 'AWS/Kinesis',
      MetricName: 'SubscribeToShardEvent.MillisBehindLatest',
      Dimensions: [
        { Name: 'ConsumerName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EventStreamFanOutpushed'), 'ConsumerName'] } },
        { Name: 'StreamName', Value: { Ref: Match.stringLikeRegexp('^EventStream') } },
      ],
      Statistic: 'Maximum',
      Threshold: 5000,
      TreatMissingData: 'ignore',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^MonitoringAlarmTopic') }],
    });
    const names = Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((alarm) => (alarm as Resource).Properties.AlarmName);
    expect(names.filter((name) => String(name).includes('MillisBehindLatest'))).toEqual([
      'streamtally-test-pushed-maxMillisBehindLatestMs',
    ]);
    // Without tables, no DynamoDB alarms.
    expect(names.filter((name) => String(name).includes('throttledRequestCount'))).toEqual([]);
  });
});

describe('dashboard', () => {
  /** The dashboard body's JSON with the references left as markers. */
  const body = () => {
    const [dashboard] = ofType('AWS::CloudWatch::Dashboard');
    const parts = (dashboard!.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    // References sit inside JSON strings (ARNs, names): a marker keeps the JSON valid.
    return JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'REF')).join('')) as {
      widgets: { type: string; x: number; y: number; properties: { title?: string; alarms?: unknown[] } }[];
    };
  };

  it('has one row per concern, each starting with the states of its alarms', () => {
    const widgets = body().widgets;
    const statusRows = widgets.filter((widget) => widget.properties.alarms !== undefined && widget.type === 'alarm');
    expect(statusRows.map((widget) => widget.properties.title)).toEqual([
      'Consumer lag: alarms',
      'Stream backpressure: alarms',
      'Consumer health: alarms',
      'DynamoDB: alarms',
      'SLA: alarms',
    ]);
    expect(statusRows.map((widget) => widget.properties.alarms?.length)).toEqual([2, 4, 6, 4, 4]);
    const rowTops = statusRows.map((widget) => widget.y);
    expect(new Set(rowTops).size).toBe(5);
    for (const widget of widgets) {
      const row = rowTops.filter((top) => top <= widget.y).length - 1;
      const concern = statusRows[row]?.properties.title?.replace(': alarms', '');
      expect(widget.properties.title, `${widget.properties.title} sits in the ${concern} row`).toMatch(new RegExp(`^${concern}: `));
    }
  });

  it('graphs the metrics of each concern', () => {
    const titles = body().widgets.map((widget) => widget.properties.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Consumer lag: aggregator maxIteratorAgeMs',
        'Stream backpressure: read and write throughput exceeded (count)',
        'Consumer health: aggregator p99DurationMs',
        'DynamoDB: aggregates throttled requests and system errors (count)',
        'SLA: aggregator p99FreshnessMs',
      ]),
    );
  });
});

describe('data alerts', () => {
  const alerts = [
    { name: 'few-purchases', type: 'purchase', window: '1m', measure: 'count', below: 10 },
    { name: 'slow-pages', type: 'page_view', window: '1m', measure: 'p99', above: 500, evaluationPeriods: 3 },
    { name: 'search-spike', type: 'search', key: 'shoes', window: '1h', measure: 'count', risesOver: 5, evaluationPeriods: 2 },
  ];
  let alerting: Template;
  beforeAll(() => {
    alerting = synthStack({ measures: { page_view: { quantiles: true } }, alerts }).template;
  });

  const alarmOf = (name: string) =>
    Object.values(alerting.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: `streamtally-dev-alert-${name}` } }))[0]
      ?.Properties as Record<string, unknown>;

  it.each<[string, Record<string, unknown>]>([
    [
      'few-purchases',
      {
        Period: 60,
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        Threshold: 10,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      },
    ],
    [
      'slow-pages',
      {
        Period: 60,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        Threshold: 500,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      },
    ],
    [
      'search-spike',
      {
        Period: 3600,
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
        Threshold: 5,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      },
    ],
  ])('%s is an alarm on its DataAlertValue, Maximum over the window, notifying the topic', (name, expected) => {
    alerting.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `streamtally-dev-alert-${name}`,
      Namespace: 'streamtally',
      MetricName: 'DataAlertValue',
      Dimensions: [{ Name: 'Alert', Value: name }],
      Statistic: 'Maximum',
      AlarmActions: [TOPIC],
      OKActions: [TOPIC],
      AlarmDescription: Match.stringLikeRegexp(`^${name}: .* Runbook: docs/monitoring.md#data-alerts$`),
      ...expected,
    });
  });

  it('watch the namespace the consumer publishes to', () => {
    const fn = Object.values(alerting.findResources('AWS::Lambda::Function')).find(
      (resource) => resource.Properties.Environment?.Variables?.CONSUMER_NAME === 'aggregator',
    );
    expect(alarmOf('few-purchases').Namespace).toBe(fn?.Properties.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE);
  });

  it('say in words what the alert means', () => {
    expect(alarmOf('few-purchases').AlarmDescription).toBe(
      'few-purchases: the count of purchase events (all keys) per 1m window is below 10 (no events at all counts as below), for 1 window. ' +
        'Runbook: docs/monitoring.md#data-alerts',
    );
    expect(alarmOf('slow-pages').AlarmDescription).toMatch(
      /^slow-pages: the p99 of value of page_view events \(all keys\) per 1m window is above 500, for 3 windows in a row\./,
    );
    expect(alarmOf('search-spike').AlarmDescription).toMatch(
      /^search-spike: the count of search events with key "shoes" per 1h window is more than 5 times the previous window's/,
    );
  });

  it('get a dashboard row of their own, after the SLA', () => {
    const [dashboard] = Object.values(alerting.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    expect(body).toContain('Data alerts: alarms');
    expect(body.indexOf('Data alerts: alarms')).toBeGreaterThan(body.indexOf('SLA: alarms'));
    expect(body).toContain('Data alerts: search-spike (count per 1h)');
  });

  it('are absent, row and all, when none are declared', () => {
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'DataAlertValue' } }))).toEqual([]);
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(JSON.stringify(dashboard?.Properties.DashboardBody)).not.toContain('Data alerts');
  });
});
