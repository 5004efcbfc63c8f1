import { summarizeContributions, type ItemDelta } from '../../core';
import type { AggregateStore } from '../../lambdas/aggregator/store/ports';
import { countCall, type CallCounts } from './CallCounts';
import { ItemIndex } from './ItemIndex';

/** One aggregate item as the bench keeps it. */
interface MemoryAggregateItem {
  count: number;
  sumNanos: bigint;
  min: number;
  max: number;
  /**
   * Per shard, the padded sequence number of the newest contribution taken.
   * The first shard to write the item is kept in two fields: a Map per item
   * would be the bench's own cost (an allocation per item and two lookups
   * per write), and most items only ever hear from one shard.
   */
  firstShard: string | undefined;
  firstShardMark: string | undefined;
  otherShards: Map<string, string> | undefined;
}

/**
 * The AggregateStore port in memory, with no I/O. It does what the DynamoDB
 * adapter asks of the table: skip contributions at or below the shard's
 * high-water mark, add the rest (summed as the adapter sums them). It does
 * not build the adapter's request (key strings, ISO dates, attribute maps).
 * `calls.apply` counts the writes the real adapter sends on its normal path.
 */
export class MemoryAggregateStore implements AggregateStore {
  readonly items = new ItemIndex<MemoryAggregateItem>();
  readonly calls: CallCounts = {};

  async apply(delta: ItemDelta): Promise<void> {
    countCall(this.calls, 'apply');
    const { address, shardId, contributions } = delta;
    const item = this.items.get(address.type, address.granularity, address.key, address.windowStartMs, newItem);
    const mark = highWater(item, shardId);
    // The adapter's condition: on the normal path no contribution is at or
    // below the mark, and all are written; otherwise only those above it.
    const pending =
      mark === undefined || mark < contributions[0]!.paddedSequence
        ? contributions
        : contributions.filter((contribution) => contribution.paddedSequence > mark);
    if (pending.length === 0) return;
    const summary = summarizeContributions(pending);
    item.count += summary.count;
    item.sumNanos += summary.sumNanos;
    if (summary.min < item.min) item.min = summary.min;
    if (summary.max > item.max) item.max = summary.max;
    setHighWater(item, shardId, pending[pending.length - 1]!.paddedSequence);
  }
}

function newItem(): MemoryAggregateItem {
  return {
    count: 0,
    sumNanos: 0n,
    min: Infinity,
    max: -Infinity,
    firstShard: undefined,
    firstShardMark: undefined,
    otherShards: undefined,
  };
}

function highWater(item: MemoryAggregateItem, shardId: string): string | undefined {
  return item.firstShard === shardId ? item.firstShardMark : item.otherShards?.get(shardId);
}

function setHighWater(item: MemoryAggregateItem, shardId: string, mark: string): void {
  if (item.firstShard === undefined || item.firstShard === shardId) {
    item.firstShard = shardId;
    item.firstShardMark = mark;
  } else {
    (item.otherShards ??= new Map()).set(shardId, mark);
  }
}
