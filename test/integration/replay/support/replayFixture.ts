import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  PutRecordsCommand,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import type { AggregatorConfig } from '../../../../lambdas/aggregator/config';
import { parseGranularities } from '../../../../core';
import type { BatchPorts } from '../../../../lambdas/aggregator/processBatch';
import { aggregateStore } from '../../../../lambdas/aggregator/store/createBatchPorts';
import { DynamoCheckpointStore } from '../../../../lambdas/aggregator/store/DynamoCheckpointStore';
import { DynamoClaimStore } from '../../../../lambdas/aggregator/store/DynamoClaimStore';
import { S3QuarantineSink } from '../../../../lambdas/aggregator/store/S3QuarantineSink';
import { tablesFromTemplate } from '../../../../src/local/template/tablesFromTemplate';
import type { ReplaySettings } from '../../../../src/replay/ReplaySettings';
import { outputLogicalId, synthesizedTemplate } from '../../../support/synthesizedTemplate';

/** Small windows and a short lateness, so that a test of seconds has complete windows. */
export const WINDOWS = '1m:7d,2m:7d';
export const SETTINGS: ReplaySettings = {
  windows: WINDOWS,
  allowedLatenessMs: 20_000,
  maxClockSkewMs: 300_000,
  dedupProducerIds: true,
  dedupRetentionMs: 7 * 86_400_000,
  maxRecordBytes: 1_048_576,
  writeConcurrency: 8,
};

/** The live consumer's configuration: the same settings, as the stack would set them. */
export function liveConfig(consumerName = 'aggregator'): AggregatorConfig {
  return {
    granularities: parseGranularities(WINDOWS),
    allowedLatenessMs: SETTINGS.allowedLatenessMs,
    maxClockSkewMs: SETTINGS.maxClockSkewMs,
    consumerName,
    dedupProducerIds: true,
    dedupRetentionMs: SETTINGS.dedupRetentionMs,
    parallelizationFactor: 1,
    maxRecordBytes: SETTINGS.maxRecordBytes,
    writeConcurrency: 8,
  };
}

/** One test's stack: a stream, the live tables (from the synthesized template) and the quarantine bucket. */
export interface TestStack {
  readonly streamName: string;
  readonly aggregatesTable: string;
  readonly checkpointTable: string;
  readonly quarantineBucket: string;
  /** The live consumer's ports, as the handler builds them; `pageBudgetBytes` 0: per-key items only (core/cellPages.ts). */
  livePorts(consumerName?: string, pageBudgetBytes?: number): BatchPorts;
}

let counter = 0;

/** Creates a fresh stack (unique names) on the shared emulators. */
export async function createTestStack(
  clients: { kinesis: KinesisClient; dynamo: DynamoDBClient; s3: S3Client },
  shardCount: number,
): Promise<TestStack> {
  counter += 1;
  const suffix = `${process.pid}-${counter}`;
  const template = synthesizedTemplate();
  const tables = tablesFromTemplate(template, (logicalId) => `${logicalId}-${suffix}`);
  const aggregates = tables.find((table) => table.logicalId === outputLogicalId(template, 'AggregatesTableName'))!;
  const checkpoints = tables.find((table) => table.logicalId === outputLogicalId(template, 'CheckpointTableName'))!;
  await clients.dynamo.send(new CreateTableCommand(aggregates.input));
  await clients.dynamo.send(new CreateTableCommand(checkpoints.input));
  const quarantineBucket = `quarantine-replay-${suffix}`;
  await clients.s3.send(new CreateBucketCommand({ Bucket: quarantineBucket }));
  const streamName = `events-${suffix}`;
  await clients.kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
  await waitUntilActive(clients.kinesis, streamName);
  const aggregatesTable = aggregates.input.TableName!;
  const checkpointTable = checkpoints.input.TableName!;
  return {
    streamName,
    aggregatesTable,
    checkpointTable,
    quarantineBucket,
    livePorts: (consumerName = 'aggregator', pageBudgetBytes = 0) => ({
      aggregates: aggregateStore(clients.dynamo, { ...liveConfig(consumerName), pageBudgetBytes }, aggregatesTable),
      checkpoints: new DynamoCheckpointStore(clients.dynamo, checkpointTable, consumerName),
      quarantine: new S3QuarantineSink(clients.s3, quarantineBucket, consumerName),
      claims: new DynamoClaimStore(clients.dynamo, checkpointTable, consumerName),
    }),
  };
}

/** Splits a one-shard stream in two and waits until it is ACTIVE again. */
export async function splitOnlyShard(kinesis: KinesisClient, streamName: string): Promise<void> {
  await kinesis.send(
    new SplitShardCommand({ StreamName: streamName, ShardToSplit: 'shardId-000000000000', NewStartingHashKey: (2n ** 127n).toString() }),
  );
  await waitUntilActive(kinesis, streamName);
}

/** Puts records in order, partitioned by their key, and fails on any rejection. */
export async function putRecords(
  kinesis: KinesisClient,
  streamName: string,
  records: readonly { data: Uint8Array; partitionKey: string }[],
): Promise<void> {
  for (let start = 0; start < records.length; start += 500) {
    const chunk = records.slice(start, start + 500);
    const response = await kinesis.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: chunk.map((record) => ({ Data: record.data, PartitionKey: record.partitionKey })),
      }),
    );
    if (response.FailedRecordCount) throw new Error(`${response.FailedRecordCount} record(s) rejected`);
  }
}

async function waitUntilActive(kinesis: KinesisClient, streamName: string): Promise<void> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    if (summary.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`stream ${streamName} did not become ACTIVE`);
}
