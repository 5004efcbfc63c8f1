import type { TaskFailure } from '../../shared/mapWithConcurrency';
import type { HyperLogLog, ItemAddress, KeyCount, ItemDelta, QuarantineReason } from '../../../core';

/**
 * The four places the consumer writes to. processBatch talks only to these
 * interfaces, so the exactly-once logic can be exercised against DynamoDB,
 * S3 or an in-memory double without importing the AWS SDK.
 */

/** Outcome of claiming a producer `id` for one Kinesis record. */
export const ClaimOutcome = {
  /** This record owns the id (first claim, or this very record claimed it before). */
  owned: 'owned',
  /** Another record owns the id: this one is a producer duplicate. */
  taken: 'taken',
} as const;
export type ClaimOutcome = (typeof ClaimOutcome)[keyof typeof ClaimOutcome];

/** Records which Kinesis record first carried each producer `id`. */
export interface ClaimStore {
  /**
   * Claims `id` for `owner` (`shardId:sequenceNumber`). Idempotent for the
   * same owner, so a redelivered record keeps its claim.
   */
  claim(id: string, owner: string, expiresAtSec: number): Promise<ClaimOutcome>;
  /** Who owns `id`, if anyone. Used to recognise a record counted on an earlier attempt. */
  ownerOf(id: string): Promise<string | undefined>;
}

/** An event id and its event time: what a producer retry repeats exactly. */
export interface SeenIdProbe {
  readonly id: string;
  readonly tsMs: number;
}

/**
 * Producer ids already counted, kept per batch and by event time, for one
 * batch at a time per shard. Exact for what can still count: an event is
 * counted only within the allowed lateness of its shard's watermark, and a
 * producer retry repeats the id, the event time and the partition key, so it
 * lands on the same shard (or a child, read after its parents).
 */
export interface SeenIdLedger {
  /**
   * For each probe, whether a record committed on this shard (up to
   * `checkpoint`) or on a finished parent shard carried its id.
   */
  seen(shardId: string, checkpoint: Checkpoint | undefined, probes: readonly SeenIdProbe[]): Promise<boolean[]>;
  /**
   * Records the ids counted by the records `firstPaddedSequence` to
   * `lastPaddedSequence`, just before the checkpoint moves to the last.
   * Writing the same range again writes the same ids.
   */
  record(
    shardId: string,
    range: { readonly firstPaddedSequence: string; readonly lastPaddedSequence: string },
    ids: readonly SeenIdProbe[],
    expiresAtSec: number,
  ): Promise<void>;
}

/**
 * An aggregate item as it is after a write, as far as the store returned it:
 * always the count; the plain aggregates and quantile bins it keeps when the
 * cell is watched by a data alert.
 */
export interface AggregateState {
  readonly count: number;
  readonly sum?: number;
  readonly min?: number;
  readonly max?: number;
  /** Quantile bin attribute → count (core/sketches). */
  readonly bins?: Readonly<Record<string, number>>;
  /** The accuracy the bins were made with (`qa`). */
  readonly relativeAccuracy?: number;
  /**
   * The cell is in its window's cell page (core/cellPages.ts): readers rank
   * the page's keys from the page itself, so its count goes to no leaderboard,
   * which holds the keys with items of their own.
   */
  readonly onPage?: boolean;
}

/** Applies pre-aggregated deltas to window aggregates, each at most once. */
export interface AggregateStore {
  /**
   * Adds the contributions of `delta` that the item has not seen yet, judged
   * by the item's high-water mark for `delta.shardId`. One conditional write
   * in the common case.
   * @returns the item after the write (or as found, when every contribution
   *   was applied before): its count for the window's leaderboard, as a
   *   number or an {@link AggregateState}; `undefined` from a store that keeps
   *   no counts (then nothing is offered).
   */
  apply(delta: ItemDelta): Promise<number | AggregateState | undefined | void>;
  /**
   * Applies one batch's deltas of one shard together, at most `limit` writes
   * in flight, for a store that packs many deltas in one write (cell pages).
   * Settles like settleWithConcurrency: `onApplied` per delta applied, the
   * failures returned in index order. Absent: the batch calls {@link apply}.
   */
  applyMany?(
    deltas: readonly ItemDelta[],
    limit: number,
    onApplied: (delta: ItemDelta, result: number | AggregateState | undefined | void, index: number) => void,
  ): Promise<TaskFailure[] | undefined>;
}

/** One dimension's values on one UTC day of event time that need a bucket decision. */
export interface DimensionAdmission {
  readonly type: string;
  readonly field: string;
  /** `YYYY-MM-DD`. */
  readonly day: string;
  /** Most values with a bucket of their own that day. */
  readonly cap: number;
  /** Distinct values, in order of first appearance. */
  readonly values: readonly string[];
  /** When the day's registry may expire, epoch seconds: after every window of the day has. */
  readonly expiresAtSec: number;
}

/**
 * Decides which values of a dimension get a bucket of their own
 * (docs/measures.md): the first `cap` distinct values of each UTC day. A
 * decision, once made, is the same on every later attempt and in every
 * execution environment, so a redelivered event lands in the same bucket.
 */
export interface DimensionRegistry {
  /** For each of `admission.values`, whether it has (now) a bucket of its own. */
  admit(admission: DimensionAdmission): Promise<boolean[]>;
}

/**
 * Distinct-count sketches, one per (aggregate cell, declared field)
 * (docs/measures.md). Merging is a register-wise maximum: merging the same
 * values again changes nothing, so a redelivered batch needs no high-water
 * mark here, and a partly applied batch is completed by merging it again.
 */
export interface DistinctSketchStore {
  /**
   * Merges the batch's values of `field` in the cell, as HyperLogLog register
   * raises at `precision` (HyperLogLog.updateOf), into the cell's stored sketch.
   * @returns the merged sketch, for data alerts' estimates: read it, never change it.
   */
  merge(address: ItemAddress, field: string, precision: number, updates: readonly number[]): Promise<HyperLogLog>;
}

/** Counts a batch wrote into one window, offered to that window's leaderboard. */
export interface TopKeysOffer {
  readonly type: string;
  readonly granularity: string;
  readonly windowStartMs: number;
  /** When the leaderboard may expire, epoch seconds: the window's own TTL. */
  readonly expiresAtSec: number;
  /** Each key's count after the batch's write. */
  readonly counts: readonly KeyCount[];
}

/** Keeps the top keys of each window (see core/rankTopKeys.ts for why it stays exact). */
export interface TopKeysStore {
  offer(offer: TopKeysOffer): Promise<void>;
}

/** Per consumer and shard: how far the consumer has applied the stream. */
export interface Checkpoint {
  readonly shardId: string;
  /** Padded sequence number of the last record applied. */
  readonly paddedSequence: string;
  /** When that record arrived in Kinesis, epoch milliseconds. */
  readonly arrivalMs: number;
  /** The newest event time aggregated on this shard, epoch milliseconds. */
  readonly watermarkMs: number | undefined;
  /** When the checkpoint was written, epoch milliseconds. */
  readonly updatedMs: number;
}

/** Reads and advances checkpoints; advancing never moves one backwards. */
export interface CheckpointStore {
  read(shardId: string): Promise<Checkpoint | undefined>;
  advance(checkpoint: Checkpoint): Promise<void>;
}

/** A record set aside, with everything needed to understand and re-drive it. */
export interface QuarantinedRecord {
  readonly reason: QuarantineReason;
  readonly message: string;
  readonly shardId: string;
  /** Unpadded, as Kinesis shows it. */
  readonly sequenceNumber: string;
  /** For a user record of a KPL-aggregated record: its place in the aggregate (the partition key and data are its own). */
  readonly subSequenceNumber?: number;
  readonly partitionKey: string;
  readonly arrivalMs: number;
  readonly data: Uint8Array;
}

/** Stores quarantined records; storing the same record twice keeps one copy. */
export interface QuarantineSink {
  put(record: QuarantinedRecord): Promise<void>;
}
