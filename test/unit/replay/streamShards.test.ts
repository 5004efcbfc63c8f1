import { describe, expect, it } from 'vitest';
import { orderParentsFirst, type ReplayShard } from '../../../src/replay/streamShards';

const shard = (shardId: string, ...parentShardIds: string[]): ReplayShard => ({ shardId, parentShardIds, closed: false });

describe('orderParentsFirst', () => {
  it('puts every parent before its children, whatever order ListShards gave', () => {
    // Prepare: shard 0 split into 1 and 2; 1 and 2 merged into 3; 4 an unrelated open shard.
    const shards = [
      shard('shardId-000000000003', 'shardId-000000000001', 'shardId-000000000002'),
      shard('shardId-000000000004'),
      shard('shardId-000000000002', 'shardId-000000000000'),
      shard('shardId-000000000001', 'shardId-000000000000'),
      shard('shardId-000000000000'),
    ];

    // Act
    const ordered = orderParentsFirst(shards).map((entry) => entry.shardId.slice(-1));

    // Assess
    expect(ordered).toEqual(['0', '1', '2', '3', '4']);
  });

  it('does not wait for a parent that is no longer listed (trimmed out of the retention)', () => {
    expect(orderParentsFirst([shard('b', 'gone'), shard('a', 'b')]).map((entry) => entry.shardId)).toEqual(['b', 'a']);
  });
});
