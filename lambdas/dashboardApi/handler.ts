import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DashboardReader } from '../../src/dashboard/DashboardReader';
import { handleApiRequest } from '../../src/dashboard/handleApiRequest';

/**
 * The dashboard's HTTP API on AWS (docs/dashboard.md): API Gateway hands every
 * `GET /api/...` here, and the same code as the local `streamtally dashboard`
 * answers it. Read-only: the function's role has the reader grants only.
 */
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`the dashboard API function needs the environment variable ${name}`);
  return value;
}

const region = process.env.AWS_REGION;
const reader = new DashboardReader({
  dynamo: new DynamoDBClient({ region }),
  s3: new S3Client({ region }),
  kinesis: new KinesisClient({ region }),
  resources: {
    streamName: required('STREAM_NAME'),
    aggregatesTable: required('AGGREGATES_TABLE'),
    checkpointTable: required('CHECKPOINT_TABLE'),
    quarantineBucket: required('QUARANTINE_BUCKET'),
  },
  consumers: required('CONSUMER_NAMES').split(','),
  // The reader grant has no Scan: the types are configured (dashboardApiEventTypes).
  eventTypes: (process.env.EVENT_TYPES ?? '').split(',').filter((type) => type !== ''),
  // Alarm states need cloudwatch:DescribeAlarms, which this read path is not granted.
  alarmStates: async () => undefined,
});

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const { status, body } = await handleApiRequest(
      reader,
      event.requestContext.http.method,
      event.rawPath,
      new URLSearchParams(event.rawQueryString ?? ''),
    );
    return {
      statusCode: status,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
      body: JSON.stringify(body),
    };
  } catch (error) {
    // Logged with its stack for the operator; the caller gets one line, and the 5xx alarm counts it.
    console.error(error);
    return {
      statusCode: 500,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ error: `${(error as Error).name}: ${String((error as Error).message).split('\n')[0]}` }),
    };
  }
}
