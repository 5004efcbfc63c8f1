import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import type { StackResources } from '../../stack/stackResourcesFromOutputs';

/** Where a command acts: `local`, `localstack` or `aws` (docs/contract.md §2). */
export const TargetName = { local: 'local', localstack: 'localstack', aws: 'aws' } as const;
export type TargetName = (typeof TargetName)[keyof typeof TargetName];

/** A resolved target: clients pointed at it and the stack's resources. */
export interface Target {
  readonly name: TargetName;
  readonly region: string;
  /** The stack the resources belong to, `Streamtally-<stage>` (the local stack: the one it was provisioned from). */
  readonly stackName: string;
  /**
   * The account that holds the stack, from its CloudFormation stack id (`localstack` and
   * `aws`); absent for the local stack.
   */
  readonly account?: string;
  /** LocalStack's endpoint (`localstack` only). */
  readonly endpoint?: string;
  readonly resources: StackResources;
  readonly dynamo: DynamoDBClient;
  readonly s3: S3Client;
  readonly kinesis: KinesisClient;
}
