import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import type { StackResources } from '../stack/stackResourcesFromOutputs';

/** One alarm and its state, as CloudWatch names them (`OK`, `ALARM`, `INSUFFICIENT_DATA`). */
export interface AlarmStatus {
  readonly name: string;
  readonly state: string;
}

/**
 * What the dashboard reads from: the clients and resources of a target (the
 * CLI's `--target`, or the API Lambda's own environment), and where alarm
 * states come from on that target.
 */
export interface DashboardSource {
  readonly dynamo: DynamoDBClient;
  readonly s3: S3Client;
  readonly kinesis: KinesisClient;
  readonly resources: StackResources;
  /** The consumers whose lag is shown. */
  readonly consumers: readonly string[];
  /**
   * The event types to show. When absent they are discovered by a Scan of the
   * aggregates table for leaderboard items (fine locally; on a large table give them).
   */
  readonly eventTypes?: readonly string[];
  /** Every alarm's state, or undefined when this target cannot tell (the page says so). */
  alarmStates(): Promise<readonly AlarmStatus[] | undefined>;
}
