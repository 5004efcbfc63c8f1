import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient, Shard } from '@aws-sdk/client-kinesis';
import { unpadSequenceNumber } from '../../core';
import type { ConsumerOffsets, ShardOffset } from './ConsumerOffsets';
import { listAllShards } from '../kinesis/listAllShards';
import { measureShardLag } from './measureShardLag';
import { discoverConsumers, readCheckpoints } from './readCheckpoints';
import { DEFAULT_MAX_COUNTED_RECORDS } from './defaults';

/** Where to look and how far to count. */
export interface ReadOffsetsOptions {
  readonly streamName: string;
  readonly checkpointTable: string;
  /** The consumers to report, or `'all'` to find every consumer with a checkpoint (a Scan: see discoverConsumers). */
  readonly consumers: readonly string[] | 'all';
  /**
   * Most records counted per shard; beyond, the lag is reported as at least this many.
   * @default DEFAULT_MAX_COUNTED_RECORDS
   */
  readonly maxCountedRecords?: number;
}

export { DEFAULT_MAX_COUNTED_RECORDS };

/**
 * Per consumer and shard: the checkpoint (sequence number, arrival time, watermark)
 * from the checkpoint table, and the shard's newest record and the lag in records and
 * milliseconds from the stream. Every shard ListShards returns is reported, closed ones
 * included (their remaining records still wait for the consumer).
 *
 * @example
 * const offsets = await readOffsets({ kinesis, dynamo }, { streamName, checkpointTable, consumers: ['aggregator'] });
 */
export async function readOffsets(
  clients: { readonly kinesis: KinesisClient; readonly dynamo: DynamoDBClient },
  options: ReadOffsetsOptions,
): Promise<ConsumerOffsets[]> {
  const maxRecords = options.maxCountedRecords ?? DEFAULT_MAX_COUNTED_RECORDS;
  const consumers = options.consumers === 'all' ? await discoverConsumers(clients.dynamo, options.checkpointTable) : options.consumers;
  const shards = await listShards(clients.kinesis, options.streamName);
  const result: ConsumerOffsets[] = [];
  for (const consumer of consumers) {
    const checkpoints = await readCheckpoints(clients.dynamo, options.checkpointTable, consumer);
    const offsets = await Promise.all(
      shards.map(async (shard): Promise<ShardOffset> => {
        const shardId = shard.ShardId as string;
        const checkpoint = checkpoints.get(shardId);
        const sequenceNumber = checkpoint?.paddedSequence ? unpadSequenceNumber(checkpoint.paddedSequence) : undefined;
        const after = sequenceNumber === undefined ? undefined : { sequenceNumber, arrivalMs: checkpoint?.arrivalMs ?? 0 };
        const lag = await measureShardLag(clients.kinesis, options.streamName, shardId, { after }, maxRecords);
        return {
          shardId,
          checkpoint: sequenceNumber ?? null,
          checkpointArrivalTime: after ? new Date(after.arrivalMs).toISOString() : null,
          ...lag,
          watermark: checkpoint?.watermarkMs === undefined ? null : new Date(checkpoint.watermarkMs).toISOString(),
        };
      }),
    );
    result.push({ consumer, shards: offsets });
  }
  return result;
}

async function listShards(kinesis: KinesisClient, streamName: string): Promise<Shard[]> {
  const shards = await listAllShards(kinesis, streamName);
  return shards.sort((a, b) => String(a.ShardId).localeCompare(String(b.ShardId)));
}
