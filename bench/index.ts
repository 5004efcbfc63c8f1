/**
 * `npm run bench [-- --json]`: the consumer's CPU cost against a plain loop
 * and against the per-record Powertools way, then the DynamoDB requests the
 * real adapters send. A benchmark, not a test: it reports, it never asserts
 * a timing. See BENCHMARKS.md for what each figure means. Then the local
 * stack end to end, the producer, and DynamoDB's bill by its billing rules
 * (bench/stack, bench/producer, bench/cost), the local Kinesis engines compared
 * (bench/kinesisEngines) and the CLI's start-up (bench/cli);
 * `--only core|stack|producer|cost|kinesis-engines|cli` (comma-separated) runs
 * some of them; `--write-cost-doc` renders docs/cost.md.
 */
import { loadavg } from 'node:os';
import { configFromEnv } from '../lambdas/aggregator/config';
import { baselineContender } from './contenders/baseline';
import { DataDecoding, powertoolsWayContender } from './contenders/powertoolsWay';
import { streamtallyCoreContender } from './contenders/streamtallyCore';
import { startLocalEmulators } from './dynamo/localEmulators';
import { measureDynamoWrites } from './dynamo/measureDynamoWrites';
import { machineInfo } from './machine';
import { measureMeasuresCpu } from './measures/measureMeasuresCpu';
import { measureCpu, type CpuResult } from './measureCpu';
import { answeringAdapterPorts } from './memory/answeringAdapterPorts';
import { memoryPorts } from './memory/memoryPorts';
import { noopPorts } from './memory/noopPorts';
import { formatReport, type BenchReport } from './report';
import { formatReplayResult, measureReplay } from './replay/measureReplay';
import {
  costOptionsOf,
  formatExtraSections,
  parseBenchArgs,
  runExtraSections,
  runWithoutCore,
  writeCostDocIfAsked,
} from './stack/sections';
import { DEFAULT_WORKLOAD, generateWorkload } from './workload';

const ROUNDS = 5;
const WARMUP_ROUNDS = 1;
const WARMUP_BATCHES = 20;
/** Records the DynamoDB part sends through the adapters, per run (dedup on, dedup off). */
const DYNAMO_RECORDS = 10_000;
const CORE_TARGET = 0.7;
const UPDATES_PER_ITEM_TARGET = 1.05;

async function main(): Promise<void> {
  const parsed = parseBenchArgs(process.argv.slice(2));
  if ('error' in parsed) {
    process.stderr.write(`bench: ${parsed.error}\n`);
    process.exitCode = 2;
    return;
  }
  const { json, only } = parsed;
  // With --json, stdout carries the one JSON object and nothing else.
  if (json) for (const method of ['log', 'info', 'debug'] as const) console[method] = console.error;
  // tsx turns on source-mapped stack traces; a Lambda runtime does not by
  // default. Left on, every error's stack (the Powertools base64 helper throws
  // one per record) would cost a source-map lookup no deployment pays.
  process.setSourceMapsEnabled(false);

  const startedMs = Date.now();
  const machine = machineInfo();
  const progress = (message: string) =>
    process.stderr.write(`[bench ${((Date.now() - startedMs) / 1000).toFixed(0).padStart(3)} s] ${message}\n`);
  if (!only.has('core')) return runWithoutCore(parsed, progress);

  progress('generating the workload');
  const workload = generateWorkload(DEFAULT_WORKLOAD);
  const nowMs = workload.lastArrivalMs + 1_000;
  const env = { CONSUMER_NAME: 'bench', AGGREGATES_TABLE: 'unused', CHECKPOINT_TABLE: 'unused', QUARANTINE_BUCKET: 'unused' };
  const dedupOn = configFromEnv(env).config;
  const dedupOff = configFromEnv({ ...env, DEDUP_PRODUCER_IDS: 'false' }).config;
  const windows = dedupOn.granularities.map((granularity) => granularity.label).join('/');

  const contenders = [
    baselineContender(),
    streamtallyCoreContender({
      id: 'core',
      label: `b. streamtally core: streamRecordsFromEvent + processBatch, dedup on, ${windows}`,
      config: dedupOn,
      nowMs,
      ports: () => memoryPorts(true),
    }),
    powertoolsWayContender(DataDecoding.powertools),
    streamtallyCoreContender({
      id: 'coreDedupOff',
      label: "b'. streamtally core, dedup off (no ClaimStore)",
      config: dedupOff,
      nowMs,
      ports: () => memoryPorts(false),
      diagnostic: true,
    }),
    streamtallyCoreContender({
      id: 'coreNoopPorts',
      label: 'b". streamtally core, dedup on, ports that keep nothing',
      config: dedupOn,
      nowMs,
      ports: noopPorts,
      diagnostic: true,
    }),
    powertoolsWayContender(DataDecoding.plain),
    streamtallyCoreContender({
      id: 'coreAnsweringAdapters',
      label: 'b*. streamtally core, dedup on, the real adapters over clients that answer at once (no SDK, no I/O)',
      config: dedupOn,
      nowMs,
      ports: () => answeringAdapterPorts(dedupOn.consumerName, true),
      diagnostic: true,
    }),
  ];
  const cpuResults = await measureCpu(contenders, workload.batches, {
    rounds: ROUNDS,
    warmupRounds: WARMUP_ROUNDS,
    warmupBatches: WARMUP_BATCHES,
    onProgress: progress,
  });
  const rate = (id: string) => byId(cpuResults, id).medianEventsPerSecond;
  progress('the declared measures: the same consumer with and without them, same events');
  const measuresCpu = await measureMeasuresCpu({
    rounds: ROUNDS,
    warmupRounds: WARMUP_ROUNDS,
    warmupBatches: WARMUP_BATCHES,
    onProgress: progress,
  });
  const coreToBaseline = rate('core') / rate('baseline');

  progress('replay vs the consumer core, same events');
  const replay = await measureReplay({
    batches: workload.batches,
    config: dedupOn,
    nowMs,
    rounds: ROUNDS,
    warmupRounds: WARMUP_ROUNDS,
    warmupBatches: WARMUP_BATCHES,
    onProgress: progress,
  });

  progress('starting dynalite and s3rver, synthesizing the stack for its tables');
  const emulators = await startLocalEmulators();
  const dynamoBatches = workload.batches.slice(0, Math.ceil(DYNAMO_RECORDS / workload.options.batchSize));
  let dynamoOn;
  let dynamoOff;
  try {
    progress(`DynamoDB, dedup on: ${dynamoBatches.length} batches`);
    dynamoOn = await measureDynamoWrites(emulators, dynamoBatches, true, nowMs);
    progress(`DynamoDB, dedup off: ${dynamoBatches.length} batches`);
    dynamoOff = await measureDynamoWrites(emulators, dynamoBatches, false, nowMs);
  } finally {
    await emulators.close();
  }

  const report: BenchReport = {
    date: new Date(startedMs).toISOString(),
    durationSeconds: (Date.now() - startedMs) / 1000,
    machine: { ...machine, loadAverageAtEnd: loadavg()[0]! },
    workload: {
      records: workload.records,
      batches: workload.batches.length,
      batchSize: workload.options.batchSize,
      shards: 1,
      meanPayloadBytes: workload.meanPayloadBytes,
      keys: workload.options.keys,
      zipfExponent: workload.options.zipfExponent,
      types: workload.types,
      eventTimeSpanSeconds: (workload.records * workload.options.spacingMs) / 1000,
      producerRetries: workload.producerRetries,
      invalidRecords: workload.invalidRecords,
    },
    cpu: {
      rounds: ROUNDS,
      warmupRounds: WARMUP_ROUNDS,
      warmupRecords: WARMUP_BATCHES * workload.options.batchSize,
      contenders: cpuResults,
      ratios: {
        coreToBaseline: { value: coreToBaseline, target: `>= ${CORE_TARGET}`, met: coreToBaseline >= CORE_TARGET },
        coreToPowertools: rate('core') / rate('powertools'),
        coreToPowertoolsPlainBase64: rate('core') / rate('powertoolsPlainBase64'),
      },
      measures: measuresCpu,
    },
    dynamo: {
      emulator: 'dynalite (in this process)',
      quarantineSink: 's3rver (in this process)',
      records: dynamoOn.records,
      batchSize: workload.options.batchSize,
      dedupOn: dynamoOn,
      dedupOff: dynamoOff,
      aggregateUpdatesPerDistinctItem: {
        value: dynamoOn.aggregateUpdatesPerDistinctItem,
        target: `<= ${UPDATES_PER_ITEM_TARGET}`,
        met: dynamoOn.aggregateUpdatesPerDistinctItem <= UPDATES_PER_ITEM_TARGET,
      },
    },
  };
  const extras = await runExtraSections(only, progress, costOptionsOf(parsed));
  writeCostDocIfAsked(parsed, extras, progress);
  progress('done');
  process.stdout.write(
    json
      ? `${JSON.stringify({ ...report, replay, ...extras })}\n`
      : `\n${formatReport(report)}\n${formatReplayResult(replay).join('\n')}\n${formatExtraSections(extras)}`,
  );
}

function byId(results: readonly CpuResult[], id: string): CpuResult {
  const result = results.find((candidate) => candidate.id === id);
  if (!result) throw new Error(`no contender ${id}`);
  return result;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
