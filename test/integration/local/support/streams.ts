import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  ListShardsCommand,
  PutRecordsCommand,
  SplitShardCommand,
  type KinesisClient,
  type PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis';
import { waitFor } from './waitFor';

let streamCounter = 0;

/** A stream name no other test of this process uses. */
export function uniqueStreamName(prefix: string): string {
  streamCounter += 1;
  return `${prefix}-${process.pid}-${streamCounter}`;
}

/** Creates a stream and waits until it is ACTIVE. */
export async function createStream(kinesis: KinesisClient, streamName: string, shardCount = 1): Promise<void> {
  await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
  await waitUntilActive(kinesis, streamName);
}

/** A record to put: its data (a string, UTF-8) and partition key. */
export interface TestRecord {
  readonly data: string | Buffer;
  readonly partitionKey: string;
}

/** Puts records in order (500 per call, as PutRecords allows) and returns their results; fails on any rejected record. */
export async function putRecords(
  kinesis: KinesisClient,
  streamName: string,
  records: readonly TestRecord[],
): Promise<PutRecordsResultEntry[]> {
  const results: PutRecordsResultEntry[] = [];
  for (let start = 0; start < records.length; start += 500) {
    const chunk = records.slice(start, start + 500);
    const response = await kinesis.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: chunk.map((record) => ({
          PartitionKey: record.partitionKey,
          Data: typeof record.data === 'string' ? Buffer.from(record.data) : record.data,
        })),
      }),
    );
    if (response.FailedRecordCount) throw new Error(`${response.FailedRecordCount} record(s) were rejected`);
    results.push(...(response.Records ?? []));
  }
  return results;
}

/** Splits a one-shard stream's shard in two halves of the hash key space and waits until the stream is ACTIVE again. */
export async function splitShard(kinesis: KinesisClient, streamName: string, shardId: string): Promise<void> {
  await kinesis.send(new SplitShardCommand({ StreamName: streamName, ShardToSplit: shardId, NewStartingHashKey: (2n ** 127n).toString() }));
  await waitUntilActive(kinesis, streamName);
}

/** The stream's shards, closed ones included. */
export async function listShards(kinesis: KinesisClient, streamName: string) {
  return (await kinesis.send(new ListShardsCommand({ StreamName: streamName }))).Shards ?? [];
}

async function waitUntilActive(kinesis: KinesisClient, streamName: string): Promise<void> {
  await waitFor(async () => {
    const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    return summary.StreamDescriptionSummary?.StreamStatus === 'ACTIVE';
  }, `stream ${streamName} to be ACTIVE`);
}
