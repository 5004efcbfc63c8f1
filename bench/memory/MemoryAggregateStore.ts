import { summarizeContributions } from '../../lambdas/aggregator/core/buildItemDeltas';
import { aggregatePk, windowSk } from '../../lambdas/aggregator/core/itemKeys';
import type { ItemDelta } from '../../lambdas/aggregator/core/types';
import type { AggregateStore } from '../../lambdas/aggregator/store/ports';
import { countCall, type CallCounts } from './CallCounts';

/** One aggregate item as the bench keeps it. */
interface MemoryAggregateItem {
  count: number;
  sumNanos: bigint;
  min: number;
  max: number;
  /** Per shard, the padded sequence number of the newest contribution taken. */
  readonly highWater: Map<string, string>;
}

/**
 * The AggregateStore port over a Map, with no I/O. It does what the DynamoDB
 * adapter asks of the table: build the item key, skip contributions at or
 * below the shard's high-water mark, add the rest. `calls.apply` counts the
 * writes the real adapter would send on its normal path.
 */
export class MemoryAggregateStore implements AggregateStore {
  readonly items = new Map<string, MemoryAggregateItem>();
  readonly calls: CallCounts = {};

  async apply(delta: ItemDelta): Promise<void> {
    countCall(this.calls, 'apply');
    const { address, shardId, contributions } = delta;
    const itemKey = `${aggregatePk(address.type, address.granularity, address.key)}\n${windowSk(address.windowStartMs)}`;
    let item = this.items.get(itemKey);
    if (item === undefined) {
      item = { count: 0, sumNanos: 0n, min: Infinity, max: -Infinity, highWater: new Map() };
      this.items.set(itemKey, item);
    }
    const mark = item.highWater.get(shardId);
    const pending = mark === undefined ? contributions : contributions.filter((contribution) => contribution.paddedSequence > mark);
    if (pending.length === 0) return;
    const summary = summarizeContributions(pending);
    item.count += summary.count;
    item.sumNanos += summary.sumNanos;
    if (summary.min < item.min) item.min = summary.min;
    if (summary.max > item.max) item.max = summary.max;
    item.highWater.set(shardId, pending[pending.length - 1]!.paddedSequence);
  }
}
