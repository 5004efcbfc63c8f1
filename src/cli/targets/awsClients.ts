import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Where to send requests; absent endpoints mean AWS itself. */
export interface ClientSettings {
  readonly region: string;
  /** One endpoint for every service (LocalStack), or one per service (the local stack). */
  readonly endpoints?: { readonly kinesis?: string; readonly dynamodb?: string; readonly s3?: string };
  /** Fixed credentials for emulators; absent means the usual AWS SDK chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/**
 * The three clients a command needs. Plain-HTTP endpoints get the HTTP/1.1
 * handler (the SDK's Kinesis client otherwise tries HTTP/2 and fails against
 * emulators); S3 uses path-style addressing off AWS.
 */
export function awsClients(settings: ClientSettings): { dynamo: DynamoDBClient; s3: S3Client; kinesis: KinesisClient } {
  const common = { region: settings.region, credentials: settings.credentials };
  const handler = () => (settings.endpoints ? { requestHandler: new NodeHttpHandler() } : {});
  return {
    dynamo: new DynamoDBClient({ ...common, endpoint: settings.endpoints?.dynamodb, ...handler() }),
    kinesis: new KinesisClient({ ...common, endpoint: settings.endpoints?.kinesis, ...handler() }),
    s3: new S3Client({ ...common, endpoint: settings.endpoints?.s3, forcePathStyle: Boolean(settings.endpoints?.s3), ...handler() }),
  };
}
