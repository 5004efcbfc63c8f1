import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';

/** Where a command acts: `local`, `localstack` or `aws` (CONTRACT.md §2). */
export const TargetName = { local: 'local', localstack: 'localstack', aws: 'aws' } as const;
export type TargetName = (typeof TargetName)[keyof typeof TargetName];

/** The resources of a deployed (or local) stack, named as its outputs name them (CONTRACT.md §4). */
export interface StackResources {
  readonly streamName: string;
  readonly aggregatesTable: string;
  readonly checkpointTable: string;
  readonly quarantineBucket: string;
}

/** A resolved target: clients pointed at it and the stack's resources. */
export interface Target {
  readonly name: TargetName;
  readonly region: string;
  readonly resources: StackResources;
  readonly dynamo: DynamoDBClient;
  readonly s3: S3Client;
  readonly kinesis: KinesisClient;
}
