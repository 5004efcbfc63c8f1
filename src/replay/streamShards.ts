import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { listAllShards } from '../kinesis/listAllShards';

/** A shard as a replay schedules it. */
export interface ReplayShard {
  readonly shardId: string;
  /** `ParentShardId` and `AdjacentParentShardId` (a merge has two parents). */
  readonly parentShardIds: readonly string[];
  /** Closed by a reshard: it has an ending sequence number and will get no new records. */
  readonly closed: boolean;
}

/**
 * Every shard of the stream that ListShards returns: the open ones and the
 * closed parents of earlier reshards that still hold records within the
 * retention. ListShards without a filter returns both.
 */
export async function listStreamShards(kinesis: KinesisClient, streamName: string): Promise<ReplayShard[]> {
  return orderParentsFirst(
    (await listAllShards(kinesis, streamName)).map((shard) => ({
      shardId: shard.ShardId as string,
      parentShardIds: [shard.ParentShardId, shard.AdjacentParentShardId].filter((id): id is string => Boolean(id)),
      closed: shard.SequenceNumberRange?.EndingSequenceNumber !== undefined,
    })),
  );
}

/**
 * Orders shards so that every parent comes before its children (by shard id
 * otherwise). The consumer reads a parent to its end before its children, so
 * a producer retry that a reshard moved into a child is the duplicate, not
 * the original; a replay that kept another order could give a claim to the
 * other record. A parent no longer listed (trimmed) does not hold a child back.
 */
export function orderParentsFirst(shards: readonly ReplayShard[]): ReplayShard[] {
  const byId = new Map(shards.map((shard) => [shard.shardId, shard]));
  const ordered: ReplayShard[] = [];
  const placed = new Set<string>();
  const place = (shard: ReplayShard, path: Set<string>): void => {
    if (placed.has(shard.shardId) || path.has(shard.shardId)) return;
    path.add(shard.shardId);
    for (const parentId of [...shard.parentShardIds].sort()) {
      const parent = byId.get(parentId);
      if (parent) place(parent, path);
    }
    placed.add(shard.shardId);
    ordered.push(shard);
  };
  for (const shard of [...shards].sort((a, b) => a.shardId.localeCompare(b.shardId))) place(shard, new Set());
  return ordered;
}
