/**
 * The shapes the pure aggregation core works on. Nothing here knows about AWS:
 * the handler turns a Kinesis event into {@link StreamRecord}s and the store
 * adapters turn {@link ItemDelta}s into DynamoDB updates.
 */

/** A validated event, as in the public contract (docs/contract.md §1). */
export interface StreamEvent {
  readonly id: string;
  readonly type: string;
  readonly key: string;
  /** Event time in epoch milliseconds (ISO input is converted). */
  readonly tsMs: number;
  /** The summed value; `1` when the producer left it out. */
  readonly value: number;
  /**
   * `value` as an exact integer count of nano-units (value × 10^9), so that
   * sums are exact decimals whatever order batches arrive in.
   */
  readonly valueNanos: bigint;
  /**
   * The event's `attrs` object as parsed (a reference: never mutated), or
   * undefined when absent. Declared measures read fields of it (core/readEventField.ts).
   */
  readonly attrs?: Readonly<Record<string, unknown>> | undefined;
}

/** One Kinesis record as the consumer receives it, transport details only. */
export interface StreamRecord {
  readonly shardId: string;
  /** Kinesis sequence number: a decimal string of up to 129 digits. */
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  /** When Kinesis accepted the record, epoch milliseconds. */
  readonly arrivalMs: number;
  /** The raw payload bytes. */
  readonly data: Uint8Array;
}

/** Why a record was set aside instead of aggregated. */
export const QuarantineReason = {
  invalid: 'invalid',
  late: 'late',
  future: 'future',
} as const;
export type QuarantineReason = (typeof QuarantineReason)[keyof typeof QuarantineReason];

/** The result of decoding and validating one record's bytes. */
export type DecodeResult = { readonly ok: true; readonly event: StreamEvent } | { readonly ok: false; readonly message: string };

/** A window granularity such as `1m`, `1h` or `1d`. */
export interface Granularity {
  /** The label used in item keys and queries, e.g. `1m`. */
  readonly label: string;
  /** The window length in milliseconds; divides a day exactly. */
  readonly sizeMs: number;
  /** How long aggregates of this granularity are kept, in milliseconds. */
  readonly ttlMs: number;
}

/** Settings that decide how events are classified and windowed. */
export interface WindowingConfig {
  readonly granularities: readonly Granularity[];
  /** Events older than the shard watermark minus this are `late`. @default 3_600_000 */
  readonly allowedLatenessMs: number;
  /** Events further than this ahead of their arrival time are `future`. @default 300_000 */
  readonly maxClockSkewMs: number;
}

/** One record's contribution to one aggregate item. */
export interface Contribution {
  /** The record's sequence number, zero-padded (see sequenceNumber.ts). */
  readonly paddedSequence: string;
  readonly valueNanos: bigint;
  readonly value: number;
  /**
   * The event behind it (a reference, never copied): a distinct count reads
   * its fields. For a derived cell, the event it was derived from.
   */
  readonly event: StreamEvent;
}

/** Identifies one aggregate item: a (type, key, granularity, window) cell. */
export interface ItemAddress {
  readonly type: string;
  readonly key: string;
  readonly granularity: string;
  /** Window start, epoch milliseconds. */
  readonly windowStartMs: number;
  /** Window length in milliseconds. */
  readonly windowSizeMs: number;
  /** When the item may expire, epoch seconds (DynamoDB TTL). */
  readonly expiresAtSec: number;
}

/**
 * The pre-aggregated change one batch makes to one item, carrying its
 * contributions so that an adapter can drop those already applied.
 */
export interface ItemDelta {
  readonly address: ItemAddress;
  /** The shard the contributions come from; the item keeps a high-water mark per shard. */
  readonly shardId: string;
  /** Ascending by sequence number. */
  readonly contributions: readonly Contribution[];
}
