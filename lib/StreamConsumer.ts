import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { EventStream } from './EventStream';
import type { Quarantine } from './Quarantine';
import { METRICS_NAMESPACE } from '../core';
import { QuarantineOnFailureDestination } from './QuarantineOnFailureDestination';

/** The CloudWatch namespace of every metric streamtally's functions emit (core/metricNames.ts). */
export { METRICS_NAMESPACE };

/** Properties of a {@link StreamConsumer}. */
export interface StreamConsumerProps {
  /**
   * The consumer's name. It is also its checkpoint namespace: like a Kafka consumer
   * group, each consumer keeps its own per-shard offsets. Passed as CONSUMER_NAME.
   */
  readonly consumerName: string;
  /**
   * The stream to read. An {@link EventStream} also supplies its retention and
   * counts the consumers sharing its throughput.
   */
  readonly stream: EventStream | kinesis.IStream;
  /**
   * Retention of a plain `IStream` (an {@link EventStream} knows its own); the
   * maximum record age must stay below it.
   * @default Duration.hours(24), the Kinesis minimum
   */
  readonly streamRetention?: Duration;

  /**
   * Path of the handler's TypeScript entry file, bundled at synth with the local
   * esbuild (a NodejsFunction). Exactly one of `entry` and `code` is given.
   * @default - none; `code` is required then
   */
  readonly entry?: string;
  /**
   * Code already bundled, e.g. `lambda.Code.fromAsset(dir)`: no bundling at synth,
   * no esbuild needed. Exactly one of `entry` and `code` is given.
   * @default - none; `entry` is required then
   */
  readonly code?: lambda.Code;
  /**
   * With `entry`, the exported name of the handler function in it; with `code`,
   * the Lambda handler string (`file.export`).
   * @default 'handler' with `entry`, 'index.handler' with `code`
   */
  readonly handler?: string;
  /**
   * The project root (holds package.json and the lock file) for bundling `entry`.
   * @default - the directory of `depsLockFilePath`, else found from the working directory
   */
  readonly projectRoot?: string;
  /**
   * The lock file that pins the dependencies bundled from `entry`.
   * @default - found from the working directory upwards
   */
  readonly depsLockFilePath?: string;
  /**
   * Environment of the function. CONSUMER_NAME, POWERTOOLS_SERVICE_NAME,
   * POWERTOOLS_METRICS_NAMESPACE and NODE_OPTIONS (`--enable-source-maps`) are added;
   * all but CONSUMER_NAME may be overridden here.
   * @default - none besides those
   */
  readonly environment?: { readonly [name: string]: string };
  /**
   * Memory of the function, MB.
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Time limit of one invocation.
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;
  /**
   * How long the function's logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Where in the stream a new mapping starts. TRIM_HORIZON reads everything the stream
   * still holds, so nothing produced before the deployment is skipped.
   * @default lambda.StartingPosition.TRIM_HORIZON
   */
  readonly startingPosition?: lambda.StartingPosition;
  /**
   * Start time (Unix seconds) when `startingPosition` is AT_TIMESTAMP.
   * @default - none
   */
  readonly startingPositionTimestamp?: number;
  /**
   * Most records per invocation (1–10000).
   * @default 500
   */
  readonly batchSize?: number;
  /**
   * How long Lambda gathers records before invoking (0–300 s).
   * @default Duration.seconds(1)
   */
  readonly maxBatchingWindow?: Duration;
  /**
   * Concurrent batches per shard (1–10). Above 1, Lambda keeps order per partition key
   * only, not per shard.
   * @default 1
   */
  readonly parallelizationFactor?: number;
  /**
   * Split a failing batch in two and retry the halves, isolating a poison record.
   * @default true
   */
  readonly bisectBatchOnError?: boolean;
  /**
   * Retries of a failing batch before it goes to the on-failure destination
   * (-1: until the records are too old or expire).
   * @default 10
   */
  readonly retryAttempts?: number;
  /**
   * Records older than this skip the function and go to the on-failure destination.
   * Must be shorter than the stream's retention, or records expire unseen;
   * `'unlimited'` retries them until they expire.
   * @default - a quarter of the stream's retention, at most 7 days
   */
  readonly maxRecordAge?: Duration | 'unlimited';
  /**
   * The function reports the records it failed on (`batchItemFailures`), and Lambda
   * retries from the first of them instead of the whole batch.
   * @default true
   */
  readonly reportBatchItemFailures?: boolean;
  /**
   * Where failed batches go (an SQS queue, SNS topic or S3 bucket destination).
   * @default - the quarantine bucket (see `quarantine`), under `aws/lambda/`
   */
  readonly onFailure?: lambda.IEventSourceDlq;
  /**
   * The quarantine the default on-failure destination writes to; required unless
   * `onFailure` is given.
   * @default - none
   */
  readonly quarantine?: Quarantine;
  /**
   * Read through an enhanced fan-out consumer of this name (own 2 MB/s per shard, pushed)
   * instead of polling with shared throughput. Needs an {@link EventStream} or `fanOutConsumer`.
   * @default false
   */
  readonly enhancedFanOut?: boolean;
  /**
   * An existing enhanced fan-out consumer to read through; implies `enhancedFanOut`.
   * @default - none
   */
  readonly fanOutConsumer?: kinesis.IStreamConsumer;
  /**
   * Whether the mapping polls. Disable it to stop consuming without losing the offsets.
   * @default true
   */
  readonly enabled?: boolean;
}

const MAX_RECORD_AGE_LIMIT = Duration.days(7);

/**
 * A Lambda function fed by a Kinesis event source mapping, with operational safety
 * on by default: bisect on error, partial batch responses, bounded retries, a maximum
 * record age below the retention, and an on-failure destination. It never uses
 * Lambda's tumbling windows: windows are event-time windows kept by the consumer.
 */
export class StreamConsumer extends Construct {
  /** The consumer's name, also its checkpoint namespace. */
  public readonly consumerName: string;
  /** The consuming function (a NodejsFunction when built from `entry`). */
  public readonly fn: lambda.Function;
  /** The function's execution role. */
  public readonly role: iam.Role;
  /** The function's log group. */
  public readonly logGroup: logs.LogGroup;
  /** The Kinesis event source mapping. */
  public readonly eventSourceMapping: lambda.EventSourceMapping;
  /** Where failed batches go. */
  public readonly onFailureDestination: lambda.IEventSourceDlq;
  /** The enhanced fan-out consumer the mapping reads through, if any. */
  public readonly fanOutConsumer?: kinesis.IStreamConsumer;

  constructor(scope: Construct, id: string, props: StreamConsumerProps) {
    super(scope, id);
    this.consumerName = props.consumerName;
    const where = `StreamConsumer "${props.consumerName}"`;
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(props.consumerName)) {
      throw new Error(`${where}: the name must be 1–64 letters, digits, '.', '_' or '-'`);
    }
    const eventStream = props.stream instanceof EventStream ? props.stream : undefined;
    const stream = eventStream ? eventStream.stream : (props.stream as kinesis.IStream);
    const retention = eventStream ? eventStream.retention : (props.streamRetention ?? Duration.hours(24));

    const maxRecordAge = props.maxRecordAge ?? defaultMaxRecordAge(retention);
    if (maxRecordAge !== 'unlimited' && maxRecordAge.toSeconds() >= retention.toSeconds()) {
      throw new Error(
        `${where}: maxRecordAge (${maxRecordAge.toHumanString()}) must be shorter than the stream's retention (${retention.toHumanString()}); ` +
          'otherwise records expire before they reach the on-failure destination: lower maxRecordAge or raise the retention',
      );
    }
    const retryAttempts = props.retryAttempts ?? 10;
    if (retryAttempts === -1 && maxRecordAge === 'unlimited') {
      throw new Error(
        `${where}: retryAttempts -1 with an unlimited maxRecordAge lets one poison batch block its shard until the records expire: bound one of them`,
      );
    }
    if (props.onFailure === undefined && props.quarantine === undefined) {
      throw new Error(`${where}: failed batches need a destination: pass quarantine (the default S3 destination) or onFailure`);
    }
    if ((props.entry === undefined) === (props.code === undefined)) {
      throw new Error(`${where}: give exactly one of entry (TypeScript bundled at synth) and code (already bundled)`);
    }
    const givenName = props.environment?.CONSUMER_NAME;
    if (givenName !== undefined && givenName !== props.consumerName) {
      throw new Error(`${where}: CONSUMER_NAME is set from consumerName; leave it out of environment`);
    }

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    // An explicit role with an inline logs grant on this log group only, instead of
    // the AWSLambdaBasicExecutionRole managed policy (logs on every group).
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `streamtally consumer ${props.consumerName}`,
    });
    this.logGroup.grantWrite(this.role);

    const functionProps = {
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(60),
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      role: this.role,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.consumerName,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        // Stack traces point into the TypeScript sources through the bundled source map.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
        CONSUMER_NAME: props.consumerName,
      },
    } satisfies Partial<lambda.FunctionProps>;
    this.fn = props.code
      ? new lambda.Function(this, 'Function', { ...functionProps, code: props.code, handler: props.handler ?? 'index.handler' })
      : new nodejs.NodejsFunction(this, 'Function', {
          ...functionProps,
          entry: props.entry,
          handler: props.handler ?? 'handler',
          projectRoot: props.projectRoot,
          depsLockFilePath: props.depsLockFilePath,
          bundling: {
            forceDockerBundling: false,
            minify: true,
            sourceMap: true,
            sourcesContent: false,
            target: 'node22',
            // The SDK is bundled at the locked version instead of relying on the runtime's copy.
            bundleAwsSDK: true,
            externalModules: [],
          },
        });

    const useFanOut = props.enhancedFanOut === true || props.fanOutConsumer !== undefined;
    let eventSourceArn: string;
    if (useFanOut) {
      if (props.fanOutConsumer) {
        this.fanOutConsumer = props.fanOutConsumer;
      } else if (eventStream) {
        this.fanOutConsumer = eventStream.addFanOutConsumer(props.consumerName);
      } else {
        this.fanOutConsumer = new kinesis.StreamConsumer(this, 'FanOut', { streamConsumerName: props.consumerName, stream });
      }
      this.fanOutConsumer.grantRead(this.fn);
      eventSourceArn = this.fanOutConsumer.streamConsumerArn;
    } else {
      eventStream?.registerSharedConsumer(props.consumerName);
      stream.grantRead(this.fn);
      eventSourceArn = stream.streamArn;
    }

    this.onFailureDestination = props.onFailure ?? new QuarantineOnFailureDestination(props.quarantine as Quarantine);
    this.eventSourceMapping = new lambda.EventSourceMapping(this, 'EventSourceMapping', {
      target: this.fn,
      eventSourceArn,
      startingPosition: props.startingPosition ?? lambda.StartingPosition.TRIM_HORIZON,
      startingPositionTimestamp: props.startingPositionTimestamp,
      batchSize: props.batchSize ?? 500,
      maxBatchingWindow: props.maxBatchingWindow ?? Duration.seconds(1),
      parallelizationFactor: props.parallelizationFactor ?? 1,
      bisectBatchOnError: props.bisectBatchOnError ?? true,
      retryAttempts,
      maxRecordAge: maxRecordAge === 'unlimited' ? undefined : maxRecordAge,
      reportBatchItemFailures: props.reportBatchItemFailures ?? true,
      onFailure: this.onFailureDestination,
      enabled: props.enabled ?? true,
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only X-Ray (xray:PutTraceSegments, xray:PutTelemetryRecords, added by active tracing) has Resource *: X-Ray has no resource-level permissions. ' +
        'No data action does (test/infra/StreamtallyStack.test.ts asserts it).',
    });
    for (const id of ['AwsSolutions-L1', 'Serverless-LambdaLatestVersion']) {
      Validations.of(this.fn).acknowledge({
        id,
        reason:
          'Node.js 22 is the runtime streamtally targets, bundles for (esbuild target node22) and tests; moving to a newer runtime is a deliberate, tested change.',
      });
    }
    Validations.of(this.fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'The function is invoked synchronously by its Kinesis event source mapping, never asynchronously, so a function DLQ would never receive anything; ' +
        "failed batches go to the mapping's on-failure destination instead.",
    });
    if (maxRecordAge === 'unlimited') {
      // Said explicitly rather than left to the service default (also -1).
      (this.eventSourceMapping.node.defaultChild as lambda.CfnEventSourceMapping).addPropertyOverride('MaximumRecordAgeInSeconds', -1);
    }
    // The mapping must not start polling before the function may read the stream.
    if (this.role.node.tryFindChild('DefaultPolicy')) {
      this.eventSourceMapping.node.addDependency(this.role.node.findChild('DefaultPolicy'));
    }
  }
}

function defaultMaxRecordAge(retention: Duration): Duration {
  const quarter = Duration.seconds(Math.floor(retention.toSeconds() / 4));
  return quarter.toSeconds() > MAX_RECORD_AGE_LIMIT.toSeconds() ? MAX_RECORD_AGE_LIMIT : quarter;
}
