import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { AggregatesStore } from './AggregatesStore';
import { DashboardApi } from './DashboardApi';
import { assertExactlyOnce } from './assertExactlyOnce';
import { consumerMeasuresJson, measuresOf } from './config/consumerMeasures';
import { type StreamtallyConfig, StreamModeName } from './config/StreamtallyConfig';
import { EventStream } from './EventStream';
import { Monitoring } from './Monitoring';
import { Quarantine } from './Quarantine';
import { ConsumerEnv, METRICS_NAMESPACE } from '../core';
import { StreamConsumer, type StreamConsumerProps } from './StreamConsumer';

/** The repository root when run from the sources (lib/), `dist/` when compiled (dist/lib/). */
const PROJECT_ROOT = path.resolve(__dirname, '..');
const AGGREGATOR_SOURCE_ENTRY = path.join(PROJECT_ROOT, 'lambdas', 'aggregator', 'handler.ts');
/**
 * The aggregator as `npm run build` bundled it (scripts/buildAssets.ts: the asset a
 * synth from the sources makes), next to the compiled library: a project that
 * installs the package has no TypeScript sources to bundle and maybe no esbuild,
 * so the compiled library deploys this instead (see {@link aggregatorCode}).
 */
export const AGGREGATOR_BUNDLE_DIR = path.join(PROJECT_ROOT, 'assets', 'aggregator');

/** Properties of a {@link StreamtallyStack}. */
export interface StreamtallyStackProps extends StackProps {
  /**
   * The resolved configuration (see `configFromContext` / `resolveConfig`). With
   * `stream`, `retentionHours` must state that stream's retention (the maximum record
   * age is checked against it) and `streamMode` and `shardCount` are not used.
   */
  readonly config: StreamtallyConfig;
  /**
   * An existing stream to aggregate instead of a new {@link EventStream}: one another
   * stack of the app creates (a cross-stack reference), or one imported into a stack
   * of the app with `kinesis.Stream.fromStreamArn` (`fromStreamAttributes` with its
   * `encryptionKey` when it is KMS-encrypted, so that the consumer may decrypt).
   * @default - a new encrypted stream from `config`
   */
  readonly stream?: kinesis.IStream;
  /**
   * Entry file of the aggregator handler, bundled with the local esbuild at synth.
   * @default - the handler's TypeScript when run from the sources, else the bundle shipped with the compiled library
   */
  readonly aggregatorEntry?: string;
}

/**
 * The whole of streamtally: the event stream, the aggregator consumer writing exact
 * event-time window aggregates to DynamoDB, the quarantine, and monitoring.
 * Refuses settings that would break exactly-once aggregation.
 */
export class StreamtallyStack extends Stack {
  /** The Kinesis stream producers write to: the new one, or the `stream` given. */
  public readonly stream: kinesis.IStream;
  /** The stream this stack created; undefined when it was given an existing `stream`. */
  public readonly eventStream?: EventStream;
  /** The aggregates and checkpoint tables. */
  public readonly store: AggregatesStore;
  /** The quarantine bucket. */
  public readonly quarantine: Quarantine;
  /** The aggregator consumer. */
  public readonly aggregator: StreamConsumer;
  /** The alarm topic and dashboard. */
  public readonly monitoring: Monitoring;
  /** The dashboard's HTTP API, when `dashboardApi` is on. */
  public readonly dashboardApi?: DashboardApi;

  constructor(scope: Construct, id: string, props: StreamtallyStackProps) {
    super(scope, id, {
      description: 'streamtally: Kinesis -> Lambda -> DynamoDB exact event-time window aggregates',
      ...props,
    });
    const { config } = props;
    assertExactlyOnce(config);

    const provisioned = config.streamMode === StreamModeName.provisioned;
    const retention = Duration.hours(config.retentionHours);
    this.eventStream = props.stream
      ? undefined
      : new EventStream(this, 'EventStream', {
          retention,
          streamMode: provisioned ? kinesis.StreamMode.PROVISIONED : kinesis.StreamMode.ON_DEMAND,
          shardCount: provisioned ? config.shardCount : undefined,
        });
    this.stream = props.stream ?? this.eventStream!.stream;
    this.store = new AggregatesStore(this, 'AggregatesStore');
    this.quarantine = new Quarantine(this, 'Quarantine', {
      expiration: Duration.days(config.quarantineExpirationDays),
    });

    const consumerName = 'aggregator';
    // Also checked by resolveConfig; again here for a config built by hand.
    const measures = measuresOf(config);
    const measuresJson = consumerMeasuresJson(config);
    // One namespace for what the consumer publishes and what its alarms watch.
    const metricsNamespace = METRICS_NAMESPACE;
    const maxRecordAge = config.maxRecordAgeHours === -1 ? 'unlimited' : Duration.seconds(Math.round(config.maxRecordAgeHours * 3600));
    this.aggregator = new StreamConsumer(this, 'Aggregator', {
      consumerName,
      stream: this.eventStream ?? this.stream,
      streamRetention: retention,
      ...aggregatorCode(props.aggregatorEntry),
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
        [ConsumerEnv.pageBudgetBytes]: String(config.pageBudgetBytes),
        // Absent when nothing is declared: the consumer then keeps count, sum, min and max only.
        ...(measuresJson === undefined ? {} : { [ConsumerEnv.measures]: measuresJson }),
        POWERTOOLS_SERVICE_NAME: consumerName,
        [ConsumerEnv.metricsNamespace]: metricsNamespace,
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
      stream: this.stream,
      streamRetention: retention,
      consumers: [this.aggregator],
      tables: { aggregates: this.store.aggregatesTable, checkpoints: this.store.checkpointTable },
      maxRecordAge,
      freshnessSlaMs: config.freshnessSlaMs,
      processingLatencySlaMs: config.processingLatencySlaMs,
      errorRateSlaPercent: config.errorRateSlaPercent,
      alarmEmail: config.alarmEmail,
      dataAlerts: measures.alerts,
      metricsNamespace,
    });

    // docs/contract.md §4: the localstack and aws targets find their resources by these names.
    const outputs: Record<string, { value: string; description: string }> = {
      StreamName: { value: this.stream.streamName, description: 'Kinesis stream producers write to' },
      StreamArn: { value: this.stream.streamArn, description: 'ARN of the Kinesis stream' },
      AggregatesTableName: { value: this.store.aggregatesTable.tableName, description: 'DynamoDB table of window aggregates' },
      CheckpointTableName: {
        value: this.store.checkpointTable.tableName,
        description: 'DynamoDB table of consumer checkpoints and producer-id claims',
      },
      QuarantineName: { value: this.quarantine.bucket.bucketName, description: 'S3 bucket of quarantined records and failed batches' },
      AlarmTopicArn: { value: this.monitoring.alarmTopic.topicArn, description: 'SNS topic every alarm notifies' },
      DashboardName: { value: this.monitoring.dashboard.dashboardName, description: 'CloudWatch dashboard' },
    };
    if (config.dashboardApi) {
      this.dashboardApi = new DashboardApi(this, 'DashboardApi', {
        stage: config.stage,
        stream: this.stream,
        store: this.store,
        quarantine: this.quarantine,
        consumerNames: [consumerName],
        eventTypes: config.dashboardApiEventTypes.split(',').filter((type) => type !== ''),
        monitoring: this.monitoring,
      });
      outputs.DashboardApiUrl = {
        value: this.dashboardApi.url,
        description: 'Base URL of the dashboard HTTP API (IAM auth; endpoints under api/)',
      };
    }
    for (const [id, output] of Object.entries(outputs)) new CfnOutput(this, id, output);
  }
}

/**
 * Where the aggregator's code comes from. From the sources (this repository), its
 * TypeScript is bundled at synth, so a change to the handler needs no build step.
 * Compiled (dist/lib, what `npm pack` ships) there is no TypeScript next to it, and
 * the bundle built with it is deployed as it is: the same bundle, made by the same
 * NodejsFunction settings, so both synthesize the same function.
 */
function aggregatorCode(entry: string | undefined): Pick<StreamConsumerProps, 'entry' | 'code' | 'projectRoot' | 'depsLockFilePath'> {
  if (existsSync(AGGREGATOR_SOURCE_ENTRY)) {
    return {
      entry: entry ?? AGGREGATOR_SOURCE_ENTRY,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
    };
  }
  // Compiled, with the caller's own handler: NodejsFunction finds its project from the working directory.
  if (entry !== undefined) return { entry };
  if (!existsSync(path.join(AGGREGATOR_BUNDLE_DIR, 'index.js'))) {
    throw new Error(`StreamtallyStack: the aggregator bundle ${AGGREGATOR_BUNDLE_DIR} is missing: run \`npm run build\` in streamtally`);
  }
  return { code: lambda.Code.fromAsset(AGGREGATOR_BUNDLE_DIR) };
}
