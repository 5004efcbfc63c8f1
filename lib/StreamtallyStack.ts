import * as path from 'node:path';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type { Construct } from 'constructs';
import { AggregatesStore } from './AggregatesStore';
import { assertExactlyOnce } from './assertExactlyOnce';
import { type StreamtallyConfig, StreamModeName } from './config/StreamtallyConfig';
import { EventStream } from './EventStream';
import { Monitoring } from './Monitoring';
import { Quarantine } from './Quarantine';
import { ConsumerEnv, METRICS_NAMESPACE } from '../core';
import { StreamConsumer } from './StreamConsumer';

const PROJECT_ROOT = path.resolve(__dirname, '..');

/** Properties of a {@link StreamtallyStack}. */
export interface StreamtallyStackProps extends StackProps {
  /** The resolved configuration (see `configFromContext` / `resolveConfig`). */
  readonly config: StreamtallyConfig;
  /**
   * Entry file of the aggregator handler.
   * @default '<project root>/lambdas/aggregator/handler.ts'
   */
  readonly aggregatorEntry?: string;
}

/**
 * The whole of streamtally: the event stream, the aggregator consumer writing exact
 * event-time window aggregates to DynamoDB, the quarantine, and monitoring.
 * Refuses settings that would break exactly-once aggregation.
 */
export class StreamtallyStack extends Stack {
  /** The Kinesis stream producers write to. */
  public readonly eventStream: EventStream;
  /** The aggregates and checkpoint tables. */
  public readonly store: AggregatesStore;
  /** The quarantine bucket. */
  public readonly quarantine: Quarantine;
  /** The aggregator consumer. */
  public readonly aggregator: StreamConsumer;
  /** The alarm topic and dashboard. */
  public readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: StreamtallyStackProps) {
    super(scope, id, {
      description: 'streamtally: Kinesis -> Lambda -> DynamoDB exact event-time window aggregates',
      ...props,
    });
    const { config } = props;
    assertExactlyOnce(config);

    const provisioned = config.streamMode === StreamModeName.provisioned;
    this.eventStream = new EventStream(this, 'EventStream', {
      retention: Duration.hours(config.retentionHours),
      streamMode: provisioned ? kinesis.StreamMode.PROVISIONED : kinesis.StreamMode.ON_DEMAND,
      shardCount: provisioned ? config.shardCount : undefined,
    });
    this.store = new AggregatesStore(this, 'AggregatesStore');
    this.quarantine = new Quarantine(this, 'Quarantine', {
      expiration: Duration.days(config.quarantineExpirationDays),
    });

    const consumerName = 'aggregator';
    const maxRecordAge = config.maxRecordAgeHours === -1 ? 'unlimited' : Duration.seconds(Math.round(config.maxRecordAgeHours * 3600));
    this.aggregator = new StreamConsumer(this, 'Aggregator', {
      consumerName,
      stream: this.eventStream,
      entry: props.aggregatorEntry ?? path.join(PROJECT_ROOT, 'lambdas', 'aggregator', 'handler.ts'),
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      // The names lambdas/aggregator/config.ts reads (core/environment.ts).
      environment: {
        [ConsumerEnv.aggregatesTable]: this.store.aggregatesTable.tableName,
        [ConsumerEnv.checkpointTable]: this.store.checkpointTable.tableName,
        [ConsumerEnv.quarantineBucket]: this.quarantine.bucket.bucketName,
        [ConsumerEnv.consumerName]: consumerName,
        [ConsumerEnv.windows]: config.windows,
        [ConsumerEnv.allowedLatenessMs]: String(config.allowedLatenessMs),
        [ConsumerEnv.maxClockSkewMs]: String(config.maxClockSkewMs),
        [ConsumerEnv.dedupProducerIds]: String(config.dedupProducerIds),
        [ConsumerEnv.parallelizationFactor]: String(config.parallelizationFactor),
        [ConsumerEnv.topKeysDepth]: String(config.topKeysDepth),
        POWERTOOLS_SERVICE_NAME: consumerName,
        [ConsumerEnv.metricsNamespace]: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
      quarantine: this.quarantine,
      batchSize: config.batchSize,
      maxBatchingWindow: Duration.seconds(config.maxBatchingWindowSeconds),
      parallelizationFactor: config.parallelizationFactor,
      retryAttempts: config.retryAttempts,
      maxRecordAge,
    });
    this.store.grantConsumer(this.aggregator.fn);
    this.quarantine.grantQuarantineWrite(this.aggregator.fn);

    this.monitoring = new Monitoring(this, 'Monitoring', {
      stage: config.stage,
      stream: this.eventStream.stream,
      streamRetention: this.eventStream.retention,
      consumers: [this.aggregator],
      tables: { aggregates: this.store.aggregatesTable, checkpoints: this.store.checkpointTable },
      maxRecordAge,
      freshnessSlaMs: config.freshnessSlaMs,
      processingLatencySlaMs: config.processingLatencySlaMs,
      errorRateSlaPercent: config.errorRateSlaPercent,
      alarmEmail: config.alarmEmail,
    });

    // docs/contract.md §4: the localstack and aws targets find their resources by these names.
    const outputs: Record<string, { value: string; description: string }> = {
      StreamName: { value: this.eventStream.stream.streamName, description: 'Kinesis stream producers write to' },
      StreamArn: { value: this.eventStream.stream.streamArn, description: 'ARN of the Kinesis stream' },
      AggregatesTableName: { value: this.store.aggregatesTable.tableName, description: 'DynamoDB table of window aggregates' },
      CheckpointTableName: { value: this.store.checkpointTable.tableName, description: 'DynamoDB table of consumer checkpoints and producer-id claims' },
      QuarantineName: { value: this.quarantine.bucket.bucketName, description: 'S3 bucket of quarantined records and failed batches' },
      AlarmTopicArn: { value: this.monitoring.alarmTopic.topicArn, description: 'SNS topic every alarm notifies' },
      DashboardName: { value: this.monitoring.dashboard.dashboardName, description: 'CloudWatch dashboard' },
    };
    for (const [id, output] of Object.entries(outputs)) new CfnOutput(this, id, output);
  }
}
