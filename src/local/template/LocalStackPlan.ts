import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** A Kinesis stream to create locally. */
export interface LocalStreamPlan {
  readonly logicalId: string;
  readonly streamName: string;
  /** The ARN the Kinesis emulator reports for it. */
  readonly streamArn: string;
  /** `PROVISIONED` or `ON_DEMAND`. */
  readonly mode: 'PROVISIONED' | 'ON_DEMAND';
  /**
   * Open shards: the template's `ShardCount` for a provisioned stream. An on-demand stream
   * has {@link ON_DEMAND_LOCAL_SHARDS} locally (the patched kinesalite's count; AWS starts one at
   * 4 and scales it, which nothing here emulates).
   */
  readonly shardCount: number;
  /** `RetentionPeriodHours`, 24 when the template leaves it out. */
  readonly retentionHours: number;
}

/** A DynamoDB table to create locally. */
export interface LocalTablePlan {
  readonly logicalId: string;
  readonly tableName: string;
  readonly tableArn: string;
  /** Keys, attribute types and indexes, from the template (on-demand billing). */
  readonly createTableInput: CreateTableCommandInput;
}

/** An S3 bucket to create locally. */
export interface LocalBucketPlan {
  readonly logicalId: string;
  readonly bucketName: string;
  readonly bucketArn: string;
}

/** A Lambda function the local runtime can run: its bundled asset from cdk.out and its configuration. */
export interface LocalFunctionPlan {
  readonly logicalId: string;
  readonly functionName: string;
  readonly functionArn: string;
  /** The bundled code (absolute path of the asset directory in cdk.out). */
  readonly assetDirectory: string;
  /** `Handler`, e.g. `index.handler`: module `index` of the asset, export `handler`. */
  readonly handler: string;
  /** `Runtime`, e.g. `nodejs22.x`. */
  readonly runtime: string;
  /** `Timeout`, seconds (Lambda's default 3 when absent). */
  readonly timeoutSeconds: number;
  /** `MemorySize`, MB (Lambda's default 128 when absent). */
  readonly memorySizeMb: number;
  /** `Environment.Variables`, every intrinsic resolved to local names and ARNs. */
  readonly environment: Readonly<Record<string, string>>;
  /** `ReservedConcurrentExecutions`, if set. */
  readonly reservedConcurrentExecutions?: number;
}

/** Where an event source mapping sends the records of a batch that keeps failing. */
export interface LocalOnFailureDestinationPlan {
  /** The destination as the template gives it, resolved (the bucket's local ARN). */
  readonly arn: string;
  /** The local bucket: records go to `s3://<bucketName>/aws/lambda/...`, as Lambda writes them. */
  readonly bucketLogicalId: string;
  readonly bucketName: string;
}

/**
 * A Kinesis event source mapping, with Lambda's documented default for every setting the
 * template leaves out, so the local poller needs no defaults of its own.
 */
export interface LocalEventSourceMappingPlan {
  readonly logicalId: string;
  /** `Enabled` (default true). */
  readonly enabled: boolean;
  readonly functionLogicalId: string;
  readonly functionName: string;
  readonly streamLogicalId: string;
  readonly streamName: string;
  readonly streamArn: string;
  /** `BatchSize` (default 100). */
  readonly batchSize: number;
  /** `MaximumBatchingWindowInSeconds` (default 0). */
  readonly maximumBatchingWindowInSeconds: number;
  /** `StartingPosition`. */
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP';
  /** `StartingPositionTimestamp`, Unix seconds, with AT_TIMESTAMP. */
  readonly startingPositionTimestamp?: number;
  /** `ParallelizationFactor` (default 1). */
  readonly parallelizationFactor: number;
  /** `BisectBatchOnFunctionError` (default false). */
  readonly bisectBatchOnFunctionError: boolean;
  /** `MaximumRetryAttempts` (default -1: retry until the record expires). */
  readonly maximumRetryAttempts: number;
  /** `MaximumRecordAgeInSeconds` (default -1: no limit). */
  readonly maximumRecordAgeInSeconds: number;
  /** `FunctionResponseTypes` (default none). */
  readonly functionResponseTypes: readonly string[];
  /** Whether `FunctionResponseTypes` holds `ReportBatchItemFailures`. */
  readonly reportBatchItemFailures: boolean;
  /** `DestinationConfig.OnFailure.Destination`, an S3 bucket of the template. */
  readonly onFailureDestination?: LocalOnFailureDestinationPlan;
  /** `TumblingWindowInSeconds` (default 0: off). */
  readonly tumblingWindowInSeconds: number;
  /** `FilterCriteria`, as the template gives it. */
  readonly filterCriteria?: { readonly Filters?: readonly { readonly Pattern?: string }[] };
  /**
   * The filter patterns the local mapping applies: those of `filterCriteria`, or none when
   * they use a matcher the local mapping does not emulate (then listed as not emulated,
   * and every record is delivered).
   */
  readonly filterPatterns?: readonly string[];
}

/** Resources of a type the local runtime does not emulate. */
export interface NotEmulatedResourceType {
  readonly type: string;
  readonly count: number;
  readonly logicalIds: readonly string[];
}

/** A setting of an emulated resource that has no effect locally. */
export interface NotEmulatedFeature {
  readonly logicalId: string;
  readonly type: string;
  /** What is missing, e.g. `KMS encryption at rest (StreamEncryption)`. */
  readonly feature: string;
}

/** Everything in the template that the local stack leaves out: listed at start, never silently dropped. */
export interface NotEmulated {
  readonly resourceTypes: readonly NotEmulatedResourceType[];
  readonly features: readonly NotEmulatedFeature[];
}

/** The local stack a synthesized template describes. */
export interface LocalStackPlan {
  readonly stackName: string;
  readonly region: string;
  readonly accountId: string;
  readonly streams: readonly LocalStreamPlan[];
  readonly tables: readonly LocalTablePlan[];
  readonly buckets: readonly LocalBucketPlan[];
  readonly functions: readonly LocalFunctionPlan[];
  readonly eventSourceMappings: readonly LocalEventSourceMappingPlan[];
  /** The template's outputs with local values (`StreamName` → the local stream's name, ...). */
  readonly outputs: Readonly<Record<string, string>>;
  readonly notEmulated: NotEmulated;
}

/** Shards of an on-demand stream locally (see {@link LocalStreamPlan.shardCount}). */
export const ON_DEMAND_LOCAL_SHARDS = 4;
