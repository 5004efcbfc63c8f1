import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { AggregatorConfig } from '../../../../lambdas/aggregator/config';
import type { StreamRecord } from '../../../../core';
import { processBatch, type BatchPorts } from '../../../../lambdas/aggregator/processBatch';
import { recordFromKinesis } from '../../../../src/replay/recordFromKinesis';

/** How the test's live consumer behaves. */
export interface LiveConsumerOptions {
  /** Records per GetRecords, i.e. per batch. */
  readonly batchSize: number;
  /** Pause between polling rounds. */
  readonly pollMs: number;
  /** Records it leaves out of their batch as if the batch's writes were lost (drift on purpose). */
  readonly drop?: (record: StreamRecord) => boolean;
  /** Awaited before each batch: lets a test hold the consumer at a point. */
  readonly beforeBatch?: (records: readonly StreamRecord[]) => Promise<void>;
}

interface ShardState {
  readonly parents: readonly string[];
  iterator?: string;
  done: boolean;
}

/**
 * The live consumer as Lambda runs it, reduced to what the tests need: per
 * shard, batches in order (a parent to its end before its children), each
 * through processBatch with the live ports, from TRIM_HORIZON. `run` returns
 * once `finished()` is true and every shard is caught up.
 */
export class LiveConsumer {
  private readonly shards = new Map<string, ShardState>();
  private stopped = false;
  /** Records applied so far. */
  applied = 0;

  constructor(
    private readonly kinesis: KinesisClient,
    private readonly streamName: string,
    private readonly ports: BatchPorts,
    private readonly config: AggregatorConfig,
    private readonly options: LiveConsumerOptions,
  ) {}

  async run(finished: () => boolean): Promise<void> {
    while (!this.stopped) {
      await this.discoverShards();
      let caughtUp = true;
      for (const [shardId, shard] of this.shards) {
        if (shard.done || !shard.parents.every((parent) => this.shards.get(parent)?.done ?? true)) continue;
        shard.iterator ??= (
          await this.kinesis.send(
            new GetShardIteratorCommand({ StreamName: this.streamName, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
          )
        ).ShardIterator;
        const page = await this.kinesis.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: this.options.batchSize }));
        const records = (page.Records ?? []).map((record) => recordFromKinesis(shardId, record));
        if (records.length > 0) {
          caughtUp = false;
          await this.options.beforeBatch?.(records);
          const kept = this.options.drop ? records.filter((record) => !this.options.drop!(record)) : records;
          if (kept.length > 0) {
            const outcome = await processBatch(kept, this.ports, this.config, Date.now);
            if (outcome.failedFrom.size > 0) throw new Error(`live batch failed: ${String(outcome.errors[0])}`);
          }
          this.applied += records.length;
        }
        if (!page.NextShardIterator) shard.done = true;
        else if ((page.MillisBehindLatest ?? 0) > 0) caughtUp = false;
        shard.iterator = page.NextShardIterator;
      }
      if (caughtUp && finished()) return;
      await new Promise((resolve) => setTimeout(resolve, this.options.pollMs));
    }
  }

  stop(): void {
    this.stopped = true;
  }

  private async discoverShards(): Promise<void> {
    const { Shards } = await this.kinesis.send(new ListShardsCommand({ StreamName: this.streamName }));
    for (const shard of Shards ?? []) {
      if (this.shards.has(shard.ShardId!)) continue;
      this.shards.set(shard.ShardId!, {
        parents: [shard.ParentShardId, shard.AdjacentParentShardId].filter((id): id is string => Boolean(id)),
        done: false,
      });
    }
  }
}

/** The event id a record carries, if it is an event. */
export function eventIdOf(record: StreamRecord): string | undefined {
  try {
    return (JSON.parse(Buffer.from(record.data).toString('utf8')) as { id?: string }).id;
  } catch {
    return undefined;
  }
}
