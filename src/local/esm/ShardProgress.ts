import type { PendingRecord } from './PendingRecord';

/** The position up to which a shard is settled: every record up to it was delivered or given up. */
export interface ShardCheckpoint {
  readonly sequenceNumber: string;
  readonly arrivalMs: number;
}

/**
 * Tracks a shard's records from read to settled. With a parallelization
 * factor lanes settle out of shard order, so the checkpoint is the end of the
 * longest settled prefix, the one place a restarted reader could resume from
 * without skipping anything — what Lambda checkpoints too.
 */
export class ShardProgress {
  private order: PendingRecord[] = [];
  /** Read index of `order[0]`. */
  private base = 0;
  /** Read index of the first record not known to be settled in prefix order. */
  private head = 0;
  private readonly settledAhead = new Set<number>();
  private current: ShardCheckpoint | undefined;
  private unsettledRecords = 0;
  private unsettledBytes = 0;
  succeeded = 0;
  discarded = 0;

  /** Registers records just read, in shard order. */
  track(records: readonly PendingRecord[]): void {
    for (const record of records) {
      this.order.push(record);
      this.unsettledRecords += 1;
      this.unsettledBytes += record.eventBytes;
    }
  }

  /** Marks records done, either delivered (`succeeded`) or given up (`discarded`). */
  settle(records: readonly PendingRecord[], how: 'succeeded' | 'discarded'): void {
    for (const record of records) {
      this.settledAhead.add(record.index);
      this.unsettledRecords -= 1;
      this.unsettledBytes -= record.eventBytes;
    }
    this[how] += records.length;
    while (this.settledAhead.has(this.head)) {
      const record = this.order[this.head - this.base];
      if (!record) break;
      this.current = { sequenceNumber: record.sequenceNumber, arrivalMs: record.arrivalMs };
      this.settledAhead.delete(this.head);
      this.head += 1;
    }
    // Settled records are dropped in chunks, so memory follows the records in flight.
    if (this.head - this.base > 1024) {
      this.order = this.order.slice(this.head - this.base);
      this.base = this.head;
    }
  }

  /** The end of the settled prefix, once there is one. */
  get checkpoint(): ShardCheckpoint | undefined {
    return this.current;
  }

  /** Records read and not settled. */
  get inFlightRecords(): number {
    return this.unsettledRecords;
  }

  /** Invoke-payload bytes of the records read and not settled. */
  get inFlightBytes(): number {
    return this.unsettledBytes;
  }
}
