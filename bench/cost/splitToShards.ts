import { createHash } from 'node:crypto';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

const HASH_SPACE = 1n << 128n;

/**
 * The shard Kinesis puts a record on when a stream's `shards` split the hash
 * key space evenly (as CreateStream does): the MD5 of the partition key, read
 * as a 128-bit unsigned integer, falls in one of `shards` equal ranges.
 */
export function shardOfPartitionKey(partitionKey: string, shards: number): number {
  const hash = BigInt(`0x${createHash('md5').update(partitionKey, 'utf8').digest('hex')}`);
  return Number((hash * BigInt(shards)) / HASH_SPACE);
}

/**
 * Re-deals a single-shard stream onto `shards` shards by partition key, keeping
 * each shard's records in sequence order, and batches each shard's records as
 * its own event source mapping would (`batchSize` per invocation). Batches are
 * returned shard by shard interleaved (shard 0's first, shard 1's first, ...),
 * the order concurrent consumers roughly write in.
 */
export function splitToShards(batches: readonly KinesisStreamEvent[], shards: number, batchSize: number): KinesisStreamEvent[] {
  const perShard: KinesisStreamRecord[][] = Array.from({ length: shards }, () => []);
  for (const batch of batches) {
    for (const record of batch.Records) {
      const shard = shardOfPartitionKey(record.kinesis.partitionKey, shards);
      const shardId = `shardId-${String(shard).padStart(12, '0')}`;
      perShard[shard]!.push({ ...record, eventID: `${shardId}:${record.kinesis.sequenceNumber}` });
    }
  }
  const batched = perShard.map((records) => {
    const events: KinesisStreamEvent[] = [];
    for (let start = 0; start < records.length; start += batchSize) events.push({ Records: records.slice(start, start + batchSize) });
    return events;
  });
  const interleaved: KinesisStreamEvent[] = [];
  for (let round = 0; round < Math.max(...batched.map((events) => events.length)); round++) {
    for (const events of batched) if (events[round]) interleaved.push(events[round]!);
  }
  return interleaved;
}
