import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/** A consumer as the dashboard shows it (a {@link StreamConsumer} is one). */
export interface MonitoredConsumer {
  /** Name shown in widget legends. */
  readonly consumerName: string;
  /** The consuming function. */
  readonly fn: lambda.IFunction;
}

/** Properties of a {@link Monitoring}. */
export interface MonitoringProps {
  /** Deployment stage; the dashboard is named `streamtally-<stage>`. */
  readonly stage: string;
  /** The event stream. */
  readonly stream: kinesis.IStream;
  /** The stream's consumers. */
  readonly consumers: readonly MonitoredConsumer[];
  /**
   * E-mail address subscribed to the alarm topic (the address must confirm).
   * @default - no subscription
   */
  readonly alarmEmail?: string;
}

/**
 * Where streamtally is watched: the alarm topic every alarm notifies, and the
 * dashboard. Alarms are added in the marked section below.
 */
export class Monitoring extends Construct {
  /** Topic every alarm notifies. Encrypted with {@link alarmTopicKey}, SSL only. */
  public readonly alarmTopic: sns.Topic;
  /** Customer-managed key of the alarm topic (CloudWatch cannot publish to topics under the AWS-managed aws/sns key). */
  public readonly alarmTopicKey: kms.Key;
  /** The dashboard `streamtally-<stage>`. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** The alarms that notify {@link alarmTopic}. */
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);

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

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `streamtally-${props.stage}`,
      defaultInterval: Duration.hours(3),
    });
    const period = Duration.minutes(1);
    const perConsumer = (metricName: string, statistic: string) =>
      props.consumers.map((c) => c.fn.metric(metricName, { statistic, period, label: c.consumerName }));

    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Consumer lag: maxIteratorAgeMs',
        left: perConsumer('IteratorAge', cloudwatch.Stats.MAXIMUM),
        leftYAxis: { label: 'ms', min: 0, showUnits: false },
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Consumer errors and throttles (count)',
        left: perConsumer('Errors', cloudwatch.Stats.SUM),
        right: perConsumer('Throttles', cloudwatch.Stats.SUM),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Consumer duration: p99DurationMs',
        left: perConsumer('Duration', cloudwatch.Stats.p(99)),
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Stream incoming records (count)',
        left: [props.stream.metricIncomingRecords({ statistic: cloudwatch.Stats.SUM, period })],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Stream throttling (count)',
        left: [
          props.stream.metricWriteProvisionedThroughputExceeded({ statistic: cloudwatch.Stats.SUM, period, label: 'write throughput exceeded' }),
          props.stream.metricReadProvisionedThroughputExceeded({ statistic: cloudwatch.Stats.SUM, period, label: 'read throughput exceeded' }),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Stream read lag: maxGetRecordsIteratorAgeMs',
        left: [props.stream.metricGetRecordsIteratorAgeMilliseconds({ statistic: cloudwatch.Stats.MAXIMUM, period })],
        width: 8,
      }),
    );

    // ─── Alarms ───────────────────────────────────────────────────────────────
    // Consumer lag (IteratorAge), stream throttling, DynamoDB throttling and the
    // SLA alarms go here (a later issue). Metric definitions and thresholds live
    // in their own files; every alarm names its resource and goes through addAlarm.
  }

  /** Sends the alarm's ALARM and OK transitions to the alarm topic. */
  public addAlarm(alarm: cloudwatch.Alarm): void {
    const action = new cloudwatchActions.SnsAction(this.alarmTopic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
  }
}
