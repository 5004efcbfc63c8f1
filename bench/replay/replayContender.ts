import type { _Record } from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent } from 'aws-lambda';
import type { AggregatorConfig } from '../../lambdas/aggregator/config';
import type { StreamRecord } from '../../core';
import { recordFromKinesis } from '../../src/replay/recordFromKinesis';
import type { ShardPage } from '../../src/replay/readShardPages';
import { ReplayProgress } from '../../src/replay/ReplayProgress';
import { replayShard } from '../../src/replay/replayShard';
import type { Contender, ContenderRun } from '../contenders/Contender';
import { memoryPorts } from '../memory/memoryPorts';

/** Options of {@link replayContender}. */
export interface ReplayContenderOptions {
  readonly id: string;
  readonly label: string;
  /** The consumer's configuration; the replay runs it with a parallelization factor of 1, as `streamtally replay` does. */
  readonly config: AggregatorConfig;
  /** Records per page (per GetRecords call and per processBatch call). */
  readonly pageSize: number;
  readonly diagnostic?: boolean;
}

/**
 * `streamtally replay`'s per-shard path, minus the network: each record as
 * the SDK hands GetRecords output over (bytes decoded from the wire's base64,
 * a Date arrival), turned into the core's record by recordFromKinesis, paged,
 * and run through replayShard (processBatch per page, the progress tracker
 * per page) into in-memory ports, the same ports the consumer core contender
 * writes to. Not included: the GetRecords requests themselves and the
 * replay's per-page progress write to DynamoDB (I/O, like the core's).
 */
export function replayContender(options: ReplayContenderOptions): Contender {
  const config: AggregatorConfig = { ...options.config, consumerName: 'replay:bench', parallelizationFactor: 1 };
  return {
    id: options.id,
    label: options.label,
    diagnostic: options.diagnostic ?? false,
    async run(batches: readonly KinesisStreamEvent[]): Promise<ContenderRun> {
      const memory = memoryPorts(config.dedupProducerIds);
      const first = batches[0]?.Records[0];
      const last = batches.at(-1)?.Records.at(-1);
      const shardId = first ? first.eventID.slice(0, first.eventID.lastIndexOf(':')) : 'shardId-000000000000';
      const progress = new ReplayProgress(
        [shardId],
        Math.round((first?.kinesis.approximateArrivalTimestamp ?? 0) * 1000),
        Math.round((last?.kinesis.approximateArrivalTimestamp ?? 0) * 1000),
      );
      const outcome = await replayShard(pages(batches, shardId, options.pageSize), {
        shardId,
        ports: memory.ports,
        config,
        onPage: (page) => {
          progress.page(shardId, page.records, page.lastArrivalMs);
          progress.snapshot();
        },
      });
      const { counts } = outcome;
      const calls = memory.calls();
      const storeWrites =
        (calls.aggregates.apply ?? 0) + (calls.claims.claim ?? 0) + (calls.checkpoints.advance ?? 0) + (calls.quarantine.put ?? 0);
      return {
        records: counts.records,
        counted: counts.aggregated,
        duplicates: counts.duplicates,
        rejected: counts.quarantined.invalid + counts.quarantined.late + counts.quarantined.future,
        storeWrites,
      };
    },
  };
}

/** The workload's records as GetRecords pages of `pageSize`, the last one ending the shard. */
async function* pages(batches: readonly KinesisStreamEvent[], shardId: string, pageSize: number): AsyncGenerator<ShardPage> {
  let page: StreamRecord[] = [];
  for (const batch of batches) {
    for (const { kinesis } of batch.Records) {
      // What the SDK's deserializer produces from the JSON response.
      const record: _Record = {
        SequenceNumber: kinesis.sequenceNumber,
        PartitionKey: kinesis.partitionKey,
        ApproximateArrivalTimestamp: new Date(Math.round(kinesis.approximateArrivalTimestamp * 1000)),
        Data: Buffer.from(kinesis.data, 'base64'),
      };
      page.push(recordFromKinesis(shardId, record));
      if (page.length === pageSize) {
        yield { records: page };
        page = [];
      }
    }
  }
  yield { records: page, stoppedBy: 'to' };
}
