import type { KinesisStreamEvent } from 'aws-lambda';
import { configFromEnv } from '../../lambdas/aggregator/config';
import { processBatch } from '../../lambdas/aggregator/processBatch';
import { createBatchPorts } from '../../lambdas/aggregator/store/createBatchPorts';
import { streamRecordsFromEvent } from '../../lambdas/aggregator/streamRecordsFromEvent';
import type { LocalEmulators } from './localEmulators';
import type { LoggedRequest } from './RequestLog';

const WRITE_COMMANDS = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);
const READ_COMMANDS = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand']);
const CONSUMER_NAME = 'bench';

/** What the real adapters sent for one consumer run against dynalite and s3rver. */
export interface DynamoWritesResult {
  readonly dedup: boolean;
  readonly records: number;
  readonly batches: number;
  readonly counted: number;
  readonly duplicates: number;
  readonly quarantined: number;
  readonly wallMs: number;
  /** End to end through the SDK, HTTP and an emulator sharing this process: informational. */
  readonly eventsPerSecond: number;
  /** UpdateItem on the aggregates table, first tries and writes after a re-read. */
  readonly aggregateUpdates: number;
  /** Of those, how many failed their condition (DynamoDB bills them as writes too). */
  readonly aggregateUpdatesConditionFailed: number;
  /** Sum over batches of the distinct aggregate items each batch wrote. */
  readonly distinctItemsTouched: number;
  /** aggregateUpdates / distinctItemsTouched. */
  readonly aggregateUpdatesPerDistinctItem: number;
  /** The same ratio in the batch where it was highest. */
  readonly worstBatchUpdatesPerDistinctItem: number;
  /** GetItem on the aggregates table: re-reads after a failed condition. */
  readonly aggregateRereads: number;
  readonly claimPuts: number;
  readonly claimPutsConditionFailed: number;
  readonly checkpointWrites: number;
  readonly checkpointReads: number;
  /** S3 PutObject of quarantined records. */
  readonly quarantinePuts: number;
  /** Every DynamoDB write request (PutItem, UpdateItem, ...), checkpoints included. */
  readonly dynamoWrites: number;
  readonly dynamoWritesPerEvent: number;
  readonly dynamoWritesPerEventExcludingCheckpoints: number;
  readonly dynamoReads: number;
  /** Requests by SDK command, `Command target` style. */
  readonly requestsByCommand: Record<string, number>;
  /** HTTP attempts minus commands: retries the SDK made. */
  readonly retries: number;
}

/**
 * Runs processBatch with the real DynamoDB and S3 adapters over `batches`,
 * one batch at a time as one Lambda on one shard would, into fresh tables,
 * and counts what was sent.
 */
export async function measureDynamoWrites(
  emulators: LocalEmulators,
  batches: readonly KinesisStreamEvent[],
  dedup: boolean,
  nowMs: number,
): Promise<DynamoWritesResult> {
  const { aggregatesTable, checkpointTable } = await emulators.createTables(dedup ? 'dedup-on' : 'dedup-off');
  const { config, resources } = configFromEnv({
    CONSUMER_NAME,
    AGGREGATES_TABLE: aggregatesTable,
    CHECKPOINT_TABLE: checkpointTable,
    QUARANTINE_BUCKET: emulators.bucket,
    DEDUP_PRODUCER_IDS: String(dedup),
  });
  const now = () => nowMs;
  const ports = createBatchPorts({ dynamo: emulators.dynamo, s3: emulators.s3 }, config, resources, now);

  const { log } = emulators;
  const start = log.mark();
  const attemptsBefore = log.attempts;
  let records = 0;
  let counted = 0;
  let duplicates = 0;
  let quarantined = 0;
  let distinctItemsTouched = 0;
  let worstBatchRatio = 0;
  const started = process.hrtime.bigint();
  for (const batch of batches) {
    const batchStart = log.mark();
    const outcome = await processBatch(streamRecordsFromEvent(batch), ports, config, now);
    if (outcome.failedFrom.size > 0) throw new Error(`a batch failed against dynalite: ${String(outcome.errors[0])}`);
    records += outcome.stats.records;
    counted += outcome.stats.aggregated;
    duplicates += outcome.stats.duplicates;
    quarantined += outcome.stats.quarantined.invalid + outcome.stats.quarantined.late + outcome.stats.quarantined.future;
    const aggregateUpdates = log.since(batchStart).filter((request) => isCommandOn(request, 'UpdateItemCommand', aggregatesTable));
    const distinct = new Set(aggregateUpdates.map((request) => request.itemKey)).size;
    distinctItemsTouched += distinct;
    if (distinct > 0) worstBatchRatio = Math.max(worstBatchRatio, aggregateUpdates.length / distinct);
  }
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;

  const requests = log.since(start);
  const on = (command: string, target: string) => requests.filter((request) => isCommandOn(request, command, target));
  const aggregateUpdates = on('UpdateItemCommand', aggregatesTable);
  const claimPuts = on('PutItemCommand', checkpointTable);
  const checkpointWrites = on('UpdateItemCommand', checkpointTable).length;
  const dynamoWrites = requests.filter((request) => WRITE_COMMANDS.has(request.command)).length;
  const requestsByCommand: Record<string, number> = {};
  for (const request of requests) {
    const table = request.target === aggregatesTable ? 'aggregates' : request.target === checkpointTable ? 'checkpoints' : request.target;
    const name = `${request.command.replace(/Command$/, '')} ${table}`;
    requestsByCommand[name] = (requestsByCommand[name] ?? 0) + 1;
  }
  return {
    dedup,
    records,
    batches: batches.length,
    counted,
    duplicates,
    quarantined,
    wallMs,
    eventsPerSecond: records / (wallMs / 1000),
    aggregateUpdates: aggregateUpdates.length,
    aggregateUpdatesConditionFailed: aggregateUpdates.filter((request) => request.conditionFailed).length,
    distinctItemsTouched,
    aggregateUpdatesPerDistinctItem: aggregateUpdates.length / distinctItemsTouched,
    worstBatchUpdatesPerDistinctItem: worstBatchRatio,
    aggregateRereads: on('GetItemCommand', aggregatesTable).length,
    claimPuts: claimPuts.length,
    claimPutsConditionFailed: claimPuts.filter((request) => request.conditionFailed).length,
    checkpointWrites,
    checkpointReads: on('GetItemCommand', checkpointTable).length,
    quarantinePuts: on('PutObjectCommand', emulators.bucket).length,
    dynamoWrites,
    dynamoWritesPerEvent: dynamoWrites / records,
    dynamoWritesPerEventExcludingCheckpoints: (dynamoWrites - checkpointWrites) / records,
    dynamoReads: requests.filter((request) => READ_COMMANDS.has(request.command)).length,
    requestsByCommand,
    retries: log.attempts - attemptsBefore - requests.length,
  };
}

function isCommandOn(request: LoggedRequest, command: string, target: string): boolean {
  return request.command === command && request.target === target;
}
