import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { configFromEnv } from './config';
import { publishBatchMetrics } from './publishBatchMetrics';
import { publishDataAlerts } from './publishDataAlerts';
import { processBatch } from './processBatch';
import { createBatchPorts } from './store/createBatchPorts';
import { streamRecordsFromEvent } from './streamRecordsFromEvent';

// Module scope: built once per execution environment and reused by every invocation.
const logger = new Logger();
const metrics = new Metrics();
const { config, resources } = configFromEnv(process.env);
// Throttling is retried by the SDK with backoff before a batch is failed back to Lambda.
// cacheMiddleware: the SDK resolves each command class's middleware stack once instead of on every send (nothing
// here changes a stack after the first request); that resolution was 12 % of the SDK's CPU per UpdateItem, and the
// SDK most of the consumer's CPU (BENCHMARKS.md section 9).
const dynamo = new DynamoDBClient({ maxAttempts: 10, cacheMiddleware: true });
const s3 = new S3Client({
  maxAttempts: 5,
  cacheMiddleware: true,
  forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL),
});
const ports = createBatchPorts({ dynamo, s3 }, config, resources);

/** Kinesis event source mapping entry point; reports partial failures so Lambda re-delivers only what was not applied. */
export const handler = async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
  const startedMs = Date.now();
  const records = streamRecordsFromEvent(event);
  const outcome = await processBatch(records, ports, config, Date.now);
  for (const error of outcome.errors)
    logger.error('write failed; the batch is retried from the first unapplied record', { error: error as Error });
  for (const error of outcome.alertErrors) logger.warn('a data alert could not read its previous window', { error: error as Error });
  publishDataAlerts(metrics, outcome.dataAlerts);
  publishBatchMetrics(metrics, outcome.stats, Date.now() - startedMs);
  return {
    batchItemFailures: [...outcome.failedFrom.values()].map((sequenceNumber) => ({ itemIdentifier: sequenceNumber })),
  };
};
