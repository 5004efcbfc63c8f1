import type { QuarantineReason } from '../../core';
import type { ReplaySettings } from './ReplaySettings';

/**
 * What a replay is, stored in its shadow table when it starts: a resumed
 * replay must recompute the same range with the same settings, and reconcile
 * needs both to know which windows the replay can vouch for.
 */
export interface ReplayManifest {
  readonly shadow: string;
  readonly streamName: string;
  /** The live aggregates table the shadow mirrors. */
  readonly liveTable: string;
  /** Records are read from the first one that arrived at or after this time (AT_TIMESTAMP), epoch ms. */
  readonly fromMs: number;
  /** Records that arrived after this time are not read, epoch ms. */
  readonly toMs: number;
  /**
   * The oldest arrival time the stream still held for certain when the replay
   * (last) started: its start minus the stream's retention. Records older than
   * this may have been trimmed before the replay read them.
   */
  readonly retainedFromMs: number;
  readonly settings: ReplaySettings;
  readonly startedMs: number;
  /** Set when every shard has been read to its stopping point. */
  readonly completedMs?: number;
}

/** Why the reading of a shard stopped. */
export const StopReason = {
  /** The shard is closed (resharded) and was read to its last record: nothing can follow. */
  end: 'end',
  /** The next record arrived after `to`. */
  to: 'to',
  /** No record after the last one read, yet (the shard is open). */
  tip: 'tip',
} as const;
export type StopReason = (typeof StopReason)[keyof typeof StopReason];

/** Counts of one shard's records, as processBatch reported them. */
export interface ShardCounts {
  records: number;
  aggregated: number;
  duplicates: number;
  quarantined: Record<QuarantineReason, number>;
}

/** One shard's part of a replay, stored after each batch so that a resumed replay knows it. */
export interface ShardProgress {
  readonly shardId: string;
  readonly counts: ShardCounts;
  /** Arrival time of the last record read, epoch ms, for the progress estimate. */
  readonly lastArrivalMs?: number;
  /** Set once the shard is done. */
  readonly stoppedBy?: StopReason;
  /**
   * At the stopping point: the shard's event-time watermark (newest event
   * time counted) and the padded sequence number of the last record read,
   * both from the replay's checkpoint.
   */
  readonly watermarkMs?: number;
  readonly lastPaddedSequence?: string;
}

/** Zero counts. */
export function emptyCounts(): ShardCounts {
  return { records: 0, aggregated: 0, duplicates: 0, quarantined: { invalid: 0, late: 0, future: 0 } };
}
