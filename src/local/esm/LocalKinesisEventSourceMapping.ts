import { randomUUID } from 'node:crypto';
import { DescribeStreamSummaryCommand, type KinesisClient, type Shard } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import type { KinesisStreamEvent } from 'aws-lambda';
import { listAllShards } from '../../kinesis/listAllShards';
import type { InvocationOutcome } from '../lambda';
import type { DeliveryPolicy } from './deliverBatch';
import { EsmMetric, type EsmMetricUnit, type MetricSink } from './EsmMetric';
import { failureObjectKey, failureRecord, type DiscardedBatch } from './FailureRecord';
import { recordFilter, type RecordFilter } from './filter/recordFilter';
import { isTransientKinesisError } from './isTransientKinesisError';
import { kinesisEvent } from './kinesisEvent';
import type { MappingCheckpointStore } from './MappingCheckpointFile';
import { REPORT_BATCH_ITEM_FAILURES, StartingPosition, type MappingSettings } from './MappingSettings';
import type { PendingRecord } from './PendingRecord';
import { S3OnFailureDestination } from './S3OnFailureDestination';
import { ShardPoller, type InitialStart, type IteratorStart, type ShardStatus } from './ShardPoller';
import { sleep } from '../../shared/sleep';
import { validateSettings } from './validateSettings';
import { LocalEsmError } from '../errors';

/** What a mapping works with: the clients, the function, and where its signals go. */
export interface MappingDependencies {
  /** A client of the stream's Kinesis (with `requestHandler: new NodeHttpHandler()` for a plain-HTTP emulator). */
  readonly kinesis: KinesisClient;
  /** A client of the on-failure bucket's S3; required with `settings.onFailure`. */
  readonly s3?: S3Client;
  /** Invokes the function synchronously, e.g. `LocalFunction.invoke`. */
  readonly invoke: (event: KinesisStreamEvent) => Promise<InvocationOutcome>;
  /** The clock for record ages, IteratorAge and failure records (epoch ms). @default Date.now */
  readonly now?: () => number;
  /** Operational messages (failed polls, discarded batches). @default one line to stderr */
  readonly log?: (message: string) => void;
  /** Receives Lambda's metrics for this mapping (dimension FunctionName). @default none */
  readonly onMetric?: MetricSink;
  /** How often a caught-up shard is polled. Lambda polls once a second; a lower value keeps local latency low. @default 250 */
  readonly pollIntervalMs?: number;
  /**
   * Where the mapping persists its per-shard checkpoints and resumes from: a shard with a
   * checkpoint is read from just after it (AFTER_SEQUENCE_NUMBER), as a mapping on AWS
   * resumes; the others start at the starting position. @default none: checkpoints live
   * in memory, and a mapping started again begins at its starting position
   */
  readonly checkpoints?: MappingCheckpointStore;
  /** How often ListShards looks for shards created by a reshard. @default 2000 */
  readonly shardDiscoveryIntervalMs?: number;
  /**
   * How long `start()` keeps trying again, with back-off, after a transient Kinesis error
   * (a throttle, a 5xx, a reset or refused connection) while it describes the stream and
   * positions the shards. @default 30_000
   */
  readonly startRetryWindowMs?: number;
}

/** Where a shard is in its life, as seen by the mapping. */
export type ShardPhase = 'waiting-for-parents' | 'polling' | 'finished' | 'stopped';

/** One shard's row of an `offsets` view. */
export interface ShardMappingState extends Partial<ShardStatus> {
  readonly shardId: string;
  readonly parentShardIds: readonly string[];
  readonly phase: ShardPhase;
  readonly closed: boolean;
  readonly finished: boolean;
}

/** A snapshot of a mapping. */
export interface MappingState {
  readonly uuid: string;
  readonly functionName: string;
  readonly streamName: string;
  readonly streamArn?: string;
  readonly shards: readonly ShardMappingState[];
}

interface ShardEntry {
  readonly shardId: string;
  readonly parentShardIds: readonly string[];
  readonly start: IteratorStart | 'skip';
  poller?: ShardPoller;
  running?: Promise<void>;
  phase: ShardPhase;
}

const DIMENSION = 'FunctionName';
const MAPPING_DIMENSION = 'EventSourceMappingUUID';

/**
 * A Kinesis event source mapping run locally, following the behaviour Lambda
 * documents for Kinesis: one poller per shard, a parent shard fully processed
 * before its children (`ParentShardId`, `AdjacentParentShardId`), batches by
 * size, 6 MB payload and batching window, a parallelization factor that keeps
 * order per partition key, FilterCriteria (Lambda's event filtering), ReportBatchItemFailures, bisect on function error,
 * retry attempts, maximum record age, an S3 on-failure destination, the
 * invoke event exactly as AWS shapes it, and Lambda's IteratorAge,
 * Invocations, Errors, Throttles and Duration metrics, and the mapping's
 * OnFailureDestinationDeliveredEventCount and DroppedEventCount.
 *
 * Its checkpoints live in memory unless `dependencies.checkpoints` persists
 * them: then a mapping started again resumes after the last record it
 * finished on each shard, as the same mapping on AWS does.
 *
 * @example
 * const fn = new LocalFunction({ name: 'consumer', assetDirectory, handler: 'index.handler', timeoutMs: 60_000, memoryMb: 512 });
 * const mapping = new LocalKinesisEventSourceMapping(
 *   { functionName: 'consumer', streamName: 'events', batchSize: 500, maximumBatchingWindowMs: 1000, startingPosition: 'TRIM_HORIZON',
 *     parallelizationFactor: 1, bisectBatchOnFunctionError: true, maximumRetryAttempts: 10, maximumRecordAgeSeconds: 21600,
 *     functionResponseTypes: ['ReportBatchItemFailures'], onFailure: { bucket: 'quarantine' } },
 *   { kinesis, s3, invoke: (event) => fn.invoke(event) },
 * );
 * await mapping.start();
 * // ...
 * await mapping.stop();
 * await fn.close();
 */
export class LocalKinesisEventSourceMapping {
  /** The mapping's UUID; its on-failure objects are under `aws/lambda/<uuid>/`. */
  readonly uuid: string;
  private readonly controller = new AbortController();
  private readonly shards = new Map<string, ShardEntry>();
  private readonly destination: S3OnFailureDestination | undefined;
  private readonly filter: RecordFilter | undefined;
  private readonly now: () => number;
  private readonly log: (message: string) => void;
  private started = false;
  private region = '';
  private streamArn = '';
  private discovery: Promise<void> | undefined;
  private scheduling: Promise<void> = Promise.resolve();

  /**
   * @throws {@link InvalidMappingSettingError} / {@link UnsupportedMappingSettingError} for settings Lambda
   *   would refuse or this mapping does not emulate (tumbling windows), and {@link LocalEsmError} for an
   *   on-failure destination without an S3 client
   */
  constructor(
    private readonly settings: MappingSettings,
    private readonly dependencies: MappingDependencies,
  ) {
    validateSettings(settings);
    if (settings.onFailure && !dependencies.s3) {
      throw new LocalEsmError(`the on-failure destination s3://${settings.onFailure.bucket} needs an S3 client (dependencies.s3)`);
    }
    this.uuid = settings.uuid ?? randomUUID();
    this.destination =
      settings.onFailure && dependencies.s3 ? new S3OnFailureDestination(dependencies.s3, settings.onFailure.bucket) : undefined;
    this.filter = settings.filterPatterns && settings.filterPatterns.length > 0 ? recordFilter(settings.filterPatterns) : undefined;
    this.now = dependencies.now ?? Date.now;
    this.log = dependencies.log ?? ((message) => process.stderr.write(`[event source mapping ${this.uuid}] ${message}\n`));
  }

  /**
   * Finds the stream's shards and starts polling every shard that has no
   * unfinished parent. Resolves once those are positioned at the starting
   * position, so that with `LATEST` every record put afterwards is delivered.
   * Transient Kinesis errors (throttles, 5xx, resets) are retried for `startRetryWindowMs`,
   * as Lambda's own poller would.
   * @throws when the stream cannot be described or a shard cannot be positioned: at once for an
   *   error Kinesis will repeat (no such stream, access denied), after `startRetryWindowMs` for
   *   transient ones (the mapping is then stopped)
   */
  async start(): Promise<void> {
    if (this.started) throw new LocalEsmError(`event source mapping ${this.uuid} was already started`);
    this.started = true;
    const { kinesis } = this.dependencies;
    try {
      this.region = await kinesis.config.region();
      // Each pass is safe to repeat: known shards are not added again, positioned ones not positioned again.
      await this.retryingTransientErrors(async () => {
        const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: this.settings.streamName }));
        this.streamArn = summary.StreamDescriptionSummary?.StreamARN ?? '';
        for (const shard of await this.listShards()) this.addShard(shard, true);
        await this.schedule();
      });
    } catch (error) {
      await this.stop();
      throw new LocalEsmError(
        `event source mapping ${this.uuid} could not start on stream ${this.settings.streamName}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    this.discovery = this.discoverShards();
  }

  /** Stops polling, lets invocations in flight finish (without starting retries), and resolves when all is quiet. */
  async stop(): Promise<void> {
    this.controller.abort();
    await this.discovery;
    await this.scheduling;
    await Promise.all([...this.shards.values()].map((entry) => entry.running));
  }

  /** Per shard: its phase, checkpoint (last settled sequence number and its arrival), and counts. */
  state(): MappingState {
    return {
      uuid: this.uuid,
      functionName: this.settings.functionName,
      streamName: this.settings.streamName,
      ...(this.streamArn ? { streamArn: this.streamArn } : {}),
      shards: [...this.shards.values()].map((entry) => {
        const status = entry.poller?.status();
        return {
          ...status,
          shardId: entry.shardId,
          parentShardIds: entry.parentShardIds,
          phase: entry.phase,
          closed: status?.closed ?? entry.phase === 'finished',
          finished: entry.phase === 'finished',
        };
      }),
    };
  }

  private addShard(shard: Shard, atStart: boolean): void {
    const shardId = shard.ShardId;
    if (!shardId || this.shards.has(shardId)) return;
    const parentShardIds = [shard.ParentShardId, shard.AdjacentParentShardId].filter((id): id is string => Boolean(id));
    const closed = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
    const initial = this.startFor(atStart, closed);
    const checkpoint = this.dependencies.checkpoints?.shards[shardId];
    const start: IteratorStart | 'skip' = checkpoint
      ? {
          type: 'AFTER_SEQUENCE_NUMBER',
          sequenceNumber: checkpoint,
          fallback: initial === 'skip' ? { type: StartingPosition.trimHorizon } : initial,
        }
      : initial;
    const entry: ShardEntry = { shardId, parentShardIds, start, phase: 'waiting-for-parents' };
    if (entry.start === 'skip') entry.phase = 'finished';
    this.shards.set(shardId, entry);
  }

  /**
   * The starting position applies to the shards that exist when the mapping
   * starts; a shard created later by a reshard is read from its beginning,
   * or the records between the reshard and its discovery would be lost.
   * With `LATEST`, a shard already closed at the start has nothing to deliver.
   */
  private startFor(atStart: boolean, closed: boolean): InitialStart | 'skip' {
    if (!atStart) return { type: StartingPosition.trimHorizon };
    switch (this.settings.startingPosition) {
      case StartingPosition.latest:
        return closed ? 'skip' : { type: StartingPosition.latest };
      case StartingPosition.atTimestamp:
        return { type: StartingPosition.atTimestamp, timestamp: new Date((this.settings.startingPositionTimestamp ?? 0) * 1000) };
      default:
        return { type: StartingPosition.trimHorizon };
    }
  }

  /** Runs `attempt` again after a transient Kinesis error, with back-off, until it succeeds, the window ends or the mapping stops. */
  private async retryingTransientErrors(attempt: () => Promise<void>): Promise<void> {
    const signal = this.controller.signal;
    const deadline = Date.now() + (this.dependencies.startRetryWindowMs ?? 30_000);
    for (let failures = 1; ; failures++) {
      try {
        return await attempt();
      } catch (error) {
        const backoffMs = Math.min(2_000, 100 * 2 ** (failures - 1));
        if (signal.aborted || !isTransientKinesisError(error) || Date.now() + backoffMs > deadline) throw error;
        this.log(`could not start yet (${(error as Error).name}: ${(error as Error).message}); retrying in ${backoffMs} ms`);
        await sleep(backoffMs, signal);
      }
    }
  }

  /** Starts the shards whose parents are finished (or gone from the stream); one pass at a time. */
  private schedule(): Promise<void> {
    const pass = this.scheduling.then(() => this.startReadyShards());
    // A shard that could not be positioned stays waiting and is tried again on the next pass.
    this.scheduling = pass.catch((error: Error) => {
      if (!this.controller.signal.aborted) this.log(`could not start polling: ${error.message}`);
    });
    return pass;
  }

  /** A scheduling pass whose failure was already logged. */
  private async scheduleQuietly(): Promise<void> {
    await this.schedule().catch(() => undefined);
  }

  private async startReadyShards(): Promise<void> {
    const ready = [...this.shards.values()].filter(
      (entry) =>
        entry.phase === 'waiting-for-parents' &&
        !entry.poller &&
        entry.parentShardIds.every((parent) => (this.shards.get(parent)?.phase ?? 'finished') === 'finished'),
    );
    await Promise.all(ready.map((entry) => this.startShard(entry)));
  }

  private async startShard(entry: ShardEntry): Promise<void> {
    if (this.controller.signal.aborted || entry.start === 'skip') return;
    const poller = new ShardPoller(entry.shardId, entry.start, {
      kinesis: this.dependencies.kinesis,
      streamName: this.settings.streamName,
      source: { streamArn: this.streamArn, region: this.region, invokeIdentityArn: this.invokeIdentityArn() },
      batching: this.settings,
      policy: this.policy(),
      parallelizationFactor: this.settings.parallelizationFactor,
      pollIntervalMs: this.dependencies.pollIntervalMs ?? 250,
      invoke: (records) => this.invoke(records),
      discard: (batch) => this.discard(batch),
      now: this.now,
      log: this.log,
      ...(this.filter
        ? { filter: this.filter, onFilteredOut: (count: number) => this.mappingMetric(EsmMetric.filteredOutEventCount, count) }
        : {}),
      ...(this.dependencies.checkpoints
        ? { onCheckpoint: (shardId, checkpoint) => this.saveCheckpoint(shardId, checkpoint.sequenceNumber) }
        : {}),
      signal: this.controller.signal,
    });
    await poller.open();
    entry.poller = poller;
    entry.phase = 'polling';
    entry.running = poller.run().then(() => {
      entry.phase = poller.status().finished ? 'finished' : 'stopped';
      // A finished parent may free its children.
      if (entry.phase === 'finished') void this.scheduleQuietly();
    });
  }

  private async discoverShards(): Promise<void> {
    const signal = this.controller.signal;
    const interval = this.dependencies.shardDiscoveryIntervalMs ?? 2_000;
    while (!signal.aborted) {
      await sleep(interval, signal);
      if (signal.aborted) return;
      try {
        for (const shard of await this.listShards()) this.addShard(shard, false);
        await this.scheduleQuietly();
      } catch (error) {
        if (!signal.aborted) this.log(`shard discovery failed: ${(error as Error).message}`);
      }
    }
  }

  private listShards(): Promise<Shard[]> {
    return listAllShards(this.dependencies.kinesis, this.settings.streamName);
  }

  /** Invokes the function with a batch and publishes Lambda's per-invocation metrics. */
  private async invoke(records: readonly PendingRecord[]): Promise<InvocationOutcome> {
    const outcome = await this.dependencies.invoke(kinesisEvent(records));
    this.metric(EsmMetric.invocations, 1, 'Count');
    this.metric(EsmMetric.errors, outcome.kind === 'error' ? 1 : 0, 'Count');
    this.metric(EsmMetric.throttles, 0, 'Count');
    this.metric(EsmMetric.duration, outcome.durationMs, 'Milliseconds');
    // Lambda: how old the batch's last record was when the invocation finished.
    const last = records[records.length - 1];
    if (last) this.metric(EsmMetric.iteratorAge, Math.max(0, this.now() - last.arrivalMs), 'Milliseconds');
    return outcome;
  }

  /**
   * Hands a batch to the on-failure destination. A failed write is retried
   * (with back-off) rather than dropped, so no record vanishes while S3 is
   * unreachable; only stopping the mapping ends the attempts, leaving the
   * records unsettled.
   */
  private async discard(batch: DiscardedBatch): Promise<boolean> {
    const shardId = batch.records[0]?.shardId ?? '';
    if (!this.destination) {
      this.mappingMetric(EsmMetric.droppedEventCount, batch.records.length);
      this.log(`${shardId}: gave up ${batch.records.length} record(s) (${batch.condition}); no on-failure destination is configured`);
      return true;
    }
    const nowMs = this.now();
    const record = failureRecord(batch, { requestId: randomUUID(), functionArn: this.functionArn(), streamArn: this.streamArn, nowMs });
    const key = failureObjectKey(this.uuid, shardId, nowMs, randomUUID());
    for (let attempt = 1; ; attempt++) {
      try {
        await this.destination.put(key, record);
        // Lambda counts these as delivered, not dropped: DroppedEventCount excludes
        // what reached an on-failure destination.
        this.mappingMetric(EsmMetric.onFailureDestinationDeliveredEventCount, batch.records.length);
        return true;
      } catch (error) {
        this.metric(EsmMetric.destinationDeliveryFailures, 1, 'Count');
        this.log(`${shardId}: could not write to s3://${this.destination.bucket}/${key} (${(error as Error).message}); retrying`);
        if (this.controller.signal.aborted) return false;
        await sleep(Math.min(5_000, 200 * 2 ** attempt), this.controller.signal);
        if (this.controller.signal.aborted) return false;
      }
    }
  }

  /** A checkpoint that cannot be written is logged, not fatal: delivery goes on, and a restart at worst delivers records again. */
  private saveCheckpoint(shardId: string, sequenceNumber: string): void {
    try {
      this.dependencies.checkpoints?.save(shardId, sequenceNumber);
    } catch (error) {
      this.log(`${shardId}: could not persist checkpoint ${sequenceNumber}: ${(error as Error).message}`);
    }
  }

  private policy(): DeliveryPolicy {
    const { maximumRecordAgeSeconds } = this.settings;
    return {
      bisectBatchOnFunctionError: this.settings.bisectBatchOnFunctionError,
      maximumRetryAttempts: this.settings.maximumRetryAttempts,
      maximumRecordAgeMs: maximumRecordAgeSeconds === -1 ? undefined : maximumRecordAgeSeconds * 1000,
      reportBatchItemFailures: this.settings.functionResponseTypes.includes(REPORT_BATCH_ITEM_FAILURES),
    };
  }

  private metric(name: EsmMetric, value: number, unit: EsmMetricUnit): void {
    this.dependencies.onMetric?.(name, value, unit, { [DIMENSION]: this.settings.functionName });
  }

  private mappingMetric(name: EsmMetric, value: number): void {
    this.dependencies.onMetric?.(name, value, 'Count', { [MAPPING_DIMENSION]: this.uuid });
  }

  private accountId(): string {
    return this.settings.accountId ?? '000000000000';
  }

  private functionArn(): string {
    return this.settings.functionArn ?? `arn:aws:lambda:${this.region}:${this.accountId()}:function:${this.settings.functionName}`;
  }

  private invokeIdentityArn(): string {
    return this.settings.invokeIdentityArn ?? `arn:aws:iam::${this.accountId()}:role/${this.settings.functionName}-role`;
  }
}
