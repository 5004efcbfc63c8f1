import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { AggregatorConfig } from '../../lambdas/aggregator/config';
import { parseGranularities, type StreamRecord } from '../../core';
import { processBatch, type BatchOutcome, type BatchPorts } from '../../lambdas/aggregator/processBatch';
import { DynamoAggregateStore } from '../../lambdas/aggregator/store/DynamoAggregateStore';
import { DynamoCheckpointStore } from '../../lambdas/aggregator/store/DynamoCheckpointStore';
import { DynamoSeenIdLedger } from '../../lambdas/aggregator/store/DynamoSeenIdLedger';
import { tablesFromTemplate } from '../../src/local/template/tablesFromTemplate';
import { dynamoClient } from '../support/clients';
import { outputLogicalId, synthesizedTemplate } from '../support/synthesizedTemplate';
import { SimulatedCrash, withWriteFault } from './support/faultyPorts';
import { scanAggregates } from './support/readBack';

const MINUTE = Date.parse('2026-11-26T12:34:00.000Z');
const LATENESS_MS = 3_600_000;

/** A page view of `key` at `second` past MINUTE, as shard `shardId`'s record `sequence`. */
function record(shardId: string, sequence: number, id: string, key: string, second = 1): StreamRecord {
  const event = { id, type: 'page_view', key, ts: new Date(MINUTE + second * 1000).toISOString() };
  return {
    shardId,
    sequenceNumber: String(sequence),
    partitionKey: key,
    arrivalMs: MINUTE + 60_000,
    data: Buffer.from(JSON.stringify(event)),
  };
}

describe('the seen-id ledger: producer retries dropped across batches, environments and reshards', () => {
  const dynamo = dynamoClient(inject('dynamoEndpoint'));
  const template = synthesizedTemplate();
  const tables = tablesFromTemplate(template, (logicalId) => `${logicalId}-ledger-${process.pid}`);
  const aggregatesTable = tables.find((table) => table.logicalId === outputLogicalId(template, 'AggregatesTableName'))!.input.TableName!;
  const checkpointTable = tables.find((table) => table.logicalId === outputLogicalId(template, 'CheckpointTableName'))!.input.TableName!;
  let consumer = 0;

  beforeAll(async () => {
    await Promise.all(tables.map((table) => dynamo.send(new CreateTableCommand(table.input))));
  });

  /** A consumer's configuration and a way to make a fresh execution environment of it. */
  function newConsumer() {
    const consumerName = `ledger${++consumer}`;
    const config: AggregatorConfig = {
      granularities: parseGranularities('1m:7d'),
      allowedLatenessMs: LATENESS_MS,
      maxClockSkewMs: 300_000,
      consumerName,
      dedupProducerIds: true,
      dedupRetentionMs: 7 * 86_400_000,
      parallelizationFactor: 1,
      maxRecordBytes: 1_048_576,
      writeConcurrency: 4,
    };
    const environment = (): BatchPorts => ({
      aggregates: new DynamoAggregateStore(dynamo, aggregatesTable),
      checkpoints: new DynamoCheckpointStore(dynamo, checkpointTable, consumerName),
      quarantine: { put: async () => undefined },
      seenIds: new DynamoSeenIdLedger(dynamo, checkpointTable, consumerName, LATENESS_MS),
    });
    const run = (ports: BatchPorts, records: StreamRecord[]): Promise<BatchOutcome> =>
      processBatch(records, ports, config, () => MINUTE + 120_000);
    return { consumerName, environment, run };
  }

  async function countOf(key: string): Promise<number | undefined> {
    return (await scanAggregates(dynamo, aggregatesTable)).get(`page_view#1m#${key}|2026-11-26T12:34:00.000Z`)?.count;
  }

  it('drops a retry that another warm environment counted, after this one had cached the same minute', async () => {
    // Prepare: two warm environments take turns on one shard.
    const { environment, run } = newConsumer();
    const [first, second] = [environment(), environment()];
    const shard = 'shardId-000000000000';
    // Act
    await run(first, [record(shard, 1, 'a1', '/alt'), record(shard, 2, 'a2', '/alt')]);
    await run(second, [record(shard, 3, 'a3', '/alt')]);
    const third = await run(first, [record(shard, 4, 'a3', '/alt'), record(shard, 5, 'a1', '/alt')]);
    // Assess
    expect(third.stats).toMatchObject({ aggregated: 0, duplicates: 2 });
    expect(await countOf('/alt')).toBe(3);
  });

  it('ignores what a batch recorded but did not commit: a redelivered record counts, as an aggregated event', async () => {
    // Prepare: the environment dies after recording the ids, before the checkpoint moves.
    const { environment, run } = newConsumer();
    const shard = 'shardId-000000000000';
    const ports = environment();
    const batch = [record(shard, 10, 'c1', '/crash'), record(shard, 11, 'c2', '/crash')];
    // Writes: 1 aggregate update, 1 ledger record, then the checkpoint (index 2).
    const faulty = withWriteFault(ports, { kind: 'crash', atWrite: 2, appliedBeforeCrash: false });
    await expect(run(faulty.ports, batch)).rejects.toBeInstanceOf(SimulatedCrash);
    // Act: Lambda delivers the batch again, to the same and to a new environment.
    const again = await run(ports, batch);
    const elsewhere = await run(environment(), [...batch, record(shard, 12, 'c1', '/crash')]);
    // Assess
    expect(again.stats).toMatchObject({ aggregated: 2, duplicates: 0 });
    expect(elsewhere.stats).toMatchObject({ records: 1, duplicates: 1 });
    expect(await countOf('/crash')).toBe(2);
  });

  it('lets a child shard drop a retry its finished parent counted, but not one the parent never committed', async () => {
    // Prepare: the parent counts p1; a later batch of it records p2 and dies before its checkpoint.
    const { environment, run } = newConsumer();
    const parent = 'shardId-000000000001';
    const child = 'shardId-000000000002';
    await run(environment(), [record(parent, 20, 'p1', '/reshard')]);
    const dying = withWriteFault(environment(), { kind: 'crash', atWrite: 2, appliedBeforeCrash: false });
    await expect(run(dying.ports, [record(parent, 21, 'p2', '/reshard', 2)])).rejects.toBeInstanceOf(SimulatedCrash);
    // Act: after the split, the producer's retries land on the child.
    const outcome = await run(environment(), [record(child, 30, 'p1', '/reshard'), record(child, 31, 'p2', '/reshard', 2)]);
    // Assess: p1 was committed on the parent; p2's entry is past the parent's checkpoint.
    expect(outcome.stats).toMatchObject({ aggregated: 1, duplicates: 1 });
  });

  it('writes one ledger item per batch and minute of event time, and reads nothing while its cache is current', async () => {
    // Prepare
    const { environment, run } = newConsumer();
    const shard = 'shardId-000000000000';
    const sent: string[] = [];
    const recording = dynamoClient(inject('dynamoEndpoint'));
    recording.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { TableName?: string; Item?: { pk?: { S?: string } }; KeyConditionExpression?: string };
        if (input.TableName === checkpointTable)
          sent.push(`${context.commandName}${input.Item?.pk?.S?.startsWith('seen#') ? ' seen' : ''}`);
        return next(args);
      },
      { step: 'initialize' },
    );
    const ports: BatchPorts = {
      ...environment(),
      seenIds: new DynamoSeenIdLedger(recording, checkpointTable, `${consumer}-metered`, LATENESS_MS),
    };
    const batch = (from: number) => Array.from({ length: 50 }, (_, i) => record(shard, from + i, `m${from + i}`, `/m${i % 7}`, i % 50));
    // Act
    await run(ports, batch(100));
    sent.length = 0;
    await run(ports, batch(200));
    // Assess: the second batch only writes its one entry.
    expect(sent).toEqual(['PutItemCommand seen']);
  });
});
