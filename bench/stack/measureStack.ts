import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { resolveConfig } from '../../lib/config/StreamtallyConfig';
import { localClientConfig, startKinesisEmulator } from '../../src/local/emulators';
import { DEFAULT_SYNTHETIC_TYPES } from '../../src/synthetic';
import type { TargetCheck } from '../report';
import { countAggregated, PROBE_TYPE, ProbeWatcher, type Probe } from './aggregateReads';
import { readBatchMetrics, type BatchMetrics } from './emfBatches';
import { LocalStackProcess } from './LocalStackProcess';
import { cpuBetween, ownCpuTicks, ProcessTreeSampler, type CpuShare } from './ProcessTreeSampler';
import { BenchEvents, putRecordsLoop, putRecordsPaced, type PutLoopResult } from './putRecordsLoop';

/** Sizes of the stack bench; the defaults keep it near 2 minutes on the machine in BENCHMARKS.md. */
export interface StackBenchOptions {
  /** Records the loop puts, against the bare emulator and then against the stack, after 500 of warm-up. @default 6_000 */
  readonly records?: number;
  /** The half-load run with freshness probes. @default 30_000 */
  readonly halfLoadMs?: number;
  /** One probe per this many ms during the half-load run. @default 250 */
  readonly probeEveryMs?: number;
  /** The most the stack may take to aggregate the records once they are put. @default 120_000 */
  readonly drainTimeoutMs?: number;
  readonly onProgress?: (message: string) => void;
}

/** Cores used per process (and by the bench's load generator) during a phase. */
export interface PhaseCpu {
  readonly seconds: number;
  readonly processes: readonly CpuShare[];
  /** This process: the PutRecords loop and the aggregate reads. */
  readonly loadGeneratorCores: number;
}

export interface Percentiles {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** Everything the stack bench found. */
export interface StackBenchResult {
  readonly stack: {
    readonly shards: number;
    readonly batchSize: number;
    readonly maxBatchingWindowSeconds: number;
    readonly parallelizationFactor: number;
    readonly dedupProducerIds: boolean;
    readonly windows: string;
    readonly synthSeconds: number;
    readonly readySeconds: number;
    /** From the first 500 warm-up records put to their aggregates (the worker's cold start included). */
    readonly warmUpSeconds: number;
  };
  readonly workload: string;
  /**
   * The bare emulator: kinesalite alone, the same launcher and settings, no consumer; 500 records
   * of warm-up, then the timed ones. Measured before and after the stack, so that a change in the
   * machine's load during the run falls on both sides; the rate is over both.
   */
  readonly raw: { readonly before: RawRun; readonly after: RawRun; readonly recordsPerSecond: number };
  /** The same loop and records against the running stack, from the first put to the last of them aggregated. */
  readonly endToEnd: {
    readonly records: number;
    readonly loop: LoopSummary;
    /** From the first put to the batch that aggregated the last record (its EMF timestamp). */
    readonly seconds: number;
    readonly eventsPerSecond: number;
    /** Events aggregated per second while the loop was still putting. */
    readonly aggregatedPerSecondDuringPut: number;
    /** Put but not yet aggregated when the loop finished. */
    readonly backlogWhenPutDone: number;
    readonly cpu: PhaseCpu;
    /** CPU milliseconds per event, by process, the bench's loop as `bench`. */
    readonly cpuMsPerEvent: readonly CpuPerEvent[];
    readonly batches: BatchSummary;
  };
  readonly endToEndToRaw: TargetCheck;
  readonly halfLoad: {
    readonly offeredPerSecond: number;
    readonly loop: LoopSummary;
    readonly probes: number;
    readonly probesVisible: number;
    readonly pollIntervalMs: number;
    /** Put (request sent) to the first read that found the probe's aggregate, ms. */
    readonly putToVisibleMs: Percentiles;
    /** Put to PutRecords' answer, ms. */
    readonly putToAckMs: Percentiles;
    /** PutRecords' answer to the first read that found the aggregate, ms. */
    readonly ackToVisibleMs: Percentiles;
    /** The consumer's own ArrivalFreshnessMs (per batch: its oldest record's age at commit), ms. */
    readonly arrivalFreshnessMs: Percentiles;
    readonly batches: BatchSummary;
    readonly cpu: PhaseCpu;
  };
  readonly freshnessP99: TargetCheck;
  /** Every event put (probes aside) against the sum of the 1d aggregates at the end. */
  readonly conservation: { readonly put: number; readonly aggregated: number; readonly exact: boolean };
  readonly rss: {
    readonly sampleIntervalMs: number;
    readonly samples: number;
    readonly peakTotalBytes: number;
    /** The phase the peak fell in. */
    readonly peakPhase: string;
    readonly processes: readonly { readonly name: string; readonly peakRssBytes: number }[];
  };
  readonly peakRss: TargetCheck;
  readonly stop: { readonly seconds: number; readonly processesLeft: number };
}

/** CPU milliseconds one process spent per event of a phase. */
export interface CpuPerEvent {
  readonly name: string;
  readonly ms: number;
}

export interface RawRun {
  readonly loop: LoopSummary;
  readonly cpu: PhaseCpu;
  /** CPU milliseconds per record, by process: less sensitive to other load on the machine than a rate. */
  readonly cpuMsPerRecord: readonly CpuPerEvent[];
  readonly peakRssBytes: number;
}

export interface LoopSummary {
  readonly accepted: number;
  readonly failed: number;
  readonly requests: number;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  /** The first and the last request's time, ms: kinesis-mock's cost per record grew with the records its shard held; kinesalite's does not. */
  readonly firstRequestMs: number;
  readonly lastRequestMs: number;
}

export interface BatchSummary {
  readonly invocations: number;
  readonly meanRecords: number;
  readonly meanProcessingMs: number;
  /** Share of the wall time the consumer spent inside invocations. */
  readonly busyShare: number;
}

const WARM_UP_RECORDS = 500;
const RATIO_TARGET = 0.9;
const FRESHNESS_TARGET_MS = 1_500;
const RSS_TARGET_BYTES = 2 ** 30;
const SAMPLE_INTERVAL_MS = 250;
const PROBE_POLL_MS = 50;

/**
 * Issue 3's figures, in one run. First a bare kinesalite takes a fixed
 * number of records from the hand-written PutRecords loop. Then the whole
 * local stack (`streamtally local up` on a freshly synthesized default stack)
 * gets the same records from the same loop, and the time runs until the last
 * of them is aggregated. The same count on both sides matters: an emulator whose
 * cost per record grows with the records a shard holds (kinesis-mock's did) would
 * otherwise be compared on different amounts of work. After that,
 * freshness probes at half the end-to-end rate; the peak RSS of the stack's
 * processes throughout.
 */
export async function measureStack(options: StackBenchOptions = {}): Promise<StackBenchResult> {
  const progress = options.onProgress ?? (() => undefined);
  const records = options.records ?? 6_000;
  const halfLoadMs = options.halfLoadMs ?? 30_000;
  const probeEveryMs = options.probeEveryMs ?? 250;
  const drainTimeoutMs = options.drainTimeoutMs ?? 120_000;
  const config = resolveConfig({});
  const runId = Date.now().toString(36);

  // 1. The bare emulator.
  progress(`stack: raw PutRecords loop against a bare kinesalite, ${config.shardCount} shard(s), ${WARM_UP_RECORDS} + ${records} records`);
  const rawBefore = await measureRaw(config.shardCount, records, `${runId}-1`);
  progress(`stack:   ${Math.round(rawBefore.loop.recordsPerSecond)} records/s`);

  // 2. The stack.
  progress('stack: synthesizing the default stack and starting `streamtally local up`');
  const sampler = new ProcessTreeSampler(SAMPLE_INTERVAL_MS);
  const phases: [string, number][] = [['start-up', Date.now()]];
  const stack = await LocalStackProcess.start({}, (pid) => {
    sampler.watch(pid, 'runtime');
    sampler.start();
  });
  for (const [name, pid] of Object.entries(stack.state.emulatorPids)) sampler.watch(pid, name);
  const kinesis = new KinesisClient(localClientConfig(stack.state.endpoints.kinesis, { region: stack.state.region, maxAttempts: 1 }));
  const dynamo = new DynamoDBClient(localClientConfig(stack.state.endpoints.dynamodb, { region: stack.state.region, maxAttempts: 3 }));
  const { streamName, aggregatesTable } = stack.state.resources;
  const types = [...DEFAULT_SYNTHETIC_TYPES];
  const startedMs = Date.now();
  const aggregated = () => countAggregated(dynamo, aggregatesTable, types, startedMs - 60_000);
  const waitForCount = async (target: number, timeoutMs: number, everyMs: number): Promise<number> => {
    let count = await aggregated();
    for (const deadline = Date.now() + timeoutMs; count < target && Date.now() < deadline; ) {
      await sleep(everyMs);
      count = await aggregated();
    }
    return count;
  };
  let stopped: Awaited<ReturnType<LocalStackProcess['stop']>> | undefined;
  try {
    // 2a. Warm-up: the worker's cold start and the first batch, as on the bare emulator.
    phases.push(['warm-up', Date.now()]);
    progress(`stack: ready in ${stack.startSeconds.toFixed(1)} s; warming up with ${WARM_UP_RECORDS} records`);
    const warmStart = performance.now();
    await putRecordsLoop(kinesis, streamName, new BenchEvents(11, `${runId}-w`), WARM_UP_RECORDS);
    const warmCount = await waitForCount(WARM_UP_RECORDS, 60_000, 250);
    if (warmCount < WARM_UP_RECORDS)
      throw new Error(`the local stack aggregated ${warmCount} of ${WARM_UP_RECORDS} warm-up records within 60 s`);
    const warmUpSeconds = (performance.now() - warmStart) / 1000;

    // 2b. End to end: the same records, the same loop, until the last is aggregated.
    phases.push(['end to end', Date.now()]);
    progress(`stack: the same loop, ${records} records, timed until the last is aggregated`);
    const events = new BenchEvents(12, `${runId}-e`);
    const cpuStart = markCpu(sampler);
    const loop = await putRecordsLoop(kinesis, streamName, events, records);
    const putDoneMs = Date.now();
    const atPutDone = await aggregated();
    const target = WARM_UP_RECORDS + loop.accepted;
    const reached = await waitForCount(target, drainTimeoutMs, 500);
    const cpuEnd = markCpu(sampler);
    if (reached < target)
      progress(`stack:   only ${reached - WARM_UP_RECORDS} of ${loop.accepted} aggregated within ${drainTimeoutMs / 1000} s`);
    await sleep(300); // the function log reaches its file
    const endToEndBatches = readBatchMetrics(stack.functionLogFiles()).filter((batch) => batch.atMs >= loop.startedAtMs);
    let cumulative = 0;
    let lastAggregatedAtMs: number | undefined;
    for (const batch of endToEndBatches) {
      cumulative += batch.eventsAggregated;
      if (cumulative >= loop.accepted) {
        lastAggregatedAtMs = batch.atMs;
        break;
      }
    }
    // Without the consumer's metrics, the read that found the count is the (later) bound.
    const endToEndSeconds = ((lastAggregatedAtMs ?? Date.now()) - loop.startedAtMs) / 1000;
    const endToEndRate = reached >= target ? loop.accepted / endToEndSeconds : (reached - WARM_UP_RECORDS) / endToEndSeconds;
    const duringPut = endToEndBatches
      .filter((batch) => batch.atMs <= putDoneMs)
      .reduce((total, batch) => total + batch.eventsAggregated, 0);
    progress(`stack:   ${Math.round(endToEndRate)} events/s end to end (${Math.round(loop.recordsPerSecond)} records/s put)`);

    // 2c. Half of the end-to-end rate, with probes.
    phases.push(['half load', Date.now()]);
    const halfRate = Math.max(1, Math.round(endToEndRate / 2));
    progress(
      `stack: freshness at half the end-to-end rate, ${halfRate} events/s for ${halfLoadMs / 1000} s, a probe every ${probeEveryMs} ms`,
    );
    const watcher = new ProbeWatcher(dynamo, aggregatesTable, PROBE_POLL_MS);
    watcher.start();
    let probeNumber = 0;
    const halfCpuStart = markCpu(sampler);
    const halfStartMs = Date.now();
    const halfLoop = await putRecordsPaced(kinesis, streamName, new BenchEvents(13, `${runId}-h`), {
      ratePerSecond: halfRate,
      durationMs: halfLoadMs,
      probeEveryMs,
      makeProbe: () => {
        const key = `${runId}-${probeNumber++}`;
        const probe: Probe = { key, putAtMs: Date.now() };
        const event = { id: `probe-${key}`, type: PROBE_TYPE, key, ts: new Date(probe.putAtMs).toISOString() };
        return {
          entry: { Data: Buffer.from(JSON.stringify(event)), PartitionKey: key },
          onPut: (at) => {
            (probe as { putAtMs: number }).putAtMs = at;
            watcher.add(probe);
          },
          onAck: (at) => (probe.ackAtMs = at),
        };
      },
    });
    const halfCpu = markCpu(sampler);
    await watcher.finish(Date.now() + 15_000);
    const halfEndMs = Date.now();

    // 2d. Every event aggregated exactly once?
    phases.push(['final count', Date.now()]);
    const probesPut = watcher.probes.length;
    const putTotal = WARM_UP_RECORDS + loop.accepted + halfLoop.accepted - probesPut;
    const finalCount = await waitForCount(putTotal, 20_000, 1_000);
    await sleep(300);
    const batches = readBatchMetrics(stack.functionLogFiles());
    const visible = watcher.probes.filter((probe) => probe.visibleAtMs !== undefined);

    phases.push(['stop', Date.now()]);
    progress('stack: stopping it as `local down` does');
    kinesis.destroy();
    dynamo.destroy();
    stopped = await stack.stop();
    sampler.stop();

    progress(`stack: the raw loop once more, on a fresh bare kinesalite`);
    const rawAfter = await measureRaw(config.shardCount, records, `${runId}-2`);
    progress(`stack:   ${Math.round(rawAfter.loop.recordsPerSecond)} records/s`);
    const rawRate = (rawBefore.loop.accepted + rawAfter.loop.accepted) / ((rawBefore.loop.elapsedMs + rawAfter.loop.elapsedMs) / 1000);

    const peakPhase = [...phases].reverse().find(([, at]) => at <= sampler.peakAtMs)?.[0] ?? 'start-up';
    const ratio = rawRate > 0 ? endToEndRate / rawRate : 0;
    const freshness = percentiles(visible.map((probe) => probe.visibleAtMs! - probe.putAtMs));
    const endToEndEndMs = lastAggregatedAtMs ?? Date.now();
    const endToEndCpu = cpuBetween2(cpuStart, cpuEnd);
    return {
      stack: {
        shards: config.shardCount,
        batchSize: config.batchSize,
        maxBatchingWindowSeconds: config.maxBatchingWindowSeconds,
        parallelizationFactor: config.parallelizationFactor,
        dedupProducerIds: config.dedupProducerIds,
        windows: config.windows,
        synthSeconds: stack.synthSeconds,
        readySeconds: stack.startSeconds,
        warmUpSeconds,
      },
      workload:
        `valid events of the demo's generator (src/synthetic: ${types.length} types, 1,000 Zipf keys, ISO and epoch-ms times, ` +
        `~${Math.round(events.meanBytes)} B of JSON), partition key = event key; PutRecords of 500, one request at a time`,
      raw: { before: summarizeRaw(rawBefore), after: summarizeRaw(rawAfter), recordsPerSecond: rawRate },
      endToEnd: {
        records: loop.accepted,
        loop: summarize(loop),
        seconds: endToEndSeconds,
        eventsPerSecond: endToEndRate,
        aggregatedPerSecondDuringPut: (duringPut * 1000) / loop.elapsedMs,
        backlogWhenPutDone: target - atPutDone,
        cpu: endToEndCpu,
        cpuMsPerEvent: msPerEvent(endToEndCpu, loop.accepted),
        batches: summarizeBatches(batches, loop.startedAtMs, endToEndEndMs),
      },
      endToEndToRaw: { value: ratio, target: `>= ${RATIO_TARGET}`, met: ratio >= RATIO_TARGET },
      halfLoad: {
        offeredPerSecond: halfRate,
        loop: summarize(halfLoop),
        probes: probesPut,
        probesVisible: visible.length,
        pollIntervalMs: PROBE_POLL_MS,
        putToVisibleMs: freshness,
        putToAckMs: percentiles(
          watcher.probes.filter((probe) => probe.ackAtMs !== undefined).map((probe) => probe.ackAtMs! - probe.putAtMs),
        ),
        ackToVisibleMs: percentiles(
          visible.filter((probe) => probe.ackAtMs !== undefined).map((probe) => probe.visibleAtMs! - probe.ackAtMs!),
        ),
        arrivalFreshnessMs: percentiles(
          batches
            .filter((batch) => batch.atMs >= halfStartMs && batch.atMs <= halfEndMs && batch.arrivalFreshnessMs !== undefined)
            .map((batch) => batch.arrivalFreshnessMs!),
        ),
        batches: summarizeBatches(batches, halfStartMs, halfEndMs),
        cpu: cpuBetween2(halfCpuStart, halfCpu),
      },
      freshnessP99: {
        value: freshness.p99,
        target: `<= ${FRESHNESS_TARGET_MS} ms`,
        met: visible.length === probesPut && probesPut > 0 && freshness.p99 <= FRESHNESS_TARGET_MS,
      },
      conservation: { put: putTotal, aggregated: finalCount, exact: finalCount === putTotal },
      rss: {
        sampleIntervalMs: SAMPLE_INTERVAL_MS,
        samples: sampler.sampleCount,
        peakTotalBytes: sampler.peakTotalBytes,
        peakPhase,
        processes: sampler.processes().map(({ name, peakRssBytes }) => ({ name, peakRssBytes })),
      },
      peakRss: {
        value: sampler.peakTotalBytes,
        target: `<= ${RSS_TARGET_BYTES} bytes (1 GiB)`,
        met: sampler.peakTotalBytes <= RSS_TARGET_BYTES,
      },
      stop: { seconds: stopped.stopSeconds, processesLeft: stopped.leftBehind.length },
    };
  } finally {
    if (!stopped) {
      kinesis.destroy();
      dynamo.destroy();
      await stack.stop();
      sampler.stop();
    }
  }
}

/** The loop against a bare kinesalite started the way the local stack starts its own. */
async function measureRaw(
  shards: number,
  records: number,
  runId: string,
): Promise<{ loop: PutLoopResult; cpu: PhaseCpu; peakRssBytes: number }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'streamtally-bench-raw-'));
  const emulator = await startKinesisEmulator({ dataDir });
  const sampler = new ProcessTreeSampler(SAMPLE_INTERVAL_MS);
  sampler.watch(emulator.pid, 'kinesis');
  sampler.start();
  const client = new KinesisClient(localClientConfig(emulator.endpoint, { maxAttempts: 1 }));
  try {
    const streamName = `bench-raw-${runId}`;
    await createStream(client, streamName, shards);
    // The same warm-up as the stack gets: 500 records first, untimed.
    await putRecordsLoop(client, streamName, new BenchEvents(11, `${runId}-rw`), WARM_UP_RECORDS);
    const before = markCpu(sampler);
    const loop = await putRecordsLoop(client, streamName, new BenchEvents(12, `${runId}-r`), records);
    const after = markCpu(sampler);
    return { loop, cpu: cpuBetween2(before, after), peakRssBytes: sampler.peakTotalBytes };
  } finally {
    client.destroy();
    sampler.stop();
    await emulator.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function createStream(client: KinesisClient, streamName: string, shards: number): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shards }));
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    const { StreamDescriptionSummary } = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    if (StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await sleep(100);
  }
  throw new Error(`stream ${streamName} did not become ACTIVE`);
}

function markCpu(sampler: ProcessTreeSampler) {
  return { tree: sampler.cpuMark(), own: ownCpuTicks() };
}

function cpuBetween2(before: ReturnType<typeof markCpu>, after: ReturnType<typeof markCpu>): PhaseCpu {
  const seconds = (after.tree.atMs - before.tree.atMs) / 1000;
  return {
    seconds,
    processes: cpuBetween(before.tree, after.tree).map((share) => ({ name: share.name, cores: round(share.cores, 2) })),
    loadGeneratorCores: seconds > 0 ? round((after.own - before.own) / 100 / seconds, 2) : 0,
  };
}

function summarizeBatches(batches: readonly BatchMetrics[], fromMs: number, toMs: number): BatchSummary {
  const inside = batches.filter((batch) => batch.atMs >= fromMs && batch.atMs <= toMs);
  const busy = inside.reduce((total, batch) => total + batch.batchProcessingMs, 0);
  return {
    invocations: inside.length,
    meanRecords: inside.length > 0 ? round(inside.reduce((total, batch) => total + batch.recordsIn, 0) / inside.length, 1) : 0,
    meanProcessingMs: inside.length > 0 ? round(busy / inside.length, 0) : 0,
    busyShare: toMs > fromMs ? round(busy / (toMs - fromMs), 2) : 0,
  };
}

function summarizeRaw(run: { loop: PutLoopResult; cpu: PhaseCpu; peakRssBytes: number }): RawRun {
  return {
    loop: summarize(run.loop),
    cpu: run.cpu,
    cpuMsPerRecord: msPerEvent(run.cpu, run.loop.accepted),
    peakRssBytes: run.peakRssBytes,
  };
}

/** CPU milliseconds per event of each process over a phase that handled `events`. */
function msPerEvent(cpu: PhaseCpu, events: number): CpuPerEvent[] {
  const ms = (cores: number) => round((cores * cpu.seconds * 1000) / events, 2);
  return [
    ...cpu.processes.filter((share) => share.cores > 0).map((share) => ({ name: share.name, ms: ms(share.cores) })),
    { name: 'bench', ms: ms(cpu.loadGeneratorCores) },
  ];
}

function summarize(loop: PutLoopResult): LoopSummary {
  return {
    accepted: loop.accepted,
    failed: loop.failed,
    requests: loop.requests,
    seconds: round(loop.elapsedMs / 1000, 1),
    recordsPerSecond: loop.recordsPerSecond,
    firstRequestMs: Math.round(loop.requestMs[0] ?? 0),
    lastRequestMs: Math.round(loop.requestMs[loop.requestMs.length - 1] ?? 0),
  };
}

/** Nearest-rank percentiles. */
export function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
  return { count: sorted.length, p50: rank(50), p90: rank(90), p99: rank(99), max: sorted[sorted.length - 1] ?? 0 };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
