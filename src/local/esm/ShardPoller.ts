import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  type KinesisClient,
  type _Record as KinesisRecord,
} from '@aws-sdk/client-kinesis';
import type { DeliveryPolicy, DeliveryPorts } from './deliverBatch';
import type { DiscardedBatch } from './FailureRecord';
import { eventRecordBytes, toEventRecord, type EventSource } from './kinesisEvent';
import type { RecordFilter } from './filter/recordFilter';
import { Lane, type BatchingSettings } from './Lane';
import { laneOf } from './laneOf';
import type { PendingRecord } from './PendingRecord';
import { ShardProgress, type ShardCheckpoint } from './ShardProgress';
import { sleep } from '../../shared/sleep';
import { INVOKE_PAYLOAD_LIMIT_BYTES } from './takeBatch';
import { Wakeup } from './Wakeup';

/** Where a shard iterator starts without a checkpoint. */
export type InitialStart = { readonly type: 'TRIM_HORIZON' | 'LATEST' } | { readonly type: 'AT_TIMESTAMP'; readonly timestamp: Date };

/**
 * Where a shard iterator starts: an initial position, or just after a
 * persisted checkpoint (with the initial position to fall back on when the
 * stream no longer holds that sequence number, e.g. its data was reset).
 */
export type IteratorStart =
  | InitialStart
  | { readonly type: 'AFTER_SEQUENCE_NUMBER'; readonly sequenceNumber: string; readonly fallback: InitialStart };

/** What a shard poller needs from its mapping. */
export interface ShardPollerContext {
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  readonly source: Omit<EventSource, 'shardId'>;
  readonly batching: BatchingSettings;
  readonly policy: DeliveryPolicy;
  readonly parallelizationFactor: number;
  readonly pollIntervalMs: number;
  readonly invoke: DeliveryPorts['invoke'];
  readonly discard: (batch: DiscardedBatch) => Promise<boolean>;
  readonly now: () => number;
  readonly log: (message: string) => void;
  /** Which records the function gets; the others are dropped as processed. @default every record */
  readonly filter?: RecordFilter;
  /** Called with how many records of a read the filter dropped. */
  readonly onFilteredOut?: (count: number) => void;
  /** Called with the new end of the settled prefix after each batch that moved it. */
  readonly onCheckpoint?: (shardId: string, checkpoint: ShardCheckpoint) => void;
  readonly signal: AbortSignal;
}

/** A shard as the mapping reports it. */
export interface ShardStatus {
  readonly shardId: string;
  /** The shard's end was reached: it was closed by a reshard and all of it has been read. */
  readonly closed: boolean;
  /** Closed, and every record of it settled: its children may start. */
  readonly finished: boolean;
  /** Everything up to here was delivered or given up to the on-failure destination. */
  readonly checkpoint?: ShardCheckpoint;
  /** The last record read from the shard. */
  readonly lastReadSequenceNumber?: string;
  readonly recordsSucceeded: number;
  readonly recordsDiscarded: number;
  /** Read and not yet settled. */
  readonly recordsInFlight: number;
}

/** Kinesis returns at most this many records per GetRecords. */
const GET_RECORDS_MAX = 10_000;
/** Kinesis lets a shard serve 5 GetRecords a second; back off like a throttled client would. */
const THROTTLE_BACKOFF_MS = 1_000;

/**
 * Reads one shard (GetShardIterator, then a GetRecords loop) and feeds its
 * records to the shard's lanes, one per unit of parallelization factor, by
 * partition key. Reading is shared by the lanes, and stays at most about two
 * batches per lane ahead of delivery (a stuck lane eventually pauses reading,
 * as a blocked shard does on Lambda). It polls at once again while it is
 * behind the tip, and every `pollIntervalMs` once it has caught up.
 */
export class ShardPoller {
  private readonly lanes: Lane[];
  private readonly progress = new ShardProgress();
  private readonly settledWakeup = new Wakeup();
  private iterator: string | undefined;
  private lastRead: string | undefined;
  private readCount = 0;
  private reachedEnd = false;
  private readonly maxInFlightRecords: number;
  private readonly maxInFlightBytes: number;

  constructor(
    readonly shardId: string,
    private readonly start: IteratorStart,
    private readonly context: ShardPollerContext,
  ) {
    const ports: DeliveryPorts = {
      invoke: context.invoke,
      succeeded: (records) => this.settle(records, 'succeeded'),
      discard: async (batch) => {
        const given = await context.discard(batch);
        if (given) this.settle(batch.records, 'discarded');
        return given;
      },
      now: context.now,
      log: (message) => context.log(`${shardId}: ${message}`),
      signal: context.signal,
    };
    this.lanes = Array.from({ length: context.parallelizationFactor }, () => new Lane(context.batching, context.policy, ports));
    this.maxInFlightRecords = Math.max(1_000, 2 * context.batching.batchSize * context.parallelizationFactor);
    this.maxInFlightBytes = 2 * INVOKE_PAYLOAD_LIMIT_BYTES * context.parallelizationFactor;
  }

  /** Positions the poller at its starting position. Rejects when the shard cannot be read. */
  async open(): Promise<void> {
    const start = this.start;
    if (start.type !== 'AFTER_SEQUENCE_NUMBER') {
      this.iterator = await this.getIterator(start);
      return;
    }
    try {
      this.iterator = await this.getIterator(start);
    } catch (error) {
      // Kinesis refuses a sequence number it does not hold (an InvalidArgumentException, a 4xx):
      // the stream's data is gone, so its checkpoint means nothing. Transient errors are the caller's to retry.
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === undefined || status >= 500 || (error as Error).name === 'ProvisionedThroughputExceededException') throw error;
      this.context.log(
        `${this.shardId}: cannot resume after checkpoint ${start.sequenceNumber} (${(error as Error).name}: ${(error as Error).message}); starting at ${start.fallback.type}`,
      );
      this.iterator = await this.getIterator(start.fallback);
    }
  }

  /** Reads and delivers until the shard is finished or the mapping stops. */
  async run(): Promise<void> {
    const lanesDone = Promise.all(this.lanes.map((lane) => lane.run()));
    try {
      await this.read();
    } catch (error) {
      this.context.log(`${this.shardId}: reading stopped: ${(error as Error).message}`);
    } finally {
      for (const lane of this.lanes) lane.closeInput();
    }
    await lanesDone;
  }

  /** The shard's progress, for an `offsets` view. */
  status(): ShardStatus {
    return {
      shardId: this.shardId,
      closed: this.reachedEnd,
      finished: this.reachedEnd && this.progress.inFlightRecords === 0,
      ...(this.progress.checkpoint ? { checkpoint: this.progress.checkpoint } : {}),
      ...(this.lastRead ? { lastReadSequenceNumber: this.lastRead } : {}),
      recordsSucceeded: this.progress.succeeded,
      recordsDiscarded: this.progress.discarded,
      recordsInFlight: this.progress.inFlightRecords,
    };
  }

  private async read(): Promise<void> {
    const { kinesis, signal } = this.context;
    while (!signal.aborted) {
      const room = Math.min(GET_RECORDS_MAX, this.maxInFlightRecords - this.progress.inFlightRecords);
      if (room <= 0 || this.progress.inFlightBytes >= this.maxInFlightBytes) {
        await this.settledWakeup.wait(signal);
        continue;
      }
      let response;
      try {
        response = await kinesis.send(new GetRecordsCommand({ ShardIterator: this.iterator, Limit: room }), { abortSignal: signal });
      } catch (error) {
        if (signal.aborted) return;
        await this.recover(error as Error);
        continue;
      }
      const records = response.Records ?? [];
      if (records.length > 0) this.dispatch(records);
      if (!response.NextShardIterator) {
        // Kinesis ends the iterator of a closed shard once all of it was read.
        this.reachedEnd = true;
        return;
      }
      this.iterator = response.NextShardIterator;
      const behind = response.MillisBehindLatest;
      const caughtUp = records.length === 0 || (behind === undefined ? records.length < room : behind === 0);
      if (caughtUp) await sleep(this.context.pollIntervalMs, signal);
    }
  }

  private dispatch(records: readonly KinesisRecord[]): void {
    const source: EventSource = { ...this.context.source, shardId: this.shardId };
    const byLane = this.lanes.map((): PendingRecord[] => []);
    const pending = records.map((record): PendingRecord => {
      const eventRecord = toEventRecord(record, source);
      return {
        index: this.readCount++,
        shardId: this.shardId,
        sequenceNumber: eventRecord.kinesis.sequenceNumber,
        partitionKey: eventRecord.kinesis.partitionKey,
        arrivalMs: record.ApproximateArrivalTimestamp?.getTime() ?? 0,
        eventRecord,
        eventBytes: eventRecordBytes(eventRecord),
      };
    });
    this.progress.track(pending);
    const filter = this.context.filter;
    const delivered: PendingRecord[] = [];
    const dropped: PendingRecord[] = [];
    for (const record of pending) (!filter || filter(record.eventRecord) ? delivered : dropped).push(record);
    if (dropped.length > 0) {
      // Lambda drops a record no filter matches and counts it processed: the checkpoint moves past it.
      this.settle(dropped, 'succeeded');
      this.context.onFilteredOut?.(dropped.length);
    }
    for (const record of delivered) byLane[laneOf(record.partitionKey, this.lanes.length)]?.push(record);
    byLane.forEach((laneRecords, lane) => {
      if (laneRecords.length > 0) this.lanes[lane]?.push(laneRecords);
    });
    this.lastRead = pending[pending.length - 1]?.sequenceNumber ?? this.lastRead;
  }

  private settle(records: readonly PendingRecord[], how: 'succeeded' | 'discarded'): void {
    if (records.length === 0) return;
    const before = this.progress.checkpoint;
    this.progress.settle(records, how);
    const after = this.progress.checkpoint;
    if (after && after !== before) this.context.onCheckpoint?.(this.shardId, after);
    this.settledWakeup.notify();
  }

  /** After a failed GetRecords: a fresh iterator when it expired, a pause when throttled or failing. */
  private async recover(error: Error): Promise<void> {
    const { signal } = this.context;
    if (error.name === 'ExpiredIteratorException') {
      // Iterators live 5 minutes; one expires when delivery held reading back that long.
      try {
        this.iterator = await this.getIterator(
          this.lastRead ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: this.lastRead, fallback: { type: 'TRIM_HORIZON' } } : this.start,
        );
        return;
      } catch (renewError) {
        if (signal.aborted) return;
        error = renewError as Error;
      }
    }
    if (error.name !== 'ProvisionedThroughputExceededException' && error.name !== 'LimitExceededException') {
      this.context.log(`${this.shardId}: GetRecords failed (${error.name}: ${error.message}); retrying`);
    }
    await sleep(THROTTLE_BACKOFF_MS, signal);
  }

  private async getIterator(start: IteratorStart): Promise<string> {
    const input: GetShardIteratorCommandInput = {
      StreamName: this.context.streamName,
      ShardId: this.shardId,
      ShardIteratorType: start.type,
      ...(start.type === 'AT_TIMESTAMP' ? { Timestamp: start.timestamp } : {}),
      ...(start.type === 'AFTER_SEQUENCE_NUMBER' ? { StartingSequenceNumber: start.sequenceNumber } : {}),
    };
    const response = await this.context.kinesis.send(new GetShardIteratorCommand(input), { abortSignal: this.context.signal });
    if (!response.ShardIterator) throw new Error(`no shard iterator for ${this.shardId}`);
    return response.ShardIterator;
  }
}
