import type { KinesisStreamEvent } from 'aws-lambda';
import { configFromEnv } from '../../lambdas/aggregator/config';
import { processBatch } from '../../lambdas/aggregator/processBatch';
import { createBatchPorts } from '../../lambdas/aggregator/store/createBatchPorts';
import { streamRecordsFromEvent } from '../../lambdas/aggregator/streamRecordsFromEvent';
import { dynamoClient } from '../../test/support/clients';
import { startLocalEmulators, type LocalEmulators } from '../dynamo/localEmulators';
import { DEFAULT_WORKLOAD, generateWorkload, type WorkloadOptions } from '../workload';
import { BillingMeter } from './BillingMeter';
import { billedFigures, type BilledFigures } from './billedFigures';
import { runPowertoolsDynamoWay } from './powertoolsDynamoWay';
import { splitToShards } from './splitToShards';
import { MEASURED_DECLARATION_TEXT, measuredEnv } from '../measures/declaration';

/** The workloads the cost section prices, by name. */
export const COST_WORKLOADS = {
  /** 100 keys drawn uniformly: every batch hits the same few items. */
  hot: { keys: 100, zipfExponent: 0 },
  /** 10,000 keys, Zipf s = 1: a few hot keys and a long tail. */
  zipf: { keys: 10_000, zipfExponent: 1 },
  /** Every event a key never seen before: nothing to pre-aggregate. */
  tail: { keys: 1, zipfExponent: 0, uniqueKeys: true },
} as const satisfies Record<string, Pick<WorkloadOptions, 'keys' | 'zipfExponent' | 'uniqueKeys'>>;
export type CostWorkload = keyof typeof COST_WORKLOADS;

export const COST_SHARDS = [1, 4] as const;
/** The consumer's environment without cell pages: the layout they replaced, priced beside them. */
const PER_KEY_LAYOUT = { PAGE_BUDGET_BYTES: '0' } as const;
/** A realistic share of producer retries (same id re-sent), so dedup has work to do. */
const PRODUCER_RETRY_RATE = 0.01;
const BATCH_SIZE = 500;
/**
 * The batch sizes the batching trade is priced at: Lambda's default for
 * Kinesis (100), streamtally's default (500), and up to Lambda's maximum
 * (10,000). A larger batch folds more events into each item write, and costs
 * freshness: the batching window has to hold it open until it fills.
 */
export const SWEEP_BATCH_SIZES = [100, 500, 2_000, 10_000] as const;
/** The workloads the batching trade is priced on: the ones whose keys repeat within a batch. */
/** Records each sweep run processes unpriced first: one batch of the largest size. */
const SWEEP_WARMUP_RECORDS = 10_000;
export const SWEEP_WORKLOADS = ['hot', 'zipf'] as const satisfies readonly CostWorkload[];

/** One (workload, shards, dedup) run of the real consumer, priced. */
export interface CostRun extends BilledFigures {
  readonly counted: number;
  readonly duplicates: number;
  readonly quarantined: number;
  readonly batches: number;
  readonly wallSeconds: number;
}

/** The Powertools way over the same events, priced by the same meter. */
export interface PowertoolsCostRun extends BilledFigures {
  readonly counted: number;
  readonly rejected: number;
  readonly wallSeconds: number;
}

/** What `--only cost` reports: `runs.<workload>.<shards>.<on|off>`, the contender per workload, and the ratios. */
export interface CostResult {
  readonly eventsPerRun: number;
  readonly batchSize: number;
  readonly producerRetryRate: number;
  readonly runs: Record<CostWorkload, Record<string, { on: CostRun; off: CostRun }>>;
  readonly powertools: Record<CostWorkload, PowertoolsCostRun>;
  /**
   * streamtally's billed write units per event ÷ the Powertools way's, per
   * workload, shards and dedup; `headline` is zipf, 1 shard, dedup on.
   */
  readonly ratioToPowertools: { readonly headline: number } & Record<CostWorkload, Record<string, { on: number; off: number }>>;
  /**
   * The same runs (dedup on) with cell pages turned off (`PAGE_BUDGET_BYTES=0`):
   * one item per (type, key, granularity, window), the layout before cell
   * pages, priced in the same run: `perKeyLayout.<workload>.<shards>`.
   */
  readonly perKeyLayout: Record<CostWorkload, Record<string, CostRun>>;
  /** `runs.<workload>.<shards>.on` ÷ `perKeyLayout.<workload>.<shards>` in write units per event. */
  readonly ratioToPerKeyLayout: Record<CostWorkload, Record<string, number>>;
  /** The batching trade, 1 shard, dedup on: `batchSizeSweep.<workload>.<batch size>`. */
  readonly batchSizeSweep: BatchSizeSweep;
  /** What the declared measures add: the same events with and without them. */
  readonly measures: MeasuresCost;
}

/**
 * The zipf workload with users, countries and latencies in its events (1 shard,
 * dedup on), priced with nothing declared and with bench/measures/declaration.ts
 * declared on every type: what a distinct count, quantiles, a dimension and a
 * total cost in billed units per event.
 */
export interface MeasuresCost {
  readonly eventsPerRun: number;
  readonly declaration: string;
  readonly plain: CostRun;
  readonly declared: CostRun;
  readonly addedWriteUnitsPerEvent: number;
  readonly addedReadUnitsPerEvent: number;
  /**
   * The same two runs with their first quarter of records unpriced: the items
   * of the run's windows (and their sketches, bins and index entries) exist,
   * as in a stream running for a while, so these are steady-state figures.
   */
  readonly steady: {
    readonly warmupRecords: number;
    readonly plain: CostRun;
    readonly declared: CostRun;
    readonly addedWriteUnitsPerEvent: number;
    readonly addedReadUnitsPerEvent: number;
  };
}

/** Billed units per event by batch size, over `eventsPerRun` records of each workload. */
export interface BatchSizeSweep {
  readonly eventsPerRun: number;
  /** Records of each run processed before the meter starts (batches of the same size). */
  readonly warmupRecords: number;
  readonly runs: Record<(typeof SWEEP_WORKLOADS)[number], Record<string, CostRun>>;
}

/** Options of {@link measureCost}. */
export interface MeasureCostOptions {
  /** Kinesis records per run (all shards together). @default 12,000 */
  readonly events?: number;
  /** Records the Powertools way is priced over, the first of each workload's. @default events */
  readonly powertoolsEvents?: number;
  /** Records per run of the batch-size sweep: enough for several of the largest batches. @default 40,000 */
  readonly sweepEvents?: number;
  readonly onProgress?: (message: string) => void;
}

/**
 * Runs processBatch with the real adapters (built by createBatchPorts, so any
 * redesign of the stores is what gets priced) against dynalite and s3rver,
 * for each workload × shard count × dedup on/off, into fresh tables, with
 * every DynamoDB request priced by the billing meter; then the Powertools way
 * over the same events through the same meter.
 */
export async function measureCost(options: MeasureCostOptions = {}): Promise<CostResult> {
  const events = options.events ?? 12_000;
  const powertoolsEvents = options.powertoolsEvents ?? events;
  const progress = options.onProgress ?? (() => undefined);
  const emulators = await startLocalEmulators();
  const probe = dynamoClient(emulators.dynamoEndpoint);
  const meter = new BillingMeter(probe);
  meter.attach(emulators.dynamo);
  try {
    const runs = {} as CostResult['runs'];
    const perKeyLayout = {} as CostResult['perKeyLayout'];
    const ratioToPerKeyLayout = {} as CostResult['ratioToPerKeyLayout'];
    const powertools = {} as CostResult['powertools'];
    for (const name of Object.keys(COST_WORKLOADS) as CostWorkload[]) {
      const workload = generateWorkload({
        ...DEFAULT_WORKLOAD,
        ...COST_WORKLOADS[name],
        records: events,
        batchSize: BATCH_SIZE,
        producerRetryRate: PRODUCER_RETRY_RATE,
      });
      const nowMs = workload.lastArrivalMs + 1_000;
      runs[name] = {};
      perKeyLayout[name] = {};
      ratioToPerKeyLayout[name] = {};
      for (const shards of COST_SHARDS) {
        const batches = splitToShards(workload.batches, shards, BATCH_SIZE);
        const pair = {} as { on: CostRun; off: CostRun };
        for (const dedup of [true, false]) {
          progress(`cost: ${name}, ${shards} shard(s), dedup ${dedup ? 'on' : 'off'}: ${batches.length} batches`);
          pair[dedup ? 'on' : 'off'] = await priceConsumerRun(
            emulators,
            meter,
            batches,
            dedup,
            nowMs,
            `${name}-${shards}-${dedup ? 'on' : 'off'}`,
          );
        }
        runs[name][String(shards)] = pair;
        progress(`cost: ${name}, ${shards} shard(s), dedup on, per-key items only (no cell pages): ${batches.length} batches`);
        const perKey = await priceConsumerRun(emulators, meter, batches, true, nowMs, `${name}-${shards}-perkey`, 0, PER_KEY_LAYOUT);
        perKeyLayout[name][String(shards)] = perKey;
        ratioToPerKeyLayout[name][String(shards)] = pair.on.writeUnitsPerEvent / perKey.writeUnitsPerEvent;
      }
      progress(`cost: ${name}, the Powertools way over ${Math.min(powertoolsEvents, events)} records`);
      const firstRecords = workload.batches.slice(0, Math.ceil(powertoolsEvents / BATCH_SIZE));
      powertools[name] = await pricePowertoolsRun(emulators, meter, firstRecords, name);
    }
    const ratioToPowertools = { headline: 0 } as { headline: number } & Record<CostWorkload, Record<string, { on: number; off: number }>>;
    for (const name of Object.keys(runs) as CostWorkload[]) {
      ratioToPowertools[name] = {};
      for (const [shards, pair] of Object.entries(runs[name])) {
        ratioToPowertools[name][shards] = {
          on: pair.on.writeUnitsPerEvent / powertools[name].writeUnitsPerEvent,
          off: pair.off.writeUnitsPerEvent / powertools[name].writeUnitsPerEvent,
        };
      }
    }
    ratioToPowertools.headline = ratioToPowertools.zipf['1']!.on;
    const batchSizeSweep = await sweepBatchSizes(emulators, meter, options.sweepEvents ?? 40_000, progress);
    const measures = await priceMeasures(emulators, meter, events, progress);
    return {
      eventsPerRun: events,
      batchSize: BATCH_SIZE,
      producerRetryRate: PRODUCER_RETRY_RATE,
      runs,
      powertools,
      ratioToPowertools,
      perKeyLayout,
      ratioToPerKeyLayout,
      batchSizeSweep,
      measures,
    };
  } finally {
    probe.destroy();
    await emulators.close();
  }
}

/** The zipf workload with measure attributes, priced plain and with the measures declared. */
export async function priceMeasures(
  emulators: LocalEmulators,
  meter: BillingMeter,
  events: number,
  progress: (message: string) => void,
): Promise<MeasuresCost> {
  const workload = generateWorkload({
    ...DEFAULT_WORKLOAD,
    ...COST_WORKLOADS.zipf,
    records: events,
    batchSize: BATCH_SIZE,
    producerRetryRate: PRODUCER_RETRY_RATE,
    measureAttrs: true,
  });
  const nowMs = workload.lastArrivalMs + 1_000;
  const batches = splitToShards(workload.batches, 1, BATCH_SIZE);
  progress(`cost: measures, zipf with users and countries, nothing declared: ${batches.length} batches`);
  const plain = await priceConsumerRun(emulators, meter, batches, true, nowMs, 'measures-plain');
  progress(`cost: measures, the same events, distinct users + quantiles + country dimension + total declared`);
  const env = measuredEnv();
  const declared = await priceConsumerRun(emulators, meter, batches, true, nowMs, 'measures-declared', 0, env);
  const warmupRecords = Math.floor(events / 4);
  progress(`cost: measures, steady state (the first ${warmupRecords} records unpriced), nothing declared and declared`);
  const steadyPlain = await priceConsumerRun(emulators, meter, batches, true, nowMs, 'measures-steady-plain', warmupRecords);
  const steadyDeclared = await priceConsumerRun(emulators, meter, batches, true, nowMs, 'measures-steady-declared', warmupRecords, env);
  return {
    steady: {
      warmupRecords,
      plain: steadyPlain,
      declared: steadyDeclared,
      addedWriteUnitsPerEvent: steadyDeclared.writeUnitsPerEvent - steadyPlain.writeUnitsPerEvent,
      addedReadUnitsPerEvent: steadyDeclared.readUnitsPerEvent - steadyPlain.readUnitsPerEvent,
    },
    eventsPerRun: events,
    declaration: MEASURED_DECLARATION_TEXT,
    plain,
    declared,
    addedWriteUnitsPerEvent: declared.writeUnitsPerEvent - plain.writeUnitsPerEvent,
    addedReadUnitsPerEvent: declared.readUnitsPerEvent - plain.readUnitsPerEvent,
  };
}

/**
 * The same consumer over the same records at each of SWEEP_BATCH_SIZES (1
 * shard, dedup on): what a larger batch saves in write units. One workload's
 * records are generated once, so every batch size sees identical events.
 */
async function sweepBatchSizes(
  emulators: LocalEmulators,
  meter: BillingMeter,
  events: number,
  progress: (message: string) => void,
): Promise<BatchSizeSweep> {
  // The first batches of a run create every item of the hour and the day (and
  // their index entries), which a stream running for hours pays once an hour
  // or a day, not per batch: they go unpriced, so the figures are the steady
  // state's. The 1m windows still roll over within the priced part.
  const warmupRecords = Math.min(SWEEP_WARMUP_RECORDS, Math.floor(events / 4));
  const runs = {} as BatchSizeSweep['runs'];
  for (const name of SWEEP_WORKLOADS) {
    const workload = generateWorkload({
      ...DEFAULT_WORKLOAD,
      ...COST_WORKLOADS[name],
      records: events,
      batchSize: BATCH_SIZE,
      producerRetryRate: PRODUCER_RETRY_RATE,
    });
    const nowMs = workload.lastArrivalMs + 1_000;
    runs[name] = {};
    for (const batchSize of SWEEP_BATCH_SIZES) {
      const batches = splitToShards(workload.batches, 1, batchSize);
      progress(`cost: batch-size sweep, ${name}, batch ${batchSize}: ${batches.length} batches`);
      runs[name][String(batchSize)] = await priceConsumerRun(
        emulators,
        meter,
        batches,
        true,
        nowMs,
        `sweep-${name}-${batchSize}`,
        warmupRecords,
      );
    }
  }
  return { eventsPerRun: events, warmupRecords, runs };
}

/**
 * The measures' cost alone (`npm run bench -- --only measures`): fresh
 * emulators and meter, then {@link priceMeasures}.
 */
export async function measureMeasuresCost(events: number, progress: (message: string) => void): Promise<MeasuresCost> {
  const emulators = await startLocalEmulators();
  const probe = dynamoClient(emulators.dynamoEndpoint);
  const meter = new BillingMeter(probe);
  meter.attach(emulators.dynamo);
  try {
    return await priceMeasures(emulators, meter, events, progress);
  } finally {
    probe.destroy();
    await emulators.close();
  }
}

async function priceConsumerRun(
  emulators: LocalEmulators,
  meter: BillingMeter,
  batches: readonly KinesisStreamEvent[],
  dedup: boolean,
  nowMs: number,
  suffix: string,
  /** Records processed before the meter starts: their batches are not priced. @default 0 */
  warmupRecords = 0,
  /** More of the consumer's environment (the declared measures). */
  extraEnv: Readonly<Record<string, string>> = {},
): Promise<CostRun> {
  const { aggregatesTable, checkpointTable } = await emulators.createTables(`cost-${suffix}`);
  const { config, resources } = configFromEnv({
    CONSUMER_NAME: 'bench',
    AGGREGATES_TABLE: aggregatesTable,
    CHECKPOINT_TABLE: checkpointTable,
    QUARANTINE_BUCKET: emulators.bucket,
    DEDUP_PRODUCER_IDS: String(dedup),
    ...extraEnv,
  });
  const now = () => nowMs;
  const ports = createBatchPorts({ dynamo: emulators.dynamo, s3: emulators.s3 }, config, resources, now);
  meter.resetFigures();
  let records = 0;
  let counted = 0;
  let duplicates = 0;
  let quarantined = 0;
  let warmedUp = 0;
  let pricedBatches = 0;
  const started = performance.now();
  for (const batch of batches) {
    const outcome = await processBatch(streamRecordsFromEvent(batch), ports, config, now);
    if (outcome.failedFrom.size > 0) throw new Error(`a batch failed against dynalite: ${String(outcome.errors[0])}`);
    if (warmedUp < warmupRecords) {
      warmedUp += outcome.stats.records;
      if (warmedUp >= warmupRecords) meter.resetFigures();
      continue;
    }
    pricedBatches++;
    records += outcome.stats.records;
    counted += outcome.stats.aggregated;
    duplicates += outcome.stats.duplicates;
    quarantined += outcome.stats.quarantined.invalid + outcome.stats.quarantined.late + outcome.stats.quarantined.future;
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const names = new Map([
    [aggregatesTable, 'aggregates'],
    [checkpointTable, 'checkpoints'],
  ]);
  return { ...billedFigures(meter, records, names), counted, duplicates, quarantined, batches: pricedBatches, wallSeconds };
}

async function pricePowertoolsRun(
  emulators: LocalEmulators,
  meter: BillingMeter,
  batches: readonly KinesisStreamEvent[],
  suffix: string,
): Promise<PowertoolsCostRun> {
  meter.resetFigures();
  const started = performance.now();
  const run = await runPowertoolsDynamoWay(emulators.dynamo, batches, `cost-${suffix}`);
  const wallSeconds = (performance.now() - started) / 1000;
  const names = new Map([
    [run.idempotencyTable, 'idempotency'],
    [run.countersTable, 'counters'],
  ]);
  return { ...billedFigures(meter, run.records, names), counted: run.counted, rejected: run.rejected, wallSeconds };
}
