import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { AlertComparison, type DataAlert, METRICS_NAMESPACE, parseDuration } from '../core';
import { CONCERN_TITLES, Concern } from './monitoring/Concern';
import { dashboardRow, type RowGraph } from './monitoring/dashboardRow';
import { dataAlertMeaning } from './monitoring/dataAlertMeaning';
import {
  consumerEmfMetrics,
  consumerFunctionMetrics,
  dataAlertMetrics,
  eventSourceMappingMetrics,
  streamMetrics,
  tableMetrics,
} from './monitoring/metrics';
import { AlarmWindows, resolveThresholds, type AlarmWindow, type MonitoringThresholds } from './monitoring/thresholds';

/** A consumer as monitoring sees it (a {@link StreamConsumer} is one). */
export interface MonitoredConsumer {
  /** The consumer's name: names its alarms, and is the `service` dimension of its EMF metrics. */
  readonly consumerName: string;
  /** The consuming function; a `lambda.Function` also gives its timeout for the duration alarm. */
  readonly fn: lambda.IFunction;
  /**
   * Its Kinesis event source mapping. Given, the mapping's `EventCount` metrics are
   * switched on and the records it sends to the on-failure destination (or drops) alarm.
   * @default - no on-failure or dropped-record alarms
   */
  readonly eventSourceMapping?: lambda.IEventSourceMapping;
  /**
   * The enhanced fan-out consumer it reads through; only such consumers get a
   * `MillisBehindLatest` alarm.
   * @default - a shared-throughput (polling) consumer
   */
  readonly fanOutConsumer?: kinesis.IStreamConsumer;
}

/** Properties of a {@link Monitoring}. */
export interface MonitoringProps {
  /** Deployment stage; the dashboard is `streamtally-<stage>` and alarms `streamtally-<stage>-…`. */
  readonly stage: string;
  /** The event stream. */
  readonly stream: kinesis.IStream;
  /** The stream's consumers. */
  readonly consumers: readonly MonitoredConsumer[];
  /**
   * The consumers' tables by a short name (alarm names use it), e.g. `{ aggregates, checkpoints }`.
   * @default - no DynamoDB alarms
   */
  readonly tables?: Readonly<Record<string, dynamodb.ITable>>;
  /**
   * How long the stream keeps records; the critical lag level derives from it.
   * @default Duration.hours(24)
   */
  readonly streamRetention?: Duration;
  /**
   * The consumers' maximum record age; the critical lag level stays below half of it.
   * @default - a quarter of the retention, at most 7 days (the StreamConsumer default)
   */
  readonly maxRecordAge?: Duration | 'unlimited';
  /**
   * Freshness SLA: p99 of event time to commit, ms. Also the lag warning level.
   * @default 5000
   */
  readonly freshnessSlaMs?: number;
  /**
   * Processing-latency SLA: p99 of one batch's processing time, ms.
   * @default - half of freshnessSlaMs
   */
  readonly processingLatencySlaMs?: number;
  /**
   * Error-rate SLA: errors per 100 invocations.
   * @default 1
   */
  readonly errorRateSlaPercent?: number;
  /**
   * Thresholds that replace the derived ones.
   * @default - derived (see resolveThresholds)
   */
  readonly thresholds?: Partial<MonitoringThresholds>;
  /**
   * E-mail address subscribed to the alarm topic (the address must confirm).
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * The deployment's data alerts (resolved, see parseMeasuresConfig): one alarm each on
   * the consumer's `DataAlertValue` metric, and a dashboard row.
   * @default - none
   */
  readonly dataAlerts?: readonly DataAlert[];
  /**
   * The namespace the consumer publishes its metrics to (its POWERTOOLS_METRICS_NAMESPACE).
   * @default METRICS_NAMESPACE
   */
  readonly metricsNamespace?: string;
}

/** The Lambda default timeout, used when a consumer's function does not say. */
const LAMBDA_DEFAULT_TIMEOUT = Duration.seconds(3);

/** Where the runbook entry of an alarm is: docs/monitoring.md has one heading per alarm, named by its metric part. */
function runbookLink(name: string): string {
  return `docs/monitoring.md#${name.toLowerCase()}`;
}

/** What one metric alarm is: everything but the construct plumbing. */
interface AlarmSpec {
  /** Whose alarm: a consumer, `stream`, a table's short name, or `sla`. */
  readonly subject: string;
  /** The metric's name with statistic and unit, plus a severity where there are two. */
  readonly name: string;
  readonly metric: cloudwatch.Metric | cloudwatch.MathExpression;
  readonly threshold: number;
  readonly window: AlarmWindow;
  readonly treatMissingData: cloudwatch.TreatMissingData;
  /** What it means, in one sentence, for the alarm description. */
  readonly meaning: string;
  /** @default GREATER_THAN_THRESHOLD */
  readonly comparisonOperator?: cloudwatch.ComparisonOperator;
  /** The runbook entry the description links to. @default - runbookLink(name) */
  readonly runbook?: string;
}

/**
 * Where streamtally is watched: the alarm topic every alarm notifies (ALARM and OK),
 * the alarms of each concern (consumer lag, stream backpressure, consumer health,
 * DynamoDB, the SLA and a composite "SLA breached"), and the dashboard with one row
 * per concern. Metric definitions live in `monitoring/metrics.ts`, thresholds and
 * evaluation windows in `monitoring/thresholds.ts`; every alarm goes through {@link addAlarm}.
 */
export class Monitoring extends Construct {
  /** Topic every alarm notifies. Encrypted with {@link alarmTopicKey}, SSL only. */
  public readonly alarmTopic: sns.Topic;
  /** Customer-managed key of the alarm topic (CloudWatch cannot publish to topics under the AWS-managed aws/sns key). */
  public readonly alarmTopicKey: kms.Key;
  /** The dashboard `streamtally-<stage>`. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** Every alarm, metric and composite; each notifies {@link alarmTopic}. */
  public readonly alarms: cloudwatch.AlarmBase[] = [];
  /** The thresholds in force. */
  public readonly thresholds: MonitoringThresholds;
  /** The composite alarm over the SLA alarms; absent without consumers. */
  public readonly slaBreachedAlarm?: cloudwatch.CompositeAlarm;

  private readonly stage: string;
  private readonly byConcern = new Map<Concern, cloudwatch.AlarmBase[]>();

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.stage = props.stage;
    this.thresholds = resolveThresholds(
      {
        streamRetention: props.streamRetention ?? Duration.hours(24),
        maxRecordAge: props.maxRecordAge,
        freshnessSlaMs: props.freshnessSlaMs,
        processingLatencySlaMs: props.processingLatencySlaMs,
        errorRateSlaPercent: props.errorRateSlaPercent,
      },
      props.thresholds,
    );

    this.alarmTopicKey = new kms.Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the streamtally alarm topic',
      enableKeyRotation: true,
    });
    this.alarmTopicKey.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `streamtally alarms (${props.stage})`,
      masterKey: this.alarmTopicKey,
      enforceSSL: true,
    });
    if (props.alarmEmail !== undefined) {
      const subscription = this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
      Validations.of(subscription).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason:
          'An e-mail subscription for people: a message SNS could not deliver to a mailbox would sit unread in a dead-letter queue too, ' +
          'and the alarm state it announced stays visible in CloudWatch.',
      });
    }

    const graphs: { [C in Concern]: RowGraph[] } = { lag: [], backpressure: [], consumer: [], dynamodb: [], sla: [], data: [] };
    for (const consumer of props.consumers) this.watchConsumer(props.stream, consumer, graphs);
    this.watchStream(props.stream, graphs);
    for (const [name, table] of Object.entries(props.tables ?? {})) this.watchTable(name, table, graphs);
    for (const alert of props.dataAlerts ?? []) this.watchDataAlert(alert, props.metricsNamespace ?? METRICS_NAMESPACE, graphs);

    // ─── The SLA as one alarm ──────────────────────────────────────────────
    const slaAlarms = this.alarmsOf(Concern.sla);
    if (slaAlarms.length > 0) {
      this.slaBreachedAlarm = new cloudwatch.CompositeAlarm(this, 'SlaBreached', {
        compositeAlarmName: this.alarmName('sla', 'breached'),
        alarmDescription:
          'SLA breached: at least one consumer misses the freshness, processing-latency or error-rate target. ' +
          'The alarms under it say which. Runbook: ' +
          runbookLink('sla-breached'),
        alarmRule: cloudwatch.AlarmRule.anyOf(
          ...slaAlarms.map((alarm) => cloudwatch.AlarmRule.fromAlarm(alarm, cloudwatch.AlarmState.ALARM)),
        ),
      });
      this.addAlarm(this.slaBreachedAlarm, Concern.sla);
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `streamtally-${props.stage}`,
      defaultInterval: Duration.hours(3),
    });
    for (const concern of Object.values(Concern)) {
      // Data alerts are the deployment's own: no row when none are declared.
      if (concern === Concern.data && this.alarmsOf(concern).length === 0) continue;
      this.dashboard.addWidgets(dashboardRow(CONCERN_TITLES[concern], this.alarmsOf(concern), graphs[concern]));
    }
  }

  /** Sends the alarm's ALARM and OK transitions to the alarm topic and files it under its concern. */
  public addAlarm(alarm: cloudwatch.AlarmBase, concern: Concern): void {
    const action = new cloudwatchActions.SnsAction(this.alarmTopic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
    this.byConcern.set(concern, [...this.alarmsOf(concern), alarm]);
  }

  /** The alarms of one concern, in the order they were added. */
  public alarmsOf(concern: Concern): cloudwatch.AlarmBase[] {
    return this.byConcern.get(concern) ?? [];
  }

  private watchConsumer(stream: kinesis.IStream, consumer: MonitoredConsumer, graphs: { [C in Concern]: RowGraph[] }): void {
    const t = this.thresholds;
    const { fn, consumerName: subject } = consumer;
    const { sustained, anyOccurrence } = AlarmWindows;

    // ─── Consumer lag ──────────────────────────────────────────────────────
    // IteratorAge exists only while Lambda invokes the function. Missing data is an idle
    // stream (the last state was OK once the consumer caught up) or a consumer no longer
    // invoked (mapping disabled, no concurrency) while records wait: an ALARM must not clear
    // itself then, hence IGNORE.
    this.metricAlarm(Concern.lag, {
      subject,
      name: 'maxIteratorAgeMs-warning',
      metric: consumerFunctionMetrics.maxIteratorAgeMs(fn, sustained.period),
      threshold: t.maxIteratorAgeMsWarning,
      window: sustained,
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
      meaning: 'The consumer reads records later than the freshness SLA allows: it is falling behind the stream.',
    });
    this.metricAlarm(Concern.lag, {
      subject,
      name: 'maxIteratorAgeMs-critical',
      metric: consumerFunctionMetrics.maxIteratorAgeMs(fn, sustained.period),
      threshold: t.maxIteratorAgeMsCritical,
      window: sustained,
      // As the warning: a stalled consumer must stay in ALARM.
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
      meaning:
        'The consumer is so far behind that records will soon pass the maximum record age and skip it for the on-failure destination.',
    });
    const lagGraph: RowGraph = {
      title: `${subject} maxIteratorAgeMs`,
      left: [consumerFunctionMetrics.maxIteratorAgeMs(fn, sustained.period).with({ label: `${subject} maxIteratorAgeMs` })],
      leftUnit: 'ms',
      leftAnnotations: [
        { value: t.maxIteratorAgeMsWarning, label: 'warning', color: cloudwatch.Color.ORANGE },
        { value: t.maxIteratorAgeMsCritical, label: 'critical', color: cloudwatch.Color.RED },
      ],
    };
    graphs.lag.push(lagGraph);
    if (consumer.fanOutConsumer) {
      const behind = this.metricAlarm(Concern.lag, {
        subject,
        name: 'maxMillisBehindLatestMs',
        metric: streamMetrics.maxMillisBehindLatestMs(stream, consumer.fanOutConsumer, sustained.period),
        threshold: t.maxMillisBehindLatestMs,
        window: sustained,
        // Pushed with every SubscribeToShard event, also when idle; missing means the
        // subscription is down, which must not clear an ALARM.
        treatMissingData: cloudwatch.TreatMissingData.IGNORE,
        meaning: 'The enhanced fan-out consumer trails the tip of the stream by more than the freshness SLA.',
      });
      graphs.lag.push({ title: `${subject} maxMillisBehindLatestMs`, left: [behind.metric], leftUnit: 'ms' });
    }

    // ─── Consumer health ───────────────────────────────────────────────────
    // Lambda publishes Errors and Throttles with every invocation, zeros included:
    // missing data means no invocation, so nothing failed.
    const errors = this.metricAlarm(Concern.consumer, {
      subject,
      name: 'errorCount',
      metric: consumerFunctionMetrics.errorCount(fn, sustained.period),
      threshold: t.errorCount,
      window: sustained,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      meaning: 'The consumer function keeps failing (a bug or an unreachable dependency); Lambda retries and bisects, the shard waits.',
    });
    const throttles = this.metricAlarm(Concern.consumer, {
      subject,
      name: 'throttleCount',
      metric: consumerFunctionMetrics.throttleCount(fn, sustained.period),
      threshold: t.throttleCount,
      window: sustained,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      meaning: 'Lambda keeps refusing to run the consumer for lack of concurrency; batches wait.',
    });
    const timeout = fn instanceof lambda.Function ? (fn.timeout ?? LAMBDA_DEFAULT_TIMEOUT) : LAMBDA_DEFAULT_TIMEOUT;
    const p99DurationMs = Math.floor((timeout.toMilliseconds() * t.p99DurationPercentOfTimeout) / 100);
    const duration = this.metricAlarm(Concern.consumer, {
      subject,
      name: 'p99DurationMs',
      metric: consumerFunctionMetrics.p99DurationMs(fn, sustained.period),
      threshold: p99DurationMs,
      window: sustained,
      // No invocation, no duration: nothing ran slowly.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      meaning: `Invocations take more than ${t.p99DurationPercentOfTimeout} % of the ${timeout.toHumanString()} timeout; a timed-out batch is retried whole.`,
    });
    // The consumer publishes RecordsQuarantined with every batch (zero included):
    // missing data means no batch, so nothing was quarantined.
    const quarantined = this.metricAlarm(Concern.consumer, {
      subject,
      name: 'quarantinedRecordCount',
      metric: consumerEmfMetrics.quarantinedRecordCount(subject, anyOccurrence.period),
      threshold: t.quarantinedRecordCount,
      window: anyOccurrence,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      meaning: 'Records were quarantined (invalid, late or future): data that needs a person.',
    });
    const consumerGraphs: RowGraph[] = [
      { title: `${subject} errors and throttles (count)`, left: [errors.metric], right: [throttles.metric] },
      {
        title: `${subject} p99DurationMs`,
        left: [duration.metric],
        leftUnit: 'ms',
        leftAnnotations: [{ value: p99DurationMs, label: 'alarm' }],
      },
    ];
    const setAside: cloudwatch.IMetric[] = [quarantined.metric];
    if (consumer.eventSourceMapping) {
      enableEventCountMetrics(consumer.eventSourceMapping);
      // There is no Lambda metric per function for records sent to an on-failure destination
      // (DestinationDeliveryFailures counts failed deliveries only); the mapping's own
      // EventCount metrics count them, per mapping. Published only when non-zero.
      const mappingUuid = consumer.eventSourceMapping.eventSourceMappingId;
      const onFailure = this.metricAlarm(Concern.consumer, {
        subject,
        name: 'onFailureRecordCount',
        metric: eventSourceMappingMetrics.onFailureRecordCount(mappingUuid, anyOccurrence.period),
        threshold: t.onFailureRecordCount,
        window: anyOccurrence,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        meaning:
          'Lambda gave up on records (retries exhausted or older than the maximum record age) and wrote them to the on-failure destination: they are not aggregated.',
      });
      const dropped = this.metricAlarm(Concern.consumer, {
        subject,
        name: 'droppedRecordCount',
        metric: eventSourceMappingMetrics.droppedRecordCount(mappingUuid, anyOccurrence.period),
        threshold: t.droppedRecordCount,
        window: anyOccurrence,
        // Published only when records are dropped.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        meaning: 'Lambda gave up on records and could not write them to the on-failure destination either: they are lost to the pipeline.',
      });
      setAside.push(onFailure.metric, dropped.metric);
    }
    consumerGraphs.push({ title: `${subject} records set aside (count)`, left: setAside });
    graphs.consumer.push(...consumerGraphs);

    // ─── The SLA ───────────────────────────────────────────────────────────
    // No batch, no freshness sample: an idle stream is not late. A consumer stuck while
    // records wait shows in the lag alarms, which ignore missing data.
    const freshness = this.metricAlarm(Concern.sla, {
      subject,
      name: 'p99FreshnessMs',
      metric: consumerEmfMetrics.p99FreshnessMs(subject, sustained.period),
      threshold: t.p99FreshnessMs,
      window: sustained,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      meaning: 'Events reach their aggregates later than the freshness SLA (p99 of commit time minus event time).',
    });
    const processing = this.metricAlarm(Concern.sla, {
      subject,
      name: 'p99BatchProcessingMs',
      metric: consumerEmfMetrics.p99BatchProcessingMs(subject, sustained.period),
      threshold: t.p99BatchProcessingMs,
      window: sustained,
      // No batch, nothing processed slowly.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      meaning: 'Processing one batch takes longer than the processing-latency SLA (p99).',
    });
    const errorRate = this.metricAlarm(Concern.sla, {
      subject,
      name: 'errorRatePercent',
      metric: consumerFunctionMetrics.errorRatePercent(fn, sustained.period),
      threshold: t.errorRatePercent,
      window: sustained,
      // No invocation, no rate (the expression has no value): nothing failed.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      meaning: 'More consumer invocations fail than the error-rate SLA allows.',
    });
    graphs.sla.push(
      {
        title: `${subject} p99FreshnessMs`,
        // Arrival freshness beside it: when only event freshness is high, producers send old events.
        left: [
          freshness.metric,
          consumerEmfMetrics.p99ArrivalFreshnessMs(subject, sustained.period).with({ label: `${subject} p99ArrivalFreshnessMs` }),
        ],
        leftUnit: 'ms',
        leftAnnotations: [{ value: t.p99FreshnessMs, label: 'SLA' }],
      },
      {
        title: `${subject} p99BatchProcessingMs`,
        left: [processing.metric],
        leftUnit: 'ms',
        leftAnnotations: [{ value: t.p99BatchProcessingMs, label: 'SLA' }],
      },
      {
        title: `${subject} errorRatePercent`,
        left: [errorRate.metric],
        leftUnit: '%',
        leftAnnotations: [{ value: t.errorRatePercent, label: 'SLA' }],
      },
    );
  }

  private watchStream(stream: kinesis.IStream, graphs: { [C in Concern]: RowGraph[] }): void {
    const t = this.thresholds;
    const { sustained } = AlarmWindows;
    const subject = 'stream';
    // Kinesis publishes these stream metrics only while it serves reads or writes:
    // missing data is a quiet stream, where nothing was throttled or failed.
    const quiet = cloudwatch.TreatMissingData.NOT_BREACHING;
    const read = this.metricAlarm(Concern.backpressure, {
      subject,
      name: 'readThrottleCount',
      metric: streamMetrics.readThrottleCount(stream, sustained.period),
      threshold: t.readThrottleCount,
      window: sustained,
      treatMissingData: quiet,
      meaning: 'Reads from the stream keep being throttled: its consumers together need more than 2 MB/s or 5 reads/s per shard.',
    });
    const write = this.metricAlarm(Concern.backpressure, {
      subject,
      name: 'writeThrottleCount',
      metric: streamMetrics.writeThrottleCount(stream, sustained.period),
      threshold: t.writeThrottleCount,
      window: sustained,
      treatMissingData: quiet,
      meaning: 'Producers keep being throttled: they write more than 1 MB/s or 1,000 records/s per shard.',
    });
    const failed = this.metricAlarm(Concern.backpressure, {
      subject,
      name: 'putRecordsFailedRecordCount',
      metric: streamMetrics.putRecordsFailedRecordCount(stream, sustained.period),
      threshold: t.putRecordsFailedRecordCount,
      window: sustained,
      treatMissingData: quiet,
      meaning: 'PutRecords keeps rejecting records for internal failures; producers must retry them.',
    });
    const throttled = this.metricAlarm(Concern.backpressure, {
      subject,
      name: 'putRecordsThrottledRecordCount',
      metric: streamMetrics.putRecordsThrottledRecordCount(stream, sustained.period),
      threshold: t.putRecordsThrottledRecordCount,
      window: sustained,
      treatMissingData: quiet,
      meaning: 'PutRecords keeps rejecting records for throttling; producers must retry them.',
    });
    graphs.lag.push({
      title: 'stream maxGetRecordsIteratorAgeMs',
      left: [streamMetrics.maxGetRecordsIteratorAgeMs(stream, sustained.period).with({ label: 'stream maxGetRecordsIteratorAgeMs' })],
      leftUnit: 'ms',
    });
    graphs.backpressure.push(
      {
        title: 'incoming records (count)',
        left: [streamMetrics.incomingRecordCount(stream, sustained.period).with({ label: 'stream incomingRecordCount' })],
      },
      { title: 'read and write throughput exceeded (count)', left: [read.metric, write.metric] },
      { title: 'PutRecords failed and throttled records (count)', left: [failed.metric, throttled.metric] },
    );
  }

  private watchTable(subject: string, table: dynamodb.ITable, graphs: { [C in Concern]: RowGraph[] }): void {
    const t = this.thresholds;
    const { sustained } = AlarmWindows;
    // The expressions FILL every period with 0, so there is no missing data to treat;
    // NOT_BREACHING says what a period without throttling is. (CloudWatch would ignore
    // missing data on an AWS/DynamoDB metric anyway, whatever the setting.)
    const throttled = this.metricAlarm(Concern.dynamodb, {
      subject,
      name: 'throttledRequestCount',
      metric: tableMetrics.throttledRequestCount(table, sustained.period),
      threshold: t.dynamoThrottledRequestCount,
      window: sustained,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      meaning: `DynamoDB keeps throttling the consumer's requests on the ${subject} table; batches are retried and lag grows.`,
    });
    const systemErrors = this.metricAlarm(Concern.dynamodb, {
      subject,
      name: 'systemErrorCount',
      metric: tableMetrics.systemErrorCount(table, sustained.period),
      threshold: t.dynamoSystemErrorCount,
      window: sustained,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      meaning: `DynamoDB keeps answering the consumer's requests on the ${subject} table with internal errors (HTTP 500).`,
    });
    graphs.dynamodb.push({
      title: `${subject} throttled requests and system errors (count)`,
      left: [throttled.metric, systemErrors.metric],
    });
  }

  /**
   * One declared data alert: Maximum of its `DataAlertValue` over the window's length,
   * so that a window's last published value (the cell's final one) is what is compared.
   */
  private watchDataAlert(alert: DataAlert, namespace: string, graphs: { [C in Concern]: RowGraph[] }): void {
    const period = Duration.millis(parseDuration(alert.window));
    const below = alert.comparison === AlertComparison.below;
    const { metric } = this.metricAlarm(Concern.data, {
      subject: 'alert',
      name: alert.name,
      metric: dataAlertMetrics.maxValue(alert.name, period, namespace),
      threshold: alert.threshold,
      window: { period, evaluationPeriods: alert.evaluationPeriods, datapointsToAlarm: alert.evaluationPeriods },
      comparisonOperator: below ? cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD : cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      // The consumer publishes only for windows with events: a window without any is
      // below every positive threshold, and above none.
      treatMissingData: below ? cloudwatch.TreatMissingData.BREACHING : cloudwatch.TreatMissingData.NOT_BREACHING,
      meaning: dataAlertMeaning(alert),
      // Their names are the deployment's: one runbook entry for them all.
      runbook: runbookLink('data-alerts'),
    });
    graphs.data.push({
      title: `${alert.name} (${alert.measure} per ${alert.window})`,
      left: [metric],
      leftAnnotations: [{ value: alert.threshold, label: alert.comparison }],
    });
  }

  /** Creates, wires and files one metric alarm; returns it with its metric labelled for graphs. */
  private metricAlarm(concern: Concern, spec: AlarmSpec): { alarm: cloudwatch.Alarm; metric: cloudwatch.IMetric } {
    const alarmName = this.alarmName(spec.subject, spec.name);
    const alarm = new cloudwatch.Alarm(this, `${spec.subject}-${spec.name}`, {
      alarmName,
      alarmDescription: `${spec.meaning} Runbook: ${spec.runbook ?? runbookLink(spec.name)}`,
      metric: spec.metric,
      threshold: spec.threshold,
      comparisonOperator: spec.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: spec.window.evaluationPeriods,
      datapointsToAlarm: spec.window.datapointsToAlarm,
      treatMissingData: spec.treatMissingData,
    });
    this.addAlarm(alarm, concern);
    return { alarm, metric: spec.metric.with({ label: `${spec.subject} ${spec.name}` }) };
  }

  private alarmName(subject: string, name: string): string {
    return `streamtally-${this.stage}-${subject}-${name}`;
  }
}

/**
 * Switches on the mapping's `EventCount` metrics (OnFailureDestinationDeliveredEventCount,
 * DroppedEventCount, …): the on-failure alarms watch them, so monitoring turns them on.
 */
function enableEventCountMetrics(mapping: lambda.IEventSourceMapping): void {
  const cfn = mapping.node.defaultChild;
  if (!(cfn instanceof lambda.CfnEventSourceMapping)) return;
  const existing = cfn.metricsConfig as lambda.CfnEventSourceMapping.MetricsConfigProperty | undefined;
  const metrics = [...(existing?.metrics ?? [])];
  if (!metrics.includes('EventCount')) metrics.push('EventCount');
  cfn.metricsConfig = { metrics };
}
