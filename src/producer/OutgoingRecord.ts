import type { ProducerEvent } from './types';

/** One record in the producer's buffer, from `send` until it is sent or fails for good. */
export interface OutgoingRecord {
  /** Order of the `send` call: records of one key leave in this order when `orderedPerKey` is on. */
  readonly seq: number;
  readonly data: Uint8Array;
  readonly partitionKey: string;
  /** Data and partition key together, as Kinesis counts them against its limits. */
  readonly bytes: number;
  /** The caller's event, kept for the failure report. */
  readonly event?: ProducerEvent;
  /** Attempts made so far. */
  attempts: number;
  /** When the record may be (re)sent, epoch ms. */
  notBeforeMs: number;
  /** When the record entered the buffer, epoch ms (for the linger bound). */
  enqueuedAtMs: number;
  /** An earlier attempt's outcome was unknown. */
  possiblyDelivered: boolean;
}
