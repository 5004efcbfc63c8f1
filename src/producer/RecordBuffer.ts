import { KinesisLimits } from './kinesisLimits';
import type { OutgoingRecord } from './OutgoingRecord';

/** When a batch may leave, and how big it may be. */
export interface BatchRules {
  /** How long a fresh record may wait for more to fill its request. */
  readonly lingerMs: number;
  /** Send what is there now (flush or close). */
  readonly force: boolean;
}

/**
 * The producer's buffer: fresh records in `send` order and records waiting
 * for a retry. Decides which records form the next `PutRecords` request,
 * within the request limits and, when `orderedPerKey` is on, with at most one
 * outstanding record per partition key, so a failed record can never be
 * overtaken by a later one of its key. Pure: time is passed in.
 */
export class RecordBuffer {
  private fresh: OutgoingRecord[] = [];
  private head = 0;
  private retrying: OutgoingRecord[] = [];
  /** Partition keys with a record in flight or waiting for its retry (ordered mode only). */
  private readonly outstandingKeys = new Set<string>();
  private count = 0;
  private byteCount = 0;

  constructor(private readonly orderedPerKey: boolean) {}

  /** Records held, in flight included, until they are settled. */
  get size(): number {
    return this.count;
  }

  /** Bytes of the records held, in flight included. */
  get bytes(): number {
    return this.byteCount;
  }

  /** Records waiting to be sent (fresh or for a retry), not in flight. */
  get waiting(): number {
    return this.fresh.length - this.head + this.retrying.length;
  }

  add(record: OutgoingRecord): void {
    this.fresh.push(record);
    this.count += 1;
    this.byteCount += record.bytes;
  }

  /** Puts a failed record back, to be sent again from `notBeforeMs`. */
  retry(record: OutgoingRecord): void {
    this.retrying.push(record);
  }

  /** The record was sent or failed for good: it leaves the buffer and frees its key. */
  settle(record: OutgoingRecord): void {
    this.count -= 1;
    this.byteCount -= record.bytes;
    if (this.orderedPerKey) this.outstandingKeys.delete(record.partitionKey);
  }

  /**
   * Whether a request should leave now: a retry is due, a full request is
   * waiting, the oldest fresh record has lingered long enough, or `force`.
   */
  isReady(now: number, rules: BatchRules): boolean {
    if (this.waiting === 0) return false;
    if (rules.force) return true;
    if (this.retrying.some((record) => record.notBeforeMs <= now)) return true;
    const freshCount = this.fresh.length - this.head;
    if (freshCount === 0) return false;
    if (freshCount >= KinesisLimits.maxRecordsPerRequest) return true;
    return this.fresh[this.head]!.enqueuedAtMs + rules.lingerMs <= now;
  }

  /**
   * The earliest time after `now` at which {@link isReady} may turn true
   * without anything being added (a retry falls due, the oldest fresh record
   * has lingered enough); `undefined` if none.
   */
  nextReadyAt(rules: BatchRules, now: number): number | undefined {
    let at = Number.POSITIVE_INFINITY;
    for (const record of this.retrying) if (record.notBeforeMs > now) at = Math.min(at, record.notBeforeMs);
    if (!rules.force && this.head < this.fresh.length) {
      const lingered = this.fresh[this.head]!.enqueuedAtMs + rules.lingerMs;
      if (lingered > now) at = Math.min(at, lingered);
    }
    return at === Number.POSITIVE_INFINITY ? undefined : at;
  }

  /**
   * Takes the next request's records: due retries first (oldest first), then
   * fresh records in `send` order, up to `maxRecords`, 500 records and 5 MiB.
   * May return none when every waiting record's key is outstanding.
   */
  take(now: number, maxRecords: number): OutgoingRecord[] {
    const limit = Math.min(maxRecords, KinesisLimits.maxRecordsPerRequest);
    const batch: OutgoingRecord[] = [];
    const batchKeys = new Set<string>();
    let bytes = 0;
    // false once a record does not fit: later ones wait, so they cannot overtake it.
    let room = true;
    const fits = (record: OutgoingRecord): boolean => {
      if (batch.length >= limit || bytes + record.bytes > KinesisLimits.maxBytesPerRequest) room = false;
      return room;
    };
    const admit = (record: OutgoingRecord): void => {
      batch.push(record);
      bytes += record.bytes;
      if (this.orderedPerKey) {
        batchKeys.add(record.partitionKey);
        this.outstandingKeys.add(record.partitionKey);
      }
    };

    if (this.retrying.length > 0) {
      const due = this.retrying.filter((record) => record.notBeforeMs <= now).sort((a, b) => a.seq - b.seq);
      const taken = new Set<OutgoingRecord>();
      for (const record of due) {
        // A retry holds its key already; only another record of that key in this batch would conflict.
        if (this.orderedPerKey && batchKeys.has(record.partitionKey)) continue;
        if (!fits(record)) break;
        admit(record);
        taken.add(record);
      }
      if (taken.size > 0) this.retrying = this.retrying.filter((record) => !taken.has(record));
    }

    if (!this.orderedPerKey) {
      while (room && this.head < this.fresh.length && fits(this.fresh[this.head]!)) {
        admit(this.fresh[this.head]!);
        this.head += 1;
      }
    } else {
      // Skip records whose key is outstanding; they keep their place for the next request.
      const skipped: OutgoingRecord[] = [];
      let index = this.head;
      for (; room && index < this.fresh.length; index++) {
        const record = this.fresh[index]!;
        if (this.outstandingKeys.has(record.partitionKey)) {
          skipped.push(record);
          continue;
        }
        if (!fits(record)) break;
        admit(record);
      }
      if (skipped.length > 0) {
        this.fresh = skipped.concat(this.fresh.slice(index));
        this.head = 0;
      } else {
        this.head = index;
      }
    }
    this.compact();
    return batch;
  }

  /** Drops the consumed head of the fresh queue now and then, so that memory follows the buffer bound. */
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.fresh.length) {
      this.fresh = this.fresh.slice(this.head);
      this.head = 0;
    }
  }
}
