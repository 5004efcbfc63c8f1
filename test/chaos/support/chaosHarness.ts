import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { App } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { parseGranularities, windowStartMs, AggregateAttributes as A, isCellPagePk, isTopKeysPk } from '../../../core';
import { pageCellItems } from '../../../lambdas/aggregator/store/readCells';

type Granularity = ReturnType<typeof parseGranularities>[number];
import { resolveConfig, type StreamtallyConfig } from '../../../lib/config/StreamtallyConfig';
import { StreamtallyStack } from '../../../lib/StreamtallyStack';
import { countQuarantined, sumOfMetric } from '../../../src/demo/readTotals';
import { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '../../../src/local/runtime/startLocalRuntime';
import { isProcessAlive } from '../../../src/local/state';
import { readCloudAssembly } from '../../../src/local/template';
import { Producer } from '../../../src/producer';
import type { ProducerEvent, ProducerOptions, ProducerReport } from '../../../src/producer/types';
import type { SyntheticItem } from '../../../src/synthetic';

/** Longer workloads outside CI: `npm run test:chaos -- --soak` (sets CHAOS_SOAK=1). */
export const SOAK = process.env.CHAOS_SOAK === '1';
/** Scales a workload size for the soak mode. */
export const scaled = (events: number): number => (SOAK ? events * 10 : events);

export const STAGE = 'chaos';
/** The producer's request timeout in the chaos workloads (the default is 10 s). */
export const LOCAL_PUT_TIMEOUT_MS = 120_000;
/** The aggregator's timeout in the chaos stack: short, so a held DynamoDB answer kills the worker mid-batch quickly. */
export const FUNCTION_TIMEOUT_SECONDS = 4;
export const CHAOS_CONFIG: Partial<StreamtallyConfig> = { stage: STAGE, shardCount: 2, batchSize: 100 };

export interface ChaosAssembly {
  readonly stackName: string;
  readonly assemblyDir: string;
  remove(): void;
}

/** The real stack, synthesized as `cdk synth` does, with a short aggregator timeout. */
export function synthesizeChaosStack(): ChaosAssembly {
  const stackName = `Streamtally-${STAGE}`;
  const app = new App();
  const stack = new StreamtallyStack(app, stackName, { config: resolveConfig(CHAOS_CONFIG) });
  (stack.aggregator.fn.node.defaultChild as lambda.CfnFunction).timeout = FUNCTION_TIMEOUT_SECONDS;
  const { directory } = app.synth();
  const { assemblyDir } = readCloudAssembly(directory, stackName);
  return { stackName, assemblyDir, remove: () => rmSync(directory, { recursive: true, force: true }) };
}

/** A temporary project whose cdk.out is the chaos assembly. */
export function chaosProject(assembly: ChaosAssembly): { root: string; remove(): void } {
  const root = mkdtempSync(path.join(tmpdir(), 'streamtally-chaos-'));
  symlinkSync(assembly.assemblyDir, path.join(root, 'cdk.out'));
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export interface ChaosStack {
  readonly runtime: LocalRuntime;
  readonly log: string[];
  readonly functionLines: string[];
  /** Stops the stack and checks that no emulator is left running. */
  stop(): Promise<void>;
}

export async function startChaosStack(
  assembly: ChaosAssembly,
  projectRoot: string,
  extra: Pick<LocalRuntimeOptions, 'functionEndpoints' | 'mappingEndpoints' | 'startConsumers'> = {},
): Promise<ChaosStack> {
  const log: string[] = [];
  const functionLines: string[] = [];
  const runtime = await startLocalRuntime({
    projectRoot,
    stackName: assembly.stackName,
    log: (line) => log.push(line),
    functionLog: (_fn, line) => {
      if (functionLines.length < 5_000) functionLines.push(line);
    },
    alarmIntervalMs: 0,
    ...extra,
  });
  return {
    runtime,
    log,
    functionLines,
    stop: async () => {
      await runtime.stop();
      const left = Object.entries(runtime.state.emulatorPids).filter(([, pid]) => isProcessAlive(pid));
      if (left.length > 0)
        throw new Error(`emulators still running after stop: ${left.map(([name, pid]) => `${name} (pid ${pid})`).join(', ')}`);
    },
  };
}

export type QuarantineReason = 'invalid' | 'late' | 'future';

/**
 * The ground truth of a workload: every record put on the stream and what the
 * consumer must make of it. Expected aggregates are computed from the unique
 * valid events only, per (type, granularity, key, window).
 */
export class Workload {
  /** Records put on the stream (acknowledged by Kinesis). */
  sent = 0;
  readonly expectedQuarantine: Record<QuarantineReason, number> = { invalid: 0, late: 0, future: 0 };
  expectedDuplicates = 0;
  /**
   * Extra copies the producer may have put on the stream: records it re-sent after a
   * request whose outcome it could not know (a reset, a 5xx). Each copy that did land
   * must be dropped by the consumer as a duplicate; see {@link settleProducerDuplicates}.
   */
  possibleProducerDuplicates = 0;
  private readonly validIds = new Set<string>();
  private readonly validEvents: { type: string; key: string; tsMs: number }[] = [];

  /** Notes one record put on the stream. */
  record(verdict: 'valid' | 'duplicate' | QuarantineReason, event?: { id: string; type: string; key: string; ts: string | number }): void {
    this.sent += 1;
    if (verdict === 'duplicate') this.expectedDuplicates += 1;
    else if (verdict === 'valid') {
      if (!event) throw new Error('a valid record needs its event');
      if (this.validIds.has(event.id)) throw new Error(`workload bug: valid id ${event.id} twice`);
      this.validIds.add(event.id);
      this.validEvents.push({ type: event.type, key: event.key, tsMs: typeof event.ts === 'number' ? event.ts : Date.parse(event.ts) });
    } else this.expectedQuarantine[verdict] += 1;
  }

  /**
   * Notes the producer's extra copies found on the stream (at most the possible ones):
   * records sent, each to be dropped as a duplicate.
   */
  settleProducerDuplicates(onStream: number): void {
    if (onStream > this.possibleProducerDuplicates) {
      throw new Error(
        `${onStream} extra copies on the stream, but the producer reported only ${this.possibleProducerDuplicates} possible duplicates`,
      );
    }
    for (let i = 0; i < onStream; i += 1) this.record('duplicate');
    this.possibleProducerDuplicates = 0;
  }

  get expectedAggregated(): number {
    return this.validEvents.length;
  }

  /** Expected count per aggregate item, `type#granularity#key#windowStartIso`. */
  expectedCounts(granularities: readonly Granularity[]): Map<string, number> {
    const counts = new Map<string, number>();
    for (const event of this.validEvents) {
      for (const granularity of granularities) {
        const id = itemId(event.type, granularity.label, event.key, new Date(windowStartMs(event.tsMs, granularity.sizeMs)).toISOString());
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
    }
    return counts;
  }
}

function itemId(type: string, granularity: string, key: string, windowStartIso: string): string {
  return JSON.stringify([type, granularity, key, windowStartIso]);
}

/** How {@link produceSynthetic} sends. */
export interface ProduceOptions {
  /** The producer's client (give it `maxAttempts: 1`). @default the runtime's own Kinesis client */
  readonly client?: KinesisClient;
  /** Further producer settings (the stream and client come from the runtime and `client`). */
  readonly producer?: Partial<Omit<ProducerOptions, 'streamName' | 'client'>>;
  /** Flushes after every this many items, so that they leave in many smaller requests. @default none: all at once */
  readonly flushEvery?: number;
  /** With `flushEvery`: waits this long after each flush, to spread the items over time. @default 0 */
  readonly pauseAfterFlushMs?: number;
  /**
   * A request whose outcome the producer could not know is re-sent, and may leave a second
   * copy on the stream. `refuse`: fail, the ground truth would be unknown. `expect`: add the
   * producer's count to {@link Workload.possibleProducerDuplicates}, to be settled against the
   * stream ({@link readStream}, {@link Workload.settleProducerDuplicates}).
   * @default 'refuse'
   */
  readonly possibleDuplicates?: 'refuse' | 'expect';
}

/** Sends synthetic items through the real producer and records each one's expected fate. */
export async function produceSynthetic(
  runtime: LocalRuntime,
  workload: Workload,
  items: Iterable<SyntheticItem>,
  options: ProduceOptions = {},
): Promise<ProducerReport> {
  // A busy machine can slow an answer past the SDK's default timeout: a request timed out and
  // sent again would leave the ground truth unknown, so it is given time.
  const producer = new Producer({
    requestTimeoutMs: LOCAL_PUT_TIMEOUT_MS,
    ...options.producer,
    streamName: runtime.state.resources.streamName,
    client: options.client ?? runtime.clients.kinesis,
  });
  const sends: Promise<void>[] = [];
  // Items may be made as they are taken (a generator): the ground truth is what was sent.
  const sent: SyntheticItem[] = [];
  for (const item of items) {
    const index = sent.push(item) - 1;
    if (item.kind === 'event') sends.push(producer.send(item.event));
    else sends.push(producer.sendRawUnvalidated(item.data, item.partitionKey));
    if (options.flushEvery !== undefined && (index + 1) % options.flushEvery === 0) {
      await producer.flush();
      if (options.pauseAfterFlushMs) await new Promise((resolve) => setTimeout(resolve, options.pauseAfterFlushMs));
    }
  }
  await Promise.all(sends);
  const report = await producer.close();
  if (report.failed > 0 || report.rejected > 0) throw new Error(`producer: ${report.failed} failed, ${report.rejected} rejected`);
  if (report.possibleDuplicates > 0 && options.possibleDuplicates !== 'expect') {
    throw new Error(`producer: ${report.possibleDuplicates} possible duplicates; the workload's ground truth would be unknown`);
  }
  workload.possibleProducerDuplicates += report.possibleDuplicates;
  for (const item of sent) {
    if (item.kind === 'malformed') workload.record('invalid');
    else workload.record(item.tag === 'duplicate' ? 'duplicate' : item.tag, item.event);
  }
  return report;
}

/**
 * Reads the whole stream, every shard from TRIM_HORIZON, through the runtime's own
 * client (the emulator's endpoint): how many records it holds, and how many of them
 * are extra copies of an event id seen before.
 */
export async function readStream(runtime: LocalRuntime): Promise<{ records: number; extraCopies: number }> {
  const { kinesis } = runtime.clients;
  const StreamName = runtime.state.resources.streamName;
  const ids = new Set<string>();
  let records = 0;
  let extraCopies = 0;
  const shards = (await kinesis.send(new ListShardsCommand({ StreamName }))).Shards ?? [];
  for (const shard of shards) {
    let iterator = (
      await kinesis.send(new GetShardIteratorCommand({ StreamName, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))
    ).ShardIterator;
    while (iterator) {
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const record of page.Records ?? []) {
        records += 1;
        const id = eventId(record.Data);
        if (id === undefined) continue;
        if (ids.has(id)) extraCopies += 1;
        else ids.add(id);
      }
      if ((page.Records ?? []).length === 0 && (page.MillisBehindLatest ?? 0) === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return { records, extraCopies };
}

function eventId(data: Uint8Array | undefined): string | undefined {
  try {
    const id = (JSON.parse(Buffer.from(data ?? []).toString('utf8')) as { id?: unknown }).id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/** Puts raw records straight on the stream (no producer validation), in order, with their expected fate. */
export async function putRaw(
  runtime: LocalRuntime,
  workload: Workload,
  records: readonly { data: Uint8Array; partitionKey: string; verdict: 'valid' | QuarantineReason; event?: ProducerEvent }[],
): Promise<void> {
  for (const record of records) {
    const answer = await runtime.clients.kinesis.send(
      new PutRecordsCommand({
        StreamName: runtime.state.resources.streamName,
        Records: [{ Data: record.data, PartitionKey: record.partitionKey }],
      }),
    );
    if ((answer.FailedRecordCount ?? 0) > 0)
      throw new Error(`PutRecords refused a record: ${answer.Records?.[0]?.ErrorCode} ${answer.Records?.[0]?.ErrorMessage}`);
    workload.record(record.verdict, record.event);
  }
}

/** What the stack holds, compared with the workload's ground truth. */
export interface Verdict {
  /** Every aggregate exact and the quarantine as expected. */
  readonly exact: boolean;
  /** Valid events missing from the aggregates plus bad records missing from the quarantine. */
  readonly lost: number;
  /** Events counted more than once (aggregates above the expectation) plus extra quarantine entries. */
  readonly doubleCounted: number;
  readonly aggregated: number;
  readonly quarantined: Record<string, number>;
  /** The consumer's DuplicatesDropped metric (since the runtime started). */
  readonly duplicatesDropped: number;
  readonly mismatches: string[];
}

export async function verify(runtime: LocalRuntime, workload: Workload): Promise<Verdict> {
  const aggregator = runtime.plan.functions.find((fn) => fn.environment.CONSUMER_NAME);
  if (!aggregator) throw new Error('the chaos stack has no aggregator');
  const granularities = parseGranularities(aggregator.environment.WINDOWS ?? '1m:7d,1h:90d,1d:1100d');
  const expected = workload.expectedCounts(granularities);
  const actual = new Map<string, number>();
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await runtime.clients.dynamodb.send(
      new ScanCommand({ TableName: runtime.state.resources.aggregatesTable, ConsistentRead: true, ExclusiveStartKey: startKey }),
    );
    for (const stored of page.Items ?? []) {
      if (isTopKeysPk(stored[A.pk]?.S ?? '')) continue;
      // A cell page's cells count as the per-key items they stand for (core/cellPages.ts).
      for (const item of isCellPagePk(stored[A.pk]?.S ?? '') ? pageCellItems(stored) : [stored]) {
        const id = itemId(item[A.type]?.S ?? '?', item[A.granularity]?.S ?? '?', item[A.key]?.S ?? '?', item[A.windowStart]?.S ?? '?');
        actual.set(id, (actual.get(id) ?? 0) + Number(item[A.count]?.N ?? 0));
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);

  let lost = 0;
  let doubleCounted = 0;
  const mismatches: string[] = [];
  const coarsest = granularities[granularities.length - 1]!.label;
  let aggregated = 0;
  let finerMismatches = 0;
  for (const id of new Set([...expected.keys(), ...actual.keys()])) {
    const want = expected.get(id) ?? 0;
    const got = actual.get(id) ?? 0;
    const isCoarsest = (JSON.parse(id) as string[])[1] === coarsest;
    if (isCoarsest) aggregated += got;
    if (want === got) continue;
    if (mismatches.length < 20) mismatches.push(`${id}: expected ${want}, found ${got}`);
    // Each event is in one item per granularity: lost and double counts are counted once, on the coarsest;
    // a difference at a finer granularity alone still makes the verdict inexact.
    if (isCoarsest && got < want) lost += want - got;
    if (isCoarsest && got > want) doubleCounted += got - want;
    if (!isCoarsest) finerMismatches += 1;
  }
  const quarantined = await countQuarantined(runtime.clients.s3, runtime.state.resources.quarantineBucket);
  for (const reason of ['invalid', 'late', 'future'] as const) {
    const want = workload.expectedQuarantine[reason];
    const got = quarantined[reason] ?? 0;
    if (got < want) lost += want - got;
    if (got > want) doubleCounted += got - want;
    if (got !== want) mismatches.push(`quarantine ${reason}: expected ${want}, found ${got}`);
  }
  const service = aggregator.environment.POWERTOOLS_SERVICE_NAME ?? aggregator.environment.CONSUMER_NAME!;
  const namespace = aggregator.environment.POWERTOOLS_METRICS_NAMESPACE ?? 'streamtally';
  const duplicatesDropped = sumOfMetric(runtime.metrics, { namespace, service }, 'DuplicatesDropped', 0, Date.now() + 60_000);
  return {
    exact: mismatches.length === 0 && finerMismatches === 0,
    lost,
    doubleCounted,
    aggregated,
    quarantined,
    duplicatesDropped,
    mismatches,
  };
}

/**
 * Polls until the stack holds exactly what the workload expects (or the time is up),
 * then waits `settleMs` and checks again, so that a late re-delivery that would
 * double-count is still seen. Returns the final verdict and when exactness was first reached.
 */
export async function waitUntilAccountedFor(
  runtime: LocalRuntime,
  workload: Workload,
  options: { timeoutMs: number; settleMs?: number },
): Promise<{ verdict: Verdict; accountedForAtMs: number | undefined }> {
  const deadline = Date.now() + options.timeoutMs;
  let verdict = await verify(runtime, workload);
  while (!verdict.exact && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    verdict = await verify(runtime, workload);
  }
  const accountedForAtMs = verdict.exact ? Date.now() : undefined;
  await waitUntilIdle(runtime, options.settleMs ?? 3_000);
  return { verdict: await verify(runtime, workload), accountedForAtMs };
}

/** Waits until no shard has records in flight (at most `maxMs`), and at least a short while. */
async function waitUntilIdle(runtime: LocalRuntime, maxMs: number): Promise<void> {
  const deadline = Date.now() + maxMs;
  await new Promise((resolve) => setTimeout(resolve, Math.min(1_500, maxMs)));
  while (
    Date.now() < deadline &&
    runtime.mappingStates().some((mapping) => mapping.shards.some((shard) => (shard.recordsInFlight ?? 0) > 0))
  ) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
