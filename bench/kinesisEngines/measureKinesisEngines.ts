import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { localClientConfig } from '../../src/local/emulators/localClientConfig';
import { BenchEvents, PUT_RECORDS_BATCH } from '../stack/putRecordsLoop';
import { cpuBetween, ProcessTreeSampler } from '../stack/ProcessTreeSampler';
import { probeApiCalls, type ApiCallOutcome } from './probeApiCalls';
import { KINESIS_ENGINES, startEngine, type KinesisEngine } from './startEngine';

/** Options of {@link measureKinesisEngines}. */
export interface KinesisEnginesOptions {
  /** Records put into the one shard, at most. @default 100_000 */
  readonly records?: number;
  /** Wall time each engine's put loop may take; a slower engine stops short of `records`. @default 60_000 */
  readonly budgetMs?: number;
  readonly onProgress?: (message: string) => void;
}

/** One engine's figures. */
export interface EngineFigures {
  readonly engine: KinesisEngine;
  /** Records put (and acknowledged) into the shard within the budget. */
  readonly recordsPut: number;
  readonly putSeconds: number;
  /** Median PutRecords (500 records) latency, ms, over the first 4 requests (≤ 2,000 records held). */
  readonly putMsAtStart: number;
  /** Median PutRecords latency, ms, over the last 4 requests (at `recordsPut` held). */
  readonly putMsAtEnd: number;
  /** Median PutRecords latency, ms, at about 1,000, 10,000, 50,000, 100,000 records held (those reached). */
  readonly putMsAtHeld: Readonly<Record<string, number>>;
  /** Median GetRecords latency (Limit 1,000, from TRIM_HORIZON) with `recordsPut` held, ms. */
  readonly getRecordsMs: number;
  /** The engine's CPU time per record put, µs. */
  readonly cpuMicrosPerRecord: number;
  readonly peakRssMiB: number;
  /** Records acknowledged just before a SIGKILL, and how many of all acknowledged were missing after a restart on the same data. */
  readonly sigkill: { readonly acknowledged: number; readonly lost: number };
  /** The API calls the local stack, the tests and the producer make, and the gaps to check. */
  readonly apiCalls: readonly ApiCallOutcome[];
}

export interface KinesisEnginesResult {
  readonly recordsAsked: number;
  readonly budgetSeconds: number;
  readonly engines: readonly EngineFigures[];
}

const HELD_MARKS = [1_000, 10_000, 50_000, 100_000];
const STREAM = 'engines';

/**
 * The local Kinesis engines side by side, in one run (docs/local-runtime.md): one shard
 * filled with up to `records` records in PutRecords of 500, put latency as the shard
 * fills, GetRecords latency full, the engine's CPU per record and peak RSS, acknowledged
 * records lost across a SIGKILL, and which API calls answer.
 */
export async function measureKinesisEngines(options: KinesisEnginesOptions = {}): Promise<KinesisEnginesResult> {
  const records = options.records ?? 100_000;
  const budgetMs = options.budgetMs ?? 60_000;
  const progress = options.onProgress ?? (() => undefined);
  const engines: EngineFigures[] = [];
  for (const engine of KINESIS_ENGINES) engines.push(await measureEngine(engine, records, budgetMs, progress));
  return { recordsAsked: records, budgetSeconds: budgetMs / 1000, engines };
}

async function measureEngine(
  engine: KinesisEngine,
  records: number,
  budgetMs: number,
  progress: (message: string) => void,
): Promise<EngineFigures> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `streamtally-engines-${engine}-`));
  let running = await startEngine(engine, dataDir);
  const port = Number(new URL(running.endpoint).port);
  const sampler = new ProcessTreeSampler(250);
  sampler.watch(running.pid, engine);
  sampler.start();
  let client = new KinesisClient(localClientConfig(running.endpoint, { maxAttempts: 1 }));
  try {
    progress(`kinesis-engines: ${engine}: up to ${records.toLocaleString('en-US')} records into one shard, ${budgetMs / 1000} s at most`);
    await client.send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: 1 }));
    await waitActive(client);
    const events = new BenchEvents(21, `engines-${engine}`);
    const requestMs: number[] = [];
    const heldAt: number[] = [];
    const cpuBefore = sampler.cpuMark();
    const start = performance.now();
    let put = 0;
    while (put < records && performance.now() - start < budgetMs) {
      const entries = events.entries(Math.min(PUT_RECORDS_BATCH, records - put));
      const requestStart = performance.now();
      const answer = await client.send(new PutRecordsCommand({ StreamName: STREAM, Records: entries }));
      requestMs.push(performance.now() - requestStart);
      heldAt.push(put);
      put += entries.length - (answer.FailedRecordCount ?? 0);
      if (requestMs.length % 40 === 0)
        progress(`kinesis-engines: ${engine}: ${put.toLocaleString('en-US')} records, last put ${requestMs.at(-1)!.toFixed(0)} ms`);
    }
    const putSeconds = (performance.now() - start) / 1000;
    const cpuAfter = sampler.cpuMark();
    const cpuSeconds =
      cpuBetween(cpuBefore, cpuAfter).reduce((sum, share) => sum + share.cores, 0) * ((cpuAfter.atMs - cpuBefore.atMs) / 1000);

    const putMsAtHeld: Record<string, number> = {};
    for (const mark of HELD_MARKS) {
      const around = requestMs.filter((_, index) => Math.abs(heldAt[index]! - mark) <= 2 * PUT_RECORDS_BATCH);
      if (around.length > 0 && mark <= put) putMsAtHeld[String(mark)] = round(median(around));
    }

    const getMs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { ShardIterator } = await client.send(
        new GetShardIteratorCommand({ StreamName: STREAM, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }),
      );
      const getStart = performance.now();
      await client.send(new GetRecordsCommand({ ShardIterator, Limit: 1000 }));
      getMs.push(performance.now() - getStart);
    }
    const peakRssMiB = sampler.peakTotalBytes / 2 ** 20;
    sampler.stop();

    // Four more acknowledged puts, then SIGKILL at once: what a crash of the emulator loses.
    let acknowledged = put;
    for (let i = 0; i < 4; i++) {
      const entries = events.entries(PUT_RECORDS_BATCH);
      const answer = await client.send(new PutRecordsCommand({ StreamName: STREAM, Records: entries }));
      acknowledged += entries.length - (answer.FailedRecordCount ?? 0);
    }
    client.destroy();
    await running.kill();
    running = await startEngine(engine, dataDir, port);
    client = new KinesisClient(localClientConfig(running.endpoint, { maxAttempts: 1 }));
    const kept = await countRecords(client);
    progress(`kinesis-engines: ${engine}: SIGKILL after ${acknowledged} acknowledged records; ${kept} there after the restart`);

    progress(`kinesis-engines: ${engine}: API calls`);
    const apiCalls = await probeApiCalls(client, running.endpoint);
    return {
      engine,
      recordsPut: put,
      putSeconds: round(putSeconds),
      putMsAtStart: round(median(requestMs.slice(0, 4))),
      putMsAtEnd: round(median(requestMs.slice(-4))),
      putMsAtHeld,
      getRecordsMs: round(median(getMs)),
      cpuMicrosPerRecord: round((cpuSeconds * 1e6) / Math.max(1, put)),
      peakRssMiB: round(peakRssMiB),
      sigkill: { acknowledged, lost: Math.max(0, acknowledged - kept) },
      apiCalls,
    };
  } finally {
    sampler.stop();
    client.destroy();
    await running.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function waitActive(client: KinesisClient): Promise<void> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    const { StreamDescriptionSummary } = await client.send(new DescribeStreamSummaryCommand({ StreamName: STREAM }));
    if (StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`stream ${STREAM} did not become ACTIVE`);
}

/** Records in the shard, read to its tip (a missing stream holds none). */
async function countRecords(client: KinesisClient): Promise<number> {
  let iterator: string | undefined;
  try {
    iterator = (
      await client.send(
        new GetShardIteratorCommand({ StreamName: STREAM, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }),
      )
    ).ShardIterator;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return 0;
    throw error;
  }
  let count = 0;
  while (iterator) {
    const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
    count += page.Records?.length ?? 0;
    if ((page.Records?.length ?? 0) === 0) break;
    iterator = page.NextShardIterator;
  }
  return count;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
