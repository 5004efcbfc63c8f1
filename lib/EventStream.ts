import { Annotations, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Kinesis keeps records at least 24 hours and at most 365 days. */
const MIN_RETENTION_HOURS = 24;
const MAX_RETENTION_HOURS = 8760;
/**
 * Each shard serves 2 MB/s of reads shared by all its polling consumers, and
 * each of them polls about once a second within a limit of 5 GetRecords calls
 * per second per shard; beyond two consumers they start throttling each other.
 */
const MAX_SHARED_CONSUMERS = 2;

/** Properties of an {@link EventStream}. */
export interface EventStreamProps {
  /**
   * How long the stream keeps records (24 hours to 8760 hours). A longer retention
   * lets consumers replay further back.
   * @default Duration.hours(24)
   */
  readonly retention?: Duration;
  /**
   * Provisioned (fixed shards) or on-demand capacity.
   * @default kinesis.StreamMode.PROVISIONED
   */
  readonly streamMode?: kinesis.StreamMode;
  /**
   * Number of shards of a provisioned stream; must be left out for on-demand.
   * @default 1 (provisioned)
   */
  readonly shardCount?: number;
  /**
   * Customer-managed key that encrypts the stream.
   * @default - a new key with yearly rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Enhanced fan-out consumers to register by name; each gets its own 2 MB/s per shard.
   * More can be added with {@link EventStream.addFanOutConsumer}.
   * @default - none
   */
  readonly fanOutConsumerNames?: readonly string[];
  /**
   * Shard-level metrics to enable (enhanced monitoring, billed per shard).
   * @default - none
   */
  readonly shardLevelMetrics?: readonly kinesis.ShardLevelMetrics[];
  /**
   * What happens to the stream and its key when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The Kinesis data stream that producers write events to: KMS-encrypted with a
 * customer-managed key, retention and capacity from configuration, and a count of
 * the consumers that share its read throughput.
 */
export class EventStream extends Construct {
  /** The stream. */
  public readonly stream: kinesis.Stream;
  /** The key that encrypts the stream. */
  public readonly encryptionKey: kms.IKey;
  /** How long the stream keeps records. */
  public readonly retention: Duration;
  /** Enhanced fan-out consumers by name. */
  public readonly fanOutConsumers: ReadonlyMap<string, kinesis.StreamConsumer>;

  private readonly fanOut = new Map<string, kinesis.StreamConsumer>();
  private readonly sharedConsumers: string[] = [];

  constructor(scope: Construct, id: string, props: EventStreamProps = {}) {
    super(scope, id);
    this.retention = props.retention ?? Duration.hours(MIN_RETENTION_HOURS);
    const retentionHours = this.retention.toHours({ integral: false });
    if (!Number.isInteger(retentionHours) || retentionHours < MIN_RETENTION_HOURS || retentionHours > MAX_RETENTION_HOURS) {
      throw new Error(
        `EventStream ${this.node.path}: retention must be a whole number of hours from ${MIN_RETENTION_HOURS} to ${MAX_RETENTION_HOURS}, got ${retentionHours}`,
      );
    }
    const streamMode = props.streamMode ?? kinesis.StreamMode.PROVISIONED;
    if (streamMode === kinesis.StreamMode.ON_DEMAND && props.shardCount !== undefined) {
      throw new Error(`EventStream ${this.node.path}: shardCount applies to provisioned streams only; leave it out for on-demand`);
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: 'Encrypts the streamtally event stream',
        enableKeyRotation: true,
        removalPolicy,
      });
    this.stream = new kinesis.Stream(this, 'Stream', {
      retentionPeriod: this.retention,
      streamMode,
      shardCount: streamMode === kinesis.StreamMode.PROVISIONED ? (props.shardCount ?? 1) : undefined,
      encryption: kinesis.StreamEncryption.KMS,
      encryptionKey: this.encryptionKey,
      shardLevelMetrics: props.shardLevelMetrics ? [...props.shardLevelMetrics] : undefined,
      removalPolicy,
    });
    Validations.of(this.stream).acknowledge({
      id: 'AwsSolutions-KDS3',
      reason:
        'A customer-managed key on purpose: its key policy decides who may decrypt events, it rotates yearly and it can be disabled; ' +
        'its KMS cost is small because Kinesis reuses data keys per producer and consumer.',
    });
    this.fanOutConsumers = this.fanOut;
    for (const name of props.fanOutConsumerNames ?? []) this.addFanOutConsumer(name);
  }

  /**
   * Registers an enhanced fan-out consumer (its own 2 MB/s per shard, pushed over
   * SubscribeToShard), or returns the one already registered under this name.
   */
  public addFanOutConsumer(name: string): kinesis.StreamConsumer {
    const existing = this.fanOut.get(name);
    if (existing) return existing;
    const consumer = new kinesis.StreamConsumer(this, `FanOut-${name}`, {
      streamConsumerName: name,
      stream: this.stream,
    });
    this.fanOut.set(name, consumer);
    return consumer;
  }

  /**
   * Records that a consumer polls the stream with shared throughput. With more
   * than two, the synth warns and recommends enhanced fan-out.
   */
  public registerSharedConsumer(name: string): void {
    if (this.sharedConsumers.includes(name)) {
      throw new Error(`EventStream ${this.node.path}: a shared-throughput consumer named "${name}" is already attached`);
    }
    this.sharedConsumers.push(name);
    if (this.sharedConsumers.length === MAX_SHARED_CONSUMERS + 1) {
      Annotations.of(this).addWarningV2(
        'streamtally:shared-consumers',
        `more than ${MAX_SHARED_CONSUMERS} consumers share this stream's read throughput (${this.sharedConsumers.join(', ')}); ` +
          'above two they throttle each other (2 MB/s and 5 reads/s per shard): give some of them enhanced fan-out (enhancedFanOut: true)',
      );
    }
  }

  /** Names of the consumers that share the stream's read throughput. */
  public get sharedConsumerNames(): readonly string[] {
    return [...this.sharedConsumers];
  }
}
