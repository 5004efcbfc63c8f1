import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { KinesisClient, PutRecordCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { localClientConfig, startKinesisEmulator } from '../../src/local/emulators';
import { Producer } from '../../src/producer';
import type { ProducerEvent } from '../../src/producer';
import { SyntheticEvents } from '../../src/synthetic';
import { FaultProxy } from '../../test/integration/producer/support/FaultProxy';
import { createStream, readStream } from '../../test/integration/producer/support/streamRecords';
import { capacityPlan } from '../../test/integration/producer/support/plans';
import { collectGarbage } from '../gc';
import type { TargetCheck } from '../report';
import { DelayProxy } from './DelayProxy';

/** Sizes of the producer bench; the defaults keep it near 1.5 minutes. */
export interface ProducerBenchOptions {
  /** Events per PutRecords-loop and producer run. @default 5_000 */
  readonly events?: number;
  /** Rounds of (hand loop, producer), run as A B B A ... so drift falls on both. @default 2 */
  readonly rounds?: number;
  /** Events of the one-PutRecord-per-call loop (and of the producer run it is compared with). @default 600 */
  readonly putRecordEvents?: number;
  /** The fixed delay the proxy adds to every request. @default 10 */
  readonly delayMs?: number;
  /** Events per contender behind the delay proxy. @default 3_000 */
  readonly delayedEvents?: number;
  /** Events of the PutRecord loop (and its producer run) behind the delay proxy. @default 200 */
  readonly delayedPutRecordEvents?: number;
  /** Records per second the throttling proxy lets through in the overload run. @default 400 */
  readonly overloadCapacity?: number;
  /** How long the caller offers ten times that. @default 4_000 */
  readonly overloadMs?: number;
  readonly shards?: number;
  readonly onProgress?: (message: string) => void;
}

/** One timed run of one contender. */
export interface ProducerRun {
  readonly contender: 'putRecordsLoop' | 'producer' | 'putRecordLoop';
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** Records refused and not re-sent (the loops), or failed for good (the producer). */
  readonly lost: number;
  /** Records read back from the stream afterwards, and how many distinct event ids among them. */
  readonly onStream?: { readonly records: number; readonly distinctIds: number };
  readonly requests: number;
  /** The producer's record re-sends (0 for the loops, which never retry). */
  readonly retried: number;
}

export interface ProducerBenchResult {
  readonly emulator: string;
  readonly shards: number;
  readonly meanEventBytes: number;
  readonly producerSettings: string;
  /** Straight to the Kinesis emulator. */
  readonly direct: {
    readonly runs: readonly ProducerRun[];
    readonly putRecordsLoopEventsPerSecond: number;
    readonly producerEventsPerSecond: number;
    readonly putRecordLoopEventsPerSecond: number;
    /** The producer on as many events as the PutRecord loop (the PutRecord ratio's numerator). */
    readonly producerOnPutRecordCountEventsPerSecond: number;
    readonly zeroLoss: boolean;
  };
  readonly producerToPutRecordsLoop: TargetCheck;
  /** Producer on as many events as the PutRecord loop, over the PutRecord loop. */
  readonly producerToPutRecordLoop: TargetCheck;
  /**
   * The producer's rate on its larger runs over the PutRecord loop's: biased against the producer,
   * whose streams hold more records (kinesis-local's cost per record grows with them). Informational.
   */
  readonly producerLargeRunsToPutRecordLoop: number;
  /** Every request through a proxy that adds a fixed delay, as a network round trip would. */
  readonly delayed: {
    readonly delayMs: number;
    readonly runs: readonly ProducerRun[];
    readonly producerToPutRecordsLoop: number;
    readonly producerToPutRecordLoop: number;
  };
  readonly overload: OverloadResult;
}

export interface OverloadResult {
  readonly capacityPerSecond: number;
  readonly offeredPerSecond: number;
  readonly seconds: number;
  /** Events the caller got into the producer (each `send` awaited) in the overload window. */
  readonly sendsCompleted: number;
  /** Events an unheld caller would have handed over in the window. */
  readonly sendsAttempted: number;
  readonly maxBufferedEvents: number;
  readonly peakBuffered: number;
  /**
   * heapUsed + arrayBuffers after a forced GC, sampled every 250 ms: before, and the peak during the run.
   * The process also holds whatever the bench's earlier sections left; the difference is the producer's.
   */
  readonly memoryBeforeBytes: number;
  readonly peakMemoryBytes: number;
  readonly sent: number;
  readonly throttledAttempts: number;
  readonly failed: number;
  readonly onStream: number;
  readonly distinctIdsOnStream: number;
  /** From the end of the overload (the caller stops sending; the stream's capacity unchanged) to `close()` resolving. */
  readonly drainSeconds: number;
}

const BATCH = 500;
const RATIO_TARGET = 0.9;
const PUT_RECORD_RATIO_TARGET = 20;

/**
 * Issue 5's figures against one Kinesis emulator: the producer's throughput
 * against a hand-written PutRecords loop and a one-PutRecord-per-call loop,
 * straight and behind a fixed-delay proxy, and its memory when the caller
 * offers ten times what a throttled stream takes.
 */
export async function measureProducer(options: ProducerBenchOptions = {}): Promise<ProducerBenchResult> {
  const progress = options.onProgress ?? (() => undefined);
  const n = options.events ?? 5_000;
  const rounds = options.rounds ?? 2;
  const putRecordEvents = options.putRecordEvents ?? 600;
  const delayMs = options.delayMs ?? 10;
  const delayedEvents = options.delayedEvents ?? 3_000;
  const delayedPutRecordEvents = options.delayedPutRecordEvents ?? 200;
  const capacity = options.overloadCapacity ?? 400;
  const overloadMs = options.overloadMs ?? 4_000;
  const shards = options.shards ?? 2;
  const runId = Date.now().toString(36);

  const dataDir = mkdtempSync(path.join(tmpdir(), 'streamtally-bench-producer-'));
  progress(`producer: starting kinesalite; ${n.toLocaleString('en-US')} events per run, ${shards} shards, a fresh stream per run`);
  const emulator = await startKinesisEmulator({ dataDir });
  const direct = new KinesisClient(localClientConfig(emulator.endpoint, { maxAttempts: 1 }));
  let streams = 0;
  const freshStream = async () => {
    const name = `bench-producer-${runId}-${streams++}`;
    await createStream(direct, name, shards);
    return name;
  };
  const generator = new SyntheticEvents({ seed: 5, runId });
  const eventsFor = (count: number) => Array.from({ length: count }, () => nextEvent(generator));
  const sample = eventsFor(1_000);
  const meanEventBytes = sample.reduce((total, event) => total + Buffer.byteLength(JSON.stringify(event)), 0) / sample.length;

  const run = async (contender: ProducerRun['contender'], client: KinesisClient, count: number, verify: boolean): Promise<ProducerRun> => {
    const streamName = await freshStream();
    const events = eventsFor(count);
    const result =
      contender === 'putRecordsLoop'
        ? await putRecordsLoop(client, streamName, events)
        : contender === 'putRecordLoop'
          ? await putRecordLoop(client, streamName, events)
          : await producerRun(client, streamName, events);
    let onStream: ProducerRun['onStream'];
    if (verify) {
      const stored = await readStream(direct, streamName);
      onStream = {
        records: stored.length,
        distinctIds: new Set(stored.map((record) => (JSON.parse(record.data.toString('utf8')) as { id: string }).id)).size,
      };
    }
    const line = `${contender} ${Math.round((count * 1000) / result.ms)} events/s${onStream ? `, ${onStream.records} on the stream` : ''}`;
    progress(`producer:   ${line}`);
    return {
      contender,
      events: count,
      seconds: result.ms / 1000,
      eventsPerSecond: (count * 1000) / result.ms,
      lost: result.lost,
      onStream,
      requests: result.requests,
      retried: result.retried,
    };
  };

  let delayProxy: DelayProxy | undefined;
  let faultProxy: FaultProxy | undefined;
  try {
    // A short warm-up of both paths, untimed.
    await putRecordsLoop(direct, await freshStream(), eventsFor(1_000));
    await producerRun(direct, await freshStream(), eventsFor(1_000));

    progress(
      `producer: PutRecords loop vs producer, ${rounds} rounds (A B B A ...), then ${putRecordEvents} events one PutRecord at a time`,
    );
    const directRuns: ProducerRun[] = [];
    for (let round = 0; round < rounds; round++) {
      const order: ProducerRun['contender'][] = round % 2 === 0 ? ['putRecordsLoop', 'producer'] : ['producer', 'putRecordsLoop'];
      for (const contender of order) directRuns.push(await run(contender, direct, n, true));
    }
    // The PutRecord loop against the producer on as many events: kinesis-local's cost per record
    // grows with the records a shard holds, so both must fill their stream alike.
    directRuns.push(await run('producer', direct, putRecordEvents, true));
    directRuns.push(await run('putRecordLoop', direct, putRecordEvents, true));
    directRuns.push(await run('producer', direct, putRecordEvents, true));

    progress(`producer: the same behind a proxy adding ${delayMs} ms to every request`);
    delayProxy = await DelayProxy.start(emulator.endpoint, delayMs);
    const delayedClient = new KinesisClient(localClientConfig(delayProxy.endpoint, { maxAttempts: 1 }));
    const delayedRuns: ProducerRun[] = [];
    try {
      delayedRuns.push(await run('putRecordsLoop', delayedClient, delayedEvents, false));
      delayedRuns.push(await run('producer', delayedClient, delayedEvents, false));
      delayedRuns.push(await run('putRecordLoop', delayedClient, delayedPutRecordEvents, false));
      delayedRuns.push(await run('producer', delayedClient, delayedPutRecordEvents, false));
    } finally {
      delayedClient.destroy();
    }

    progress(
      `producer: overload, a stream taking ${capacity} records/s offered ${capacity * 10}/s for ${overloadMs / 1000} s, default buffer`,
    );
    faultProxy = await FaultProxy.start(emulator.endpoint);
    const overload = await measureOverload(faultProxy, direct, await freshStream(), generator, capacity, overloadMs);
    progress(
      `producer:   peak buffered ${overload.peakBuffered}, peak memory ${(overload.peakMemoryBytes / 2 ** 20).toFixed(1)} MiB, drained in ${overload.drainSeconds.toFixed(1)} s`,
    );

    const rate = (runs: readonly ProducerRun[], contender: ProducerRun['contender'], events: number) => {
      const mine = runs.filter((candidate) => candidate.contender === contender && candidate.events === events);
      return (
        mine.reduce((total, candidate) => total + candidate.events, 0) / mine.reduce((total, candidate) => total + candidate.seconds, 0)
      );
    };
    const handRate = rate(directRuns, 'putRecordsLoop', n);
    const producerRate = rate(directRuns, 'producer', n);
    const putRecordRate = rate(directRuns, 'putRecordLoop', putRecordEvents);
    const producerSmallRate = rate(directRuns, 'producer', putRecordEvents);
    const zeroLoss = directRuns.every(
      (candidate) =>
        candidate.lost === 0 && candidate.onStream?.records === candidate.events && candidate.onStream.distinctIds === candidate.events,
    );
    return {
      emulator: 'kinesalite (patched), started by startKinesisEmulator as the local stack starts it, its own child process',
      shards,
      meanEventBytes,
      producerSettings:
        'new Producer({ streamName, client }) with the defaults (maxConcurrentRequests 8, lingerMs 50, maxBufferedEvents 10,000); client maxAttempts 1, NodeHttpHandler',
      direct: {
        runs: directRuns,
        putRecordsLoopEventsPerSecond: handRate,
        producerEventsPerSecond: producerRate,
        putRecordLoopEventsPerSecond: putRecordRate,
        producerOnPutRecordCountEventsPerSecond: producerSmallRate,
        zeroLoss,
      },
      producerToPutRecordsLoop: {
        value: producerRate / handRate,
        target: `>= ${RATIO_TARGET} with zero loss`,
        met: producerRate / handRate >= RATIO_TARGET && zeroLoss,
      },
      producerToPutRecordLoop: {
        value: producerSmallRate / putRecordRate,
        target: `>= ${PUT_RECORD_RATIO_TARGET}`,
        met: producerSmallRate / putRecordRate >= PUT_RECORD_RATIO_TARGET,
      },
      producerLargeRunsToPutRecordLoop: producerRate / putRecordRate,
      delayed: {
        delayMs,
        runs: delayedRuns,
        producerToPutRecordsLoop: rate(delayedRuns, 'producer', delayedEvents) / rate(delayedRuns, 'putRecordsLoop', delayedEvents),
        producerToPutRecordLoop:
          rate(delayedRuns, 'producer', delayedPutRecordEvents) / rate(delayedRuns, 'putRecordLoop', delayedPutRecordEvents),
      },
      overload,
    };
  } finally {
    await delayProxy?.close();
    await faultProxy?.close();
    direct.destroy();
    await emulator.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

interface TimedRun {
  readonly ms: number;
  readonly lost: number;
  readonly requests: number;
  readonly retried: number;
}

/** The hand-written loop: slices of 500, one request at a time, no retries; a failed record is lost. */
async function putRecordsLoop(client: KinesisClient, streamName: string, events: readonly ProducerEvent[]): Promise<TimedRun> {
  const start = performance.now();
  let lost = 0;
  let requests = 0;
  for (let offset = 0; offset < events.length; offset += BATCH) {
    const Records = events
      .slice(offset, offset + BATCH)
      .map((event) => ({ Data: Buffer.from(JSON.stringify(event)), PartitionKey: event.key }));
    const answer = await client.send(new PutRecordsCommand({ StreamName: streamName, Records }));
    lost += answer.FailedRecordCount ?? 0;
    requests += 1;
  }
  return { ms: performance.now() - start, lost, requests, retried: 0 };
}

/** One PutRecord per event, one at a time. */
async function putRecordLoop(client: KinesisClient, streamName: string, events: readonly ProducerEvent[]): Promise<TimedRun> {
  const start = performance.now();
  for (const event of events) {
    await client.send(new PutRecordCommand({ StreamName: streamName, Data: Buffer.from(JSON.stringify(event)), PartitionKey: event.key }));
  }
  return { ms: performance.now() - start, lost: 0, requests: events.length, retried: 0 };
}

/** What a user writes: send every event, then close. */
async function producerRun(client: KinesisClient, streamName: string, events: readonly ProducerEvent[]): Promise<TimedRun> {
  const start = performance.now();
  const producer = new Producer({ streamName, client });
  for (const event of events) await producer.send(event);
  const report = await producer.close();
  return { ms: performance.now() - start, lost: report.failed, requests: report.requests, retried: report.retried };
}

async function measureOverload(
  proxy: FaultProxy,
  direct: KinesisClient,
  streamName: string,
  generator: SyntheticEvents,
  capacity: number,
  overloadMs: number,
): Promise<OverloadResult> {
  proxy.reset(capacityPlan(capacity));
  const client = new KinesisClient(localClientConfig(proxy.endpoint, { maxAttempts: 1 }));
  const producer = new Producer({ streamName, client });
  const maxBufferedEvents = 10_000; // ProducerDefaults
  const memory = () => {
    collectGarbage();
    const usage = process.memoryUsage();
    return usage.heapUsed + usage.arrayBuffers;
  };
  const memoryBefore = memory();
  let peakMemory = memoryBefore;
  let peakBuffered = 0;
  const sampler = setInterval(() => {
    peakMemory = Math.max(peakMemory, memory());
    peakBuffered = Math.max(peakBuffered, producer.counts().buffered);
  }, 250);
  const offered = capacity * 10;
  const start = performance.now();
  let sends = 0;
  try {
    while (performance.now() - start < overloadMs) {
      const due = ((performance.now() - start) * offered) / 1000;
      while (sends < due && performance.now() - start < overloadMs) {
        await producer.send(nextEvent(generator));
        sends += 1;
        peakBuffered = Math.max(peakBuffered, producer.counts().buffered);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const seconds = (performance.now() - start) / 1000;
    peakMemory = Math.max(peakMemory, memory());
    // The caller stops; close() drains the buffer at the same capacity. (Lifting the limit
    // here lets eight 500-record requests at once reach kinesis-local, whose answers then
    // outlast the producer's request timeout on a busy machine: a storm of re-sends.)
    const drainStart = performance.now();
    const report = await producer.close();
    const drainSeconds = (performance.now() - drainStart) / 1000;
    clearInterval(sampler);
    const stored = await readStream(direct, streamName);
    return {
      capacityPerSecond: capacity,
      offeredPerSecond: offered,
      seconds,
      sendsCompleted: sends,
      sendsAttempted: Math.round(offered * seconds),
      maxBufferedEvents,
      peakBuffered,
      memoryBeforeBytes: memoryBefore,
      peakMemoryBytes: peakMemory,
      sent: report.sent,
      throttledAttempts: report.throttled,
      failed: report.failed,
      onStream: stored.length,
      distinctIdsOnStream: new Set(stored.map((record) => (JSON.parse(record.data.toString('utf8')) as { id: string }).id)).size,
      drainSeconds,
    };
  } finally {
    clearInterval(sampler);
    client.destroy();
  }
}

/** The generator's next event; its rates of bad records are all 0, so every item is a valid event. */
function nextEvent(generator: SyntheticEvents): ProducerEvent {
  const item = generator.next(Date.now());
  if (item.kind !== 'event') throw new Error('the bench generator made a malformed record; its rates must all be 0');
  return item.event;
}
