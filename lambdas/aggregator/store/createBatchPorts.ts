import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_TOP_KEYS_DEPTH, type AggregatorConfig, type AggregatorResources } from '../config';
import type { BatchPorts } from '../processBatch';
import type { AggregateStore } from './ports';
import { DynamoAggregateStore } from './DynamoAggregateStore';
import { DynamoCellPageStore } from './DynamoCellPageStore';
import { DynamoCheckpointStore } from './DynamoCheckpointStore';
import { DynamoClaimStore, wallClock } from './DynamoClaimStore';
import { DynamoDimensionRegistry } from './DynamoDimensionRegistry';
import { DynamoDistinctSketchStore } from './DynamoDistinctSketchStore';
import { DynamoPreviousWindowReader } from './DynamoPreviousWindowReader';
import { DynamoSeenIdLedger } from './DynamoSeenIdLedger';
import { DynamoTopKeysStore } from './DynamoTopKeysStore';
import { S3QuarantineSink } from './S3QuarantineSink';

/** The SDK clients the real adapters talk through. */
export interface BatchPortClients {
  readonly dynamo: DynamoDBClient;
  readonly s3: S3Client;
}

/**
 * The consumer's ports over DynamoDB and S3, wired as the Lambda handler wires
 * them. The handler, the benchmarks and the billing meter all build them here,
 * so what is measured is what is deployed.
 */
export function createBatchPorts(
  clients: BatchPortClients,
  config: AggregatorConfig,
  resources: AggregatorResources,
  now: () => number = Date.now,
): BatchPorts {
  const dedupWithLedger = config.dedupProducerIds && config.parallelizationFactor <= 1;
  return {
    aggregates: aggregateStore(clients.dynamo, config, resources.aggregatesTable),
    checkpoints: new DynamoCheckpointStore(clients.dynamo, resources.checkpointTable, config.consumerName),
    quarantine: new S3QuarantineSink(clients.s3, resources.quarantineBucket, config.consumerName),
    // One batch at a time per shard: the seen-id ledger. Concurrent batches of
    // a shard (parallelization factor above 1) need a claim per event.
    seenIds: dedupWithLedger
      ? new DynamoSeenIdLedger(clients.dynamo, resources.checkpointTable, config.consumerName, config.allowedLatenessMs)
      : undefined,
    claims:
      config.dedupProducerIds && !dedupWithLedger
        ? new DynamoClaimStore(clients.dynamo, resources.checkpointTable, config.consumerName, wallClock(now))
        : undefined,
    topKeys: new DynamoTopKeysStore(clients.dynamo, resources.aggregatesTable, config.topKeysDepth ?? DEFAULT_TOP_KEYS_DEPTH),
    dimensions: new DynamoDimensionRegistry(clients.dynamo, resources.checkpointTable, config.consumerName),
    distinct: new DynamoDistinctSketchStore(clients.dynamo, resources.aggregatesTable),
    previousWindows: new DynamoPreviousWindowReader(clients.dynamo, resources.aggregatesTable),
  };
}

/**
 * Cell pages with one batch at a time per shard; per-key items alone with
 * concurrent batches of a shard, whose lanes would each apply a different
 * prefix of the shard's contributions to a page (a page keeps one mark per
 * shard, a per-key item takes one lane's keys only).
 */
export function aggregateStore(dynamo: DynamoDBClient, config: AggregatorConfig, aggregatesTable: string): AggregateStore {
  const perKey = new DynamoAggregateStore(dynamo, aggregatesTable, config.measures);
  if (config.parallelizationFactor > 1 || config.pageBudgetBytes === 0) return perKey;
  return new DynamoCellPageStore(dynamo, aggregatesTable, perKey, config.measures, {
    budgetBytes: config.pageBudgetBytes,
    topKeysDepth: config.topKeysDepth ?? DEFAULT_TOP_KEYS_DEPTH,
  });
}
