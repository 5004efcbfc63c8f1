import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';

// Emulators accept any credentials; fixed ones keep the SDK from searching the machine.
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** A DynamoDB client for an emulator endpoint. */
export function dynamoClient(endpoint: string, maxAttempts = 3): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'us-east-1', credentials, maxAttempts, requestHandler: new NodeHttpHandler() });
}

/** An S3 client for an emulator endpoint (path-style addressing). */
export function s3Client(endpoint: string): S3Client {
  return new S3Client({ endpoint, region: 'us-east-1', credentials, forcePathStyle: true, requestHandler: new NodeHttpHandler() });
}
