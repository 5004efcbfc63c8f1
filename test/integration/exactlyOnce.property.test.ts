import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { CreateTableCommand, DeleteTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { AggregatorConfig } from '../../lambdas/aggregator/config';
import { parseGranularities, checkpointPk, padSequenceNumber, type StreamRecord } from '../../core';
import { processBatch, type BatchPorts } from '../../lambdas/aggregator/processBatch';
import { aggregateStore } from '../../lambdas/aggregator/store/createBatchPorts';
import { DynamoCheckpointStore } from '../../lambdas/aggregator/store/DynamoCheckpointStore';
import { DynamoClaimStore, wallClock } from '../../lambdas/aggregator/store/DynamoClaimStore';
import { DynamoDimensionRegistry } from '../../lambdas/aggregator/store/DynamoDimensionRegistry';
import { DynamoDistinctSketchStore } from '../../lambdas/aggregator/store/DynamoDistinctSketchStore';
import { DynamoSeenIdLedger } from '../../lambdas/aggregator/store/DynamoSeenIdLedger';
import { DynamoTopKeysStore } from '../../lambdas/aggregator/store/DynamoTopKeysStore';
import { S3QuarantineSink } from '../../lambdas/aggregator/store/S3QuarantineSink';
import { tablesFromTemplate } from '../../src/local/template/tablesFromTemplate';
import { dynamoClient, s3Client } from '../support/clients';
import { outputLogicalId, synthesizedTemplate } from '../support/synthesizedTemplate';
import { gatedDynamo, openGate, reopen, withWriteFault, type RequestGate } from './support/faultyPorts';
import { expectedAggregates, expectedTopKeys } from './support/expectedAggregates';
import { deliverLane, type InvocationResult } from './support/lambdaDelivery';
import {
  expectedBins,
  expectedSketches,
  PROPERTY_MEASURES,
  PROPERTY_MEASURES_CONCURRENT,
  withDerivedCells,
  type CountedEvent,
} from './support/expectedMeasures';
import { listQuarantined, quarantineId, scanAggregates, scanBins, scanSketches, scanTopKeys } from './support/readBack';
import { shardOf, T0, workloadArb, type GeneratedRecord, type Workload } from './support/workload';

const WINDOWS = '1m:7d,1h:90d,1d:1100d';
const BUCKET = 'quarantine';
const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);
const TOP_KEYS_DEPTH = 2;

type Fault =
  | { kind: 'none' }
  | { kind: 'crash'; atWrite: number; appliedBeforeCrash: boolean }
  | { kind: 'fail'; atWrite: number }
  | { kind: 'lostResponse' }
  | { kind: 'twice' }
  | { kind: 'newEnvironment' }
  | { kind: 'otherEnvironment' };

const faultArb: fc.Arbitrary<Fault> = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.record({ kind: fc.constant('crash' as const), atWrite: fc.nat(40), appliedBeforeCrash: fc.boolean() }),
  fc.record({ kind: fc.constant('fail' as const), atWrite: fc.nat(40) }),
  fc.constant({ kind: 'lostResponse' as const }),
  fc.constant({ kind: 'twice' as const }),
  // Lambda runs the batch in a new execution environment: nothing cached.
  fc.constant({ kind: 'newEnvironment' as const }),
  // ...or in the other warm one, whose caches are as old as its last batch.
  fc.constant({ kind: 'otherEnvironment' as const }),
);

const scheduleArb = fc
  .record({
    batchSize: fc.integer({ min: 1, max: 12 }),
    bisect: fc.boolean(),
    parallelizationFactor: fc.constantFrom(1, 1, 2),
    dedup: fc.constantFrom(true, true, true, false),
    faults: fc.array(faultArb, { maxLength: 12 }),
    replayAtEnd: fc.boolean(),
    // Small budgets fill a window's page within a few keys, so keys overflow to per-key items mid-run; 0: per-key items only.
    pageBudgetBytes: fc.constantFrom(0, 150, 300, 600, 4096),
  })
  // Concurrent batches per shard are only offered with producer-id claims (config.ts refuses the rest).
  .map((schedule) => ({ ...schedule, dedup: schedule.dedup || schedule.parallelizationFactor > 1 }));
type Schedule = typeof scheduleArb extends fc.Arbitrary<infer S> ? S : never;

describe('exactly-once aggregation against dynalite and s3rver', () => {
  const dynamo = dynamoClient(inject('dynamoEndpoint'));
  const s3 = s3Client(inject('s3Endpoint'));
  const template = synthesizedTemplate();
  const tables = tablesFromTemplate(template, (logicalId) => `${logicalId}-${process.pid}`);
  const aggregatesTable = tables.find((table) => table.logicalId === outputLogicalId(template, 'AggregatesTableName'))!;
  const checkpointTable = tables.find((table) => table.logicalId === outputLogicalId(template, 'CheckpointTableName'))!;
  let run = 0;

  beforeAll(async () => {
    await dynamo.send(new CreateTableCommand(checkpointTable.input));
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET })).catch(() => undefined);
  });

  it(`aggregates equal a recomputation from the unique valid events over ${RUNS} random delivery schedules`, async () => {
    await fc.assert(
      fc.asyncProperty(workloadArb, scheduleArb, async (workload, schedule) => {
        run += 1;
        const consumerName = `run${process.pid}-${run}`;
        const tableName = `aggregates-${consumerName}`;
        await dynamo.send(new CreateTableCommand({ ...aggregatesTable.input, TableName: tableName }));
        try {
          await deliverAll(workload, schedule, consumerName, tableName);
          await assertExactlyOnce(workload, schedule, consumerName, tableName);
        } finally {
          await dynamo.send(new DeleteTableCommand({ TableName: tableName }));
        }
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  }, 600_000);

  async function deliverAll(workload: Workload, schedule: Schedule, consumerName: string, tableName: string): Promise<void> {
    const config: AggregatorConfig = {
      granularities: parseGranularities(WINDOWS),
      allowedLatenessMs: 3_600_000,
      maxClockSkewMs: 300_000,
      consumerName,
      dedupProducerIds: schedule.dedup,
      dedupRetentionMs: 7 * 86_400_000,
      parallelizationFactor: schedule.parallelizationFactor,
      maxRecordBytes: 1_048_576,
      writeConcurrency: 4,
      pageBudgetBytes: schedule.pageBudgetBytes,
      // page_view keeps distinct users, quantiles, a country dimension and a total (support/expectedMeasures.ts).
      measures: measuresOf(schedule),
    };
    const now = () => T0 + 45 * 60_000;
    // As createBatchPorts wires them: the seen-id ledger with one batch at a
    // time per shard, a claim per event with concurrent batches.
    const withLedger = schedule.dedup && schedule.parallelizationFactor === 1;
    // Each environment's aggregate requests pass its gate, so a fault can land between a page's write and its per-key items.
    const gates = new Map<BatchPorts, RequestGate>();
    const environment = (): BatchPorts => {
      const gate = openGate();
      const ports = environmentPorts(gate);
      gates.set(ports, gate);
      return ports;
    };
    const environmentPorts = (gate: RequestGate): BatchPorts => ({
      aggregates: aggregateStore(gatedDynamo(dynamo, gate), config, tableName),
      checkpoints: new DynamoCheckpointStore(dynamo, checkpointTable.input.TableName!, consumerName),
      quarantine: new S3QuarantineSink(s3, BUCKET, consumerName),
      // The consumer's clock, fixed: on the wall clock the generated arrivals (T0) pass the 7-day dedup horizon a week after T0.
      claims:
        schedule.dedup && !withLedger
          ? new DynamoClaimStore(dynamo, checkpointTable.input.TableName!, consumerName, wallClock(now))
          : undefined,
      seenIds: withLedger
        ? new DynamoSeenIdLedger(dynamo, checkpointTable.input.TableName!, consumerName, config.allowedLatenessMs)
        : undefined,
      // Shallow, so that keys fall off and come back within a few events.
      topKeys: new DynamoTopKeysStore(dynamo, tableName, TOP_KEYS_DEPTH),
      dimensions: new DynamoDimensionRegistry(dynamo, checkpointTable.input.TableName!, consumerName),
      distinct: new DynamoDistinctSketchStore(dynamo, tableName),
    });
    const warm = [environment(), environment()];
    let current = 0;
    const faults = [...schedule.faults];
    const invoke = async (batch: readonly StreamRecord[]): Promise<InvocationResult> => {
      const fault = faults.shift() ?? { kind: 'none' };
      const shardId = batch[0].shardId;
      if (fault.kind === 'newEnvironment') warm[current] = environment();
      if (fault.kind === 'otherEnvironment') current = 1 - current;
      const ports = warm[current]!;
      try {
        if (fault.kind === 'crash' || fault.kind === 'fail') {
          const gate = gates.get(ports)!;
          const faulty = withWriteFault(ports, fault, gate);
          try {
            const outcome = await processBatch(batch, faulty.ports, config, now);
            return faulty.crashed() ? { kind: 'error' } : { kind: 'ok', failedFrom: outcome.failedFrom.get(shardId) };
          } finally {
            reopen(gate);
          }
        }
        if (fault.kind === 'twice') {
          // Two environments at once: this one and one that has cached nothing.
          const [first] = await Promise.all([processBatch(batch, ports, config, now), processBatch(batch, environment(), config, now)]);
          return { kind: 'ok', failedFrom: first.failedFrom.get(shardId) };
        }
        const outcome = await processBatch(batch, ports, config, now);
        return fault.kind === 'lostResponse' ? { kind: 'error' } : { kind: 'ok', failedFrom: outcome.failedFrom.get(shardId) };
      } catch (error) {
        if (process.env.DEBUG_DELIVERY) console.error(error);
        return { kind: 'error' };
      }
    };
    const lanes = lanesOf(workload.records, schedule.parallelizationFactor);
    const options = { batchSize: schedule.batchSize, bisect: schedule.bisect };
    await Promise.all(lanes.map((lane) => deliverLane(lane, options, invoke)));
    if (schedule.replayAtEnd) await Promise.all(lanes.map((lane) => deliverLane(lane, options, invoke)));
  }

  async function assertExactlyOnce(workload: Workload, schedule: Schedule, consumerName: string, tableName: string): Promise<void> {
    const quarantined = await listQuarantined(s3, BUCKET, `quarantine/${consumerName}/`);
    const counted: CountedEvent[] = [];
    for (const generated of workload.records) {
      const stored = quarantined.get(quarantineId(generated.record.sequenceNumber, generated.subSequenceNumber));
      const { intent } = generated;
      if (intent.kind === 'invalid' || intent.kind === 'future') {
        expect(stored?.reason, `record ${generated.record.sequenceNumber} (${intent.kind})`).toBe(intent.kind);
      } else if (intent.kind === 'lateCandidate') {
        if (stored) expect(stored.reason).toBe('late');
        else counted.push(intent);
      } else {
        expect(stored, `record ${generated.record.sequenceNumber} (${intent.kind}) must not be quarantined`).toBeUndefined();
        if (intent.kind === 'event' || !schedule.dedup) counted.push(generated.event!);
      }
    }
    expect(quarantined.size).toBe(
      workload.records.filter((generated) => quarantined.has(quarantineId(generated.record.sequenceNumber, generated.subSequenceNumber)))
        .length,
    );
    const actual = await scanAggregates(dynamo, tableName);
    // Dimension and total cells included: they are ordinary aggregate items.
    const measures = measuresOf(schedule);
    const expected = expectedAggregates(withDerivedCells(counted, measures), WINDOWS);
    expect(actual).toEqual(expected);
    // The declared measures equal a recomputation: the bins, and the sketches' bytes.
    expect(await scanBins(dynamo, tableName)).toEqual(expectedBins(counted, measures, WINDOWS));
    expect(await scanSketches(dynamo, tableName)).toEqual(expectedSketches(counted, measures, WINDOWS));
    // Top-N answers equal a brute-force ranking of the expected counts.
    expect(await scanTopKeys(dynamo, tableName, TOP_KEYS_DEPTH)).toEqual(expectedTopKeys(expected, TOP_KEYS_DEPTH));
    await assertCheckpoints(workload, consumerName);
  }

  async function assertCheckpoints(workload: Workload, consumerName: string): Promise<void> {
    const lastByShard = new Map<string, string>();
    for (const { record } of workload.records) lastByShard.set(record.shardId, record.sequenceNumber);
    for (const [shardId, sequenceNumber] of lastByShard) {
      const { Item } = await dynamo.send(
        new GetItemCommand({
          TableName: checkpointTable.input.TableName!,
          Key: { pk: { S: checkpointPk(consumerName) }, sk: { S: shardId } },
        }),
      );
      expect(Item?.sequence?.S, `checkpoint of ${shardId}`).toBe(padSequenceNumber(sequenceNumber));
    }
  }
});

/** The declaration a schedule runs with: dimensions and a total only with one batch at a time per shard (config.ts). */
function measuresOf(schedule: { parallelizationFactor: number }) {
  return schedule.parallelizationFactor > 1 ? PROPERTY_MEASURES_CONCURRENT : PROPERTY_MEASURES;
}

/** Splits records into what Lambda delivers in order: per shard, and per partition-key lane when the factor is above 1. */
function lanesOf(records: readonly GeneratedRecord[], parallelizationFactor: number): StreamRecord[][] {
  const lanes = new Map<string, StreamRecord[]>();
  const seen = new Set<StreamRecord>();
  for (const { record } of records) {
    // The user records of one KPL aggregate share their Kinesis record.
    if (seen.has(record)) continue;
    seen.add(record);
    const lane = `${record.shardId}/${shardOf(`${record.partitionKey}|lane`, parallelizationFactor)}`;
    const list = lanes.get(lane);
    if (list) list.push(record);
    else lanes.set(lane, [record]);
  }
  return [...lanes.values()];
}
