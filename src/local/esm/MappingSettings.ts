/** Where a mapping starts reading a shard that has no checkpoint yet. */
export const StartingPosition = {
  trimHorizon: 'TRIM_HORIZON',
  latest: 'LATEST',
  atTimestamp: 'AT_TIMESTAMP',
} as const;
export type StartingPosition = (typeof StartingPosition)[keyof typeof StartingPosition];

/** The only function response type a Kinesis mapping knows. */
export const REPORT_BATCH_ITEM_FAILURES = 'ReportBatchItemFailures';

/**
 * The settings of a Kinesis event source mapping, named and ranged as in
 * Lambda's CreateEventSourceMapping (times in the units noted).
 */
export interface MappingSettings {
  /** The function invoked. */
  readonly functionName: string;
  /** The stream read. */
  readonly streamName: string;
  /** Most records per invocation (1–10,000). The 6 MB invoke payload limit can cut a batch shorter. */
  readonly batchSize: number;
  /** How long to gather records before invoking (0–300,000 ms, Lambda takes whole seconds). */
  readonly maximumBatchingWindowMs: number;
  /** Where to start on a shard. */
  readonly startingPosition: StartingPosition;
  /** With `AT_TIMESTAMP`: the time to start from, in epoch seconds (as `StartingPositionTimestamp`). */
  readonly startingPositionTimestamp?: number;
  /** Concurrent batches per shard (1–10); order is then kept per partition key only. */
  readonly parallelizationFactor: number;
  /** On a function error, split the batch in two and retry each half. */
  readonly bisectBatchOnFunctionError: boolean;
  /** Retries of a failing batch before it goes to the on-failure destination (-1 = until the records expire; 0–10,000). */
  readonly maximumRetryAttempts: number;
  /** Records older than this go to the on-failure destination instead of the function (-1 = never; 60–604,800 s). */
  readonly maximumRecordAgeSeconds: number;
  /** `['ReportBatchItemFailures']` to honour partial batch responses, or `[]`. */
  readonly functionResponseTypes: readonly string[];
  /** The S3 on-failure destination for discarded batches. @default none: discarded batches are only logged */
  readonly onFailure?: { readonly bucket: string };
  /**
   * Lambda's tumbling windows are not emulated: leave this out (or 0).
   * Any other value is refused at construction.
   */
  readonly tumblingWindowInSeconds?: number;
  /**
   * The `Pattern`s of the mapping's `FilterCriteria`: a record is delivered when it matches
   * at least one, and otherwise dropped and counted as processed, as Lambda does.
   * @default none: every record is delivered
   */
  readonly filterPatterns?: readonly string[];
  /** The mapping's UUID: names its on-failure objects. @default a random UUID */
  readonly uuid?: string;
  /** The function's ARN, for failure records. @default arn:aws:lambda:<region>:<account>:function:<functionName> */
  readonly functionArn?: string;
  /** `invokeIdentityArn` of every record. @default arn:aws:iam::<account>:role/<functionName>-role */
  readonly invokeIdentityArn?: string;
  /** The account in default ARNs. @default '000000000000' (the emulators' account) */
  readonly accountId?: string;
}
