/** Where one consumer stands on one shard (`streamtally offsets --json`, docs/contract.md §2). */
export interface ShardOffset {
  readonly shardId: string;
  /** The last sequence number the consumer applied on this shard, unpadded; null before its first batch. */
  readonly checkpoint: string | null;
  /** When the checkpointed record arrived in Kinesis (ISO-8601); null without a checkpoint. */
  readonly checkpointArrivalTime: string | null;
  /** The sequence number of the shard's newest record; null when the shard holds no record. */
  readonly latestSequenceNumber: string | null;
  /** Records after the checkpoint (all of the shard's records without one), counted up to a limit. */
  readonly lagRecords: number;
  /** True when counting stopped at the limit: the lag is at least `lagRecords`. */
  readonly lagRecordsCapped: boolean;
  /**
   * How much later the shard's newest record arrived than the checkpointed one (without a
   * checkpoint: than the oldest record still in the shard), from Kinesis' MillisBehindLatest;
   * 0 when the consumer is caught up.
   */
  readonly lagMs: number;
  /** The shard's watermark, the newest event time the consumer aggregated (ISO-8601); null before any. */
  readonly watermark: string | null;
}

/** One consumer's offsets on every shard of the stream. */
export interface ConsumerOffsets {
  readonly consumer: string;
  readonly shards: readonly ShardOffset[];
}
