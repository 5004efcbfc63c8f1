import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AggregatorConfig } from '../../lambdas/aggregator/config';
import type { BatchPorts } from '../../lambdas/aggregator/processBatch';
import { DynamoAggregateStore } from '../../lambdas/aggregator/store/DynamoAggregateStore';
import { arrivalClock, DynamoClaimStore } from '../../lambdas/aggregator/store/DynamoClaimStore';
import { DynamoCheckpointStore } from '../../lambdas/aggregator/store/DynamoCheckpointStore';
import { DynamoDimensionRegistry } from '../../lambdas/aggregator/store/DynamoDimensionRegistry';
import { DynamoDistinctSketchStore } from '../../lambdas/aggregator/store/DynamoDistinctSketchStore';
import type { QuarantineSink } from '../../lambdas/aggregator/store/ports';

/** Where a replay writes. Deliberately no live aggregates table here: the ports cannot reach it. */
export interface ReplayTables {
  readonly shadowTable: string;
  readonly checkpointTable: string;
}

/**
 * A quarantine that keeps nothing. The live consumer already stored every bad
 * record it met; a replay storing them again (under any prefix of the same
 * bucket) would show them twice in `quarantine list` and send them twice with
 * `quarantine redrive`. processBatch still counts them in its stats, which is
 * what the replay reports.
 */
export const discardQuarantine: QuarantineSink = { put: async () => undefined };

/**
 * processBatch's ports for a replay: the consumer's own DynamoDB adapters,
 * pointed at the shadow namespace. Aggregates go to the shadow table through
 * DynamoAggregateStore, unchanged, so the shadow items carry the same
 * per-shard high-water marks as live ones; checkpoints go to the live
 * checkpoint table under the replay's consumer name; claims to the shadow
 * table, judged on the arrival clock (see arrivalClock). The replay counts
 * each id once within its own namespace, never consulting (or writing) the
 * live consumer's claims, which name other records' owners and may have
 * expired. The shadow table has no TTL, so claims stay until the shadow is
 * dropped: a claim swept mid-replay would let a retry count twice.
 *
 * Declared measures (docs/measures.md) are written as live: quantile bins on
 * the shadow items, distinct sketches in the shadow table. Dimension buckets
 * are decided by a registry under the replay's consumer name, never the live
 * one (a replay must not admit values for the live consumer): below a
 * dimension's cap the buckets are the values themselves, as live; past it,
 * which values got their own bucket is first come, so a replay that meets the
 * values in another order than the live consumer did can show drift in those
 * cells (docs/replay.md).
 */
export function replayPorts(dynamo: DynamoDBClient, tables: ReplayTables, config: AggregatorConfig): BatchPorts {
  return {
    aggregates: new DynamoAggregateStore(dynamo, tables.shadowTable, config.measures),
    checkpoints: new DynamoCheckpointStore(dynamo, tables.checkpointTable, config.consumerName),
    quarantine: discardQuarantine,
    claims: config.dedupProducerIds
      ? new DynamoClaimStore(dynamo, tables.shadowTable, config.consumerName, arrivalClock(config.dedupRetentionMs))
      : undefined,
    dimensions: new DynamoDimensionRegistry(dynamo, tables.checkpointTable, config.consumerName),
    distinct: new DynamoDistinctSketchStore(dynamo, tables.shadowTable),
  };
}
