import { deliverBatch, type DeliveryPolicy, type DeliveryPorts } from './deliverBatch';
import type { PendingRecord } from './PendingRecord';
import { batchLength, isFullBatch } from './takeBatch';
import { Wakeup } from './Wakeup';

/** How a lane cuts its records into batches. */
export interface BatchingSettings {
  readonly batchSize: number;
  readonly maximumBatchingWindowMs: number;
}

/**
 * One sequence of batches of a shard. With a parallelization factor of N a
 * shard has N lanes, each taking the partition keys that hash to it: a lane
 * delivers its batches strictly one after the other (so order per key holds,
 * and a failing batch holds back only its own keys), while lanes run side by
 * side. A lane gathers records until it has a full batch (batch size or the
 * 6 MB payload limit), its batching window has passed since the oldest
 * waiting record arrived, or the shard has ended.
 */
export class Lane {
  private readonly queue: PendingRecord[] = [];
  /** When each queued record reached the lane (wall clock), for the batching window. */
  private readonly queuedAt: number[] = [];
  private inputClosed = false;
  private readonly arrivals = new Wakeup();

  constructor(
    private readonly batching: BatchingSettings,
    private readonly policy: DeliveryPolicy,
    private readonly ports: DeliveryPorts,
  ) {}

  /** Adds records read from the shard, in shard order. */
  push(records: readonly PendingRecord[]): void {
    const now = Date.now();
    for (const record of records) {
      this.queue.push(record);
      this.queuedAt.push(now);
    }
    this.arrivals.notify();
  }

  /** No more records will come (the shard ended, or reading stopped): deliver what is queued without waiting. */
  closeInput(): void {
    this.inputClosed = true;
    this.arrivals.notify();
  }

  /** Delivers batches until the input is closed and drained, or the mapping stops. */
  async run(): Promise<void> {
    const signal = this.ports.signal;
    while (!signal.aborted) {
      if (this.queue.length === 0) {
        if (this.inputClosed) return;
        await this.arrivals.wait(signal);
        continue;
      }
      const windowEnds = (this.queuedAt[0] ?? Date.now()) + this.batching.maximumBatchingWindowMs;
      while (!signal.aborted && !this.inputClosed && !isFullBatch(this.queue, this.batching.batchSize) && Date.now() < windowEnds) {
        await this.arrivals.wait(signal, windowEnds - Date.now());
      }
      if (signal.aborted) return;
      const length = batchLength(this.queue, this.batching.batchSize);
      const batch = this.queue.splice(0, length);
      this.queuedAt.splice(0, length);
      if ((await deliverBatch(batch, this.policy, this.ports)) === 'interrupted') return;
    }
  }
}
