import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { type LocalClientOptions, localClientConfig } from './localClientConfig';
import type { LocalEndpoints } from './LocalEndpoints';

/** Plain AWS SDK clients of the local stack. */
export interface LocalClients {
  readonly kinesis: KinesisClient;
  readonly dynamodb: DynamoDBClient;
  readonly s3: S3Client;
}

/**
 * AWS SDK clients for the emulators at `endpoints` (S3 with path-style addressing, as
 * s3rver needs). Destroy them (`client.destroy()`) when done.
 */
export function localClients(endpoints: LocalEndpoints, options: LocalClientOptions = {}): LocalClients {
  return {
    kinesis: new KinesisClient(localClientConfig(endpoints.kinesis, options)),
    dynamodb: new DynamoDBClient(localClientConfig(endpoints.dynamodb, options)),
    s3: new S3Client({ ...localClientConfig(endpoints.s3, options), forcePathStyle: true }),
  };
}
