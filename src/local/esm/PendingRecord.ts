import type { KinesisStreamRecord } from 'aws-lambda';

/**
 * A record read from a shard and not yet settled (delivered, or sent to the
 * on-failure destination). Its invoke-event form is built once, at read
 * time, together with its size in the invoke payload.
 */
export interface PendingRecord {
  /** Position in the shard's read order, for the checkpoint. */
  readonly index: number;
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly arrivalMs: number;
  readonly eventRecord: KinesisStreamRecord;
  /** Bytes `eventRecord` adds to the invoke payload (its JSON and a separator). */
  readonly eventBytes: number;
}
