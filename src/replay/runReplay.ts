import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { unpadSequenceNumber } from '../../core';
import { deleteCheckpoints } from './deleteCheckpoints';
import { readShardPages } from './readShardPages';
import { ReplayProgress, type ProgressSnapshot } from './ReplayProgress';
import type { ReplayManifest, ShardProgress } from './ReplayManifest';
import { replayAggregatorConfig, sameSettings, type ReplaySettings } from './ReplaySettings';
import { replayPorts } from './replayPorts';
import { replayShard } from './replayShard';
import { ReplayStateStore } from './ReplayStateStore';
import { replayConsumerName, shadowTableName } from './shadowNames';
import { createShadowTable, deleteShadowTable, describeTable } from './shadowTable';
import { listStreamShards, type ReplayShard } from './streamShards';
import { ReplayRefusal } from './errors';

/** The stack a replay reads and the clients to reach it. */
export interface ReplayTarget {
  readonly kinesis: KinesisClient;
  readonly dynamo: DynamoDBClient;
  readonly streamName: string;
  /** The live aggregates table: only read (its schema), never written. */
  readonly aggregatesTable: string;
  readonly checkpointTable: string;
}

/** What to replay. */
export interface ReplayRequest {
  readonly shadow: string;
  /** Arrival time to start reading at (AT_TIMESTAMP), epoch ms. */
  readonly fromMs: number;
  /** Arrival time after which records are not read, epoch ms. @default the start of the first run (a resumed run keeps it) */
  readonly toMs?: number;
  readonly settings: ReplaySettings;
  /** Drop the shadow and the replay's checkpoints first. */
  readonly restart?: boolean;
  /** Shards read at once (parents always before their children). @default 4 */
  readonly concurrency?: number;
  /** Records per GetRecords call and per processBatch call. @default 10_000 */
  readonly pageLimit?: number;
  /** Stops the replay after the pages in hand; run it again to resume. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (snapshot: ProgressSnapshot) => void;
  readonly onShardDone?: (shard: ShardProgress) => void;
  /** @default Date.now */
  readonly now?: () => number;
}

/** How a replay run ended. */
export interface ReplayResult {
  readonly manifest: ReplayManifest;
  readonly shadowTable: string;
  readonly consumerName: string;
  /** It continued an earlier, interrupted run. */
  readonly resumed: boolean;
  /** It stopped before every shard was done. */
  readonly interrupted: boolean;
  /** An earlier run had already finished it: nothing was read. */
  readonly alreadyComplete: boolean;
  readonly shards: readonly ShardProgress[];
  readonly elapsedMs: number;
}

const DEFAULT_CONCURRENCY = 4;
const DEFAULT_PAGE_LIMIT = 10_000;

/**
 * Recomputes the aggregates of every record that arrived in `[from, to]`
 * into a shadow namespace, with the consumer's own processBatch: every shard
 * (closed parents of a reshard included, parents before children), read from
 * AT_TIMESTAMP `from`, each page applied as a batch. Its checkpoints (consumer
 * `replay:<shadow>`) make it resumable: run it again with the same request
 * and it continues where it stopped, with the same manifest.
 *
 * @throws {@link ReplayRefusal} when the request cannot be run as given (nothing is written then)
 */
export async function runReplay(target: ReplayTarget, request: ReplayRequest): Promise<ReplayResult> {
  const now = request.now ?? Date.now;
  const startedMs = now();
  if (request.fromMs > startedMs) throw new ReplayRefusal(`--from ${iso(request.fromMs)} is in the future`);
  if (request.toMs !== undefined && request.toMs <= request.fromMs)
    throw new ReplayRefusal(`--to ${iso(request.toMs)} must be after --from ${iso(request.fromMs)}`);
  // The stream first: a wrong name must fail before anything is created.
  const summary = await target.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: target.streamName }));
  const retentionMs = (summary.StreamDescriptionSummary?.RetentionPeriodHours ?? 24) * 3_600_000;
  const shadowTable = shadowTableName(target.aggregatesTable, request.shadow);
  const consumerName = replayConsumerName(request.shadow);
  const state = new ReplayStateStore(target.dynamo, shadowTable);

  if (request.restart) {
    await deleteShadowTable(target.dynamo, shadowTable);
    await deleteCheckpoints(target.dynamo, target.checkpointTable, consumerName);
  }
  const tableExists = (await describeTable(target.dynamo, shadowTable)) !== undefined;
  const existing = tableExists ? await state.readManifest() : undefined;
  let manifest: ReplayManifest;
  if (existing) {
    refuseDifferentReplay(existing, target, request);
    manifest = existing;
  } else {
    const toMs = request.toMs ?? startedMs;
    if (!tableExists) await createShadowTable(target.dynamo, target.aggregatesTable, shadowTable);
    // Checkpoints of an earlier shadow of this name would skip records the new one never took.
    await deleteCheckpoints(target.dynamo, target.checkpointTable, consumerName);
    manifest = {
      shadow: request.shadow,
      streamName: target.streamName,
      liveTable: target.aggregatesTable,
      fromMs: request.fromMs,
      toMs,
      retainedFromMs: -Infinity,
      settings: request.settings,
      startedMs,
    };
  }
  const resumed = existing !== undefined;
  const stored = await state.readShards();
  if (manifest.completedMs !== undefined) {
    return {
      manifest,
      shadowTable,
      consumerName,
      resumed,
      interrupted: false,
      alreadyComplete: true,
      shards: [...stored.values()],
      elapsedMs: now() - startedMs,
    };
  }

  // Records older than the retention may be trimmed while the replay runs; later windows are exact.
  manifest = { ...manifest, retainedFromMs: Math.max(manifest.retainedFromMs ?? -Infinity, startedMs - retentionMs) };
  await state.writeManifest(manifest);

  const shards = await listStreamShards(target.kinesis, target.streamName);
  const progressByShard = new Map(stored);
  const progress = new ReplayProgress(
    shards.map((shard) => shard.shardId),
    manifest.fromMs,
    Math.min(manifest.toMs, startedMs),
    new Map(
      [...stored].map(([id, shard]) => [
        id,
        { records: shard.counts.records, lastArrivalMs: shard.lastArrivalMs, done: shard.stoppedBy !== undefined },
      ]),
    ),
    now,
  );
  const config = replayAggregatorConfig(manifest.settings, consumerName);
  const ports = replayPorts(target.dynamo, { shadowTable, checkpointTable: target.checkpointTable }, config);
  const failed = new AbortController();
  const signal = request.signal ? AbortSignal.any([request.signal, failed.signal]) : failed.signal;

  const replayOne = async (shard: ReplayShard): Promise<boolean> => {
    const { shardId } = shard;
    const checkpoint = await ports.checkpoints.read(shardId);
    const start = checkpoint ? { afterSequenceNumber: unpadSequenceNumber(checkpoint.paddedSequence) } : { atTimestampMs: manifest.fromMs };
    const pages = readShardPages(target.kinesis, {
      streamName: target.streamName,
      shardId,
      start,
      toMs: manifest.toMs,
      limit: request.pageLimit ?? DEFAULT_PAGE_LIMIT,
    });
    const outcome = await replayShard(pages, {
      shardId,
      ports,
      config,
      counts: progressByShard.get(shardId)?.counts,
      signal,
      onPage: async (page) => {
        const running: ShardProgress = {
          shardId,
          counts: page.counts,
          lastArrivalMs: page.lastArrivalMs ?? progressByShard.get(shardId)?.lastArrivalMs,
        };
        progressByShard.set(shardId, running);
        await state.writeShard(running);
        progress.page(shardId, page.records, page.lastArrivalMs);
        request.onProgress?.(progress.snapshot());
      },
    });
    if (outcome.stoppedBy === undefined) return false;
    // The checkpoint holds the shard's watermark and last record at the stopping point.
    const final = await ports.checkpoints.read(shardId);
    const done: ShardProgress = {
      shardId,
      counts: outcome.counts,
      ...(progressByShard.get(shardId)?.lastArrivalMs !== undefined ? { lastArrivalMs: progressByShard.get(shardId)?.lastArrivalMs } : {}),
      stoppedBy: outcome.stoppedBy,
      ...(final?.watermarkMs !== undefined ? { watermarkMs: final.watermarkMs } : {}),
      ...(final ? { lastPaddedSequence: final.paddedSequence } : {}),
    };
    progressByShard.set(shardId, done);
    await state.writeShard(done);
    progress.shardDone(shardId);
    request.onShardDone?.(done);
    request.onProgress?.(progress.snapshot());
    return true;
  };

  const finished = await runParentsFirst(
    shards.filter((shard) => progressByShard.get(shard.shardId)?.stoppedBy === undefined),
    new Set(shards.filter((shard) => progressByShard.get(shard.shardId)?.stoppedBy !== undefined).map((shard) => shard.shardId)),
    request.concurrency ?? DEFAULT_CONCURRENCY,
    signal,
    replayOne,
    () => failed.abort(),
  );
  const interrupted = !finished;
  if (!interrupted) {
    manifest = { ...manifest, completedMs: now() };
    await state.writeManifest(manifest);
  }
  return {
    manifest,
    shadowTable,
    consumerName,
    resumed,
    interrupted,
    alreadyComplete: false,
    shards: [...progressByShard.values()],
    elapsedMs: now() - startedMs,
  };
}

/**
 * Runs `task` over shards, at most `concurrency` at once, starting a shard
 * only once all its listed parents are done. Stops starting new ones when
 * `signal` aborts. A task that throws makes `onError` abort the others, and
 * its error is thrown once they have settled.
 * @returns whether every shard finished
 */
async function runParentsFirst(
  pending: readonly ReplayShard[],
  done: Set<string>,
  concurrency: number,
  signal: AbortSignal,
  task: (shard: ReplayShard) => Promise<boolean>,
  onError: () => void,
): Promise<boolean> {
  const waiting = [...pending];
  const listed = new Set(pending.map((shard) => shard.shardId));
  const running = new Map<string, Promise<void>>();
  let allFinished = true;
  let failure: { error: unknown } | undefined;
  const ready = (shard: ReplayShard) => shard.parentShardIds.every((parent) => done.has(parent) || !listed.has(parent));
  for (;;) {
    while (!signal.aborted && running.size < concurrency) {
      const index = waiting.findIndex(ready);
      if (index === -1) break;
      const [shard] = waiting.splice(index, 1) as [ReplayShard];
      running.set(
        shard.shardId,
        task(shard).then(
          (finished) => {
            running.delete(shard.shardId);
            if (finished) done.add(shard.shardId);
            else allFinished = false;
          },
          (error: unknown) => {
            running.delete(shard.shardId);
            allFinished = false;
            failure ??= { error };
            onError();
          },
        ),
      );
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  if (failure) throw failure.error;
  return allFinished && waiting.length === 0;
}

function refuseDifferentReplay(existing: ReplayManifest, target: ReplayTarget, request: ReplayRequest): void {
  const differences: string[] = [];
  if (existing.streamName !== target.streamName) differences.push(`stream ${existing.streamName}`);
  if (existing.liveTable !== target.aggregatesTable) differences.push(`table ${existing.liveTable}`);
  if (existing.fromMs !== request.fromMs) differences.push(`--from ${iso(existing.fromMs)}`);
  if (request.toMs !== undefined && existing.toMs !== request.toMs) differences.push(`--to ${iso(existing.toMs)}`);
  if (!sameSettings(existing.settings, request.settings)) differences.push(`settings ${JSON.stringify(existing.settings)}`);
  if (differences.length > 0) {
    throw new ReplayRefusal(
      `shadow "${existing.shadow}" holds another replay (${differences.join(', ')}); run it with the same flags to resume it, add --restart to replace it, or choose another --shadow`,
    );
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
