import type { ConsumerOffsets } from './ConsumerOffsets';

/** The `--json` document: `{"consumers":[{"consumer","shards":[…]}]}`. */
export function offsetsJson(consumers: readonly ConsumerOffsets[]): string {
  return JSON.stringify({ consumers });
}

/** The rows of the human-readable table, one per consumer and shard. */
export function offsetsRows(consumers: readonly ConsumerOffsets[]): { headers: string[]; rows: (string | number)[][] } {
  const headers = [
    'consumer',
    'shardId',
    'checkpoint',
    'checkpointArrivalTime',
    'latestSequenceNumber',
    'lagRecords',
    'lagMs',
    'watermark',
  ];
  const rows = consumers.flatMap(({ consumer, shards }) =>
    shards.map((shard) => [
      consumer,
      shard.shardId,
      shard.checkpoint ?? '-',
      shard.checkpointArrivalTime ?? '-',
      shard.latestSequenceNumber ?? '-',
      shard.lagRecordsCapped ? `≥${shard.lagRecords}` : shard.lagRecords,
      shard.lagMs,
      shard.watermark ?? '-',
    ]),
  );
  return { headers, rows };
}
