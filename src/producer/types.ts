import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { StreamEvent } from '../../core';

/** An event as a producer writes it (docs/contract.md §1). */
export interface ProducerEvent {
  /** Unique per logical event; a retry sends the same `id`. 1–128 characters. */
  readonly id: string;
  /** What happened: 1–64 characters of `[A-Za-z0-9_.:-]`. */
  readonly type: string;
  /** The entity aggregated by: 1–512 characters, no control characters. */
  readonly key: string;
  /** Event time: an ISO-8601 string with a zone, or epoch milliseconds. */
  readonly ts: string | number;
  /** What is summed. @default 1 */
  readonly value?: number;
  /** Carried along, not aggregated. */
  readonly attrs?: Readonly<Record<string, unknown>>;
}

/** An event as the consumer will read it, after validation (what `partitionKey` receives). */
export type ValidatedEvent = StreamEvent;

/** Options of {@link Producer}. Every limit is a count, never a timing assumption. */
export interface ProducerOptions {
  /** The Kinesis stream to write to. */
  readonly streamName: string;
  /**
   * The client to send with. Give it `maxAttempts: 1`: the SDK's own retries
   * happen inside one `send` where the producer cannot see them, so a request
   * the SDK retried after a timeout may be on the stream twice without being
   * counted as a possible duplicate. The producer still counts them from
   * `$metadata.attempts` (`sdkRetries` in the report) and warns once.
   * @default a new `KinesisClient` with `maxAttempts: 1`, destroyed on `close()`
   */
  readonly client?: KinesisClient;
  /** Region of the client the producer creates; ignored when `client` is given. @default the SDK's chain */
  readonly region?: string;
  /**
   * The partition key of an event, from the event as validated. Keys longer
   * than Kinesis' 256 characters are replaced by their SHA-256 (hex), which
   * keeps every event of one key on one shard.
   * @default the event's `key`
   */
  readonly partitionKey?: (event: ValidatedEvent) => string;
  /**
   * Keep the order of records per partition key even across retries: a record
   * that failed is not overtaken by a later one of the same key. Costs
   * throughput on hot keys: one record per key is outstanding at a time.
   * @default false
   */
  readonly orderedPerKey?: boolean;
  /** Events accepted but not yet sent or failed for good; `send` waits beyond it. @default 10_000 */
  readonly maxBufferedEvents?: number;
  /** The same bound in bytes (one larger event is still let in when the buffer is empty). @default 67_108_864 (64 MiB) */
  readonly maxBufferedBytes?: number;
  /** How long a record may wait for more to fill its request. @default 50 */
  readonly lingerMs?: number;
  /** Attempts per record, the first included, before it fails for good. @default 10 */
  readonly maxAttempts?: number;
  /** Backoff before the first retry is drawn from [0, baseBackoffMs]; it doubles per attempt. @default 100 */
  readonly baseBackoffMs?: number;
  /** Largest backoff drawn. @default 5_000 */
  readonly maxBackoffMs?: number;
  /** `PutRecords` requests in flight at once. @default 8 */
  readonly maxConcurrentRequests?: number;
  /** A request not answered within this is abandoned and retried (a possible duplicate). @default 10_000 */
  readonly requestTimeoutMs?: number;
  /** The starting send rate, records per second. @default unlimited until the first throttle */
  readonly initialRecordsPerSecond?: number;
  /** The send rate never drops below this, records per second. @default 10 */
  readonly minRecordsPerSecond?: number;
  /** Called after every request with the running counts. */
  readonly onProgress?: (counts: ProducerCounts) => void;
  /** Source of jitter in [0, 1). @default Math.random */
  readonly random?: () => number;
}

/** What the producer has done so far, as numbers. */
export interface ProducerCounts {
  /** Records Kinesis acknowledged. */
  readonly sent: number;
  /** Record re-sends (attempts after the first). */
  readonly retried: number;
  /** Record attempts refused for throughput (`ProvisionedThroughputExceededException`, throttled requests). */
  readonly throttled: number;
  /** Records that failed for good (listed in the report). */
  readonly failed: number;
  /** Events refused by validation, never sent. */
  readonly rejected: number;
  /**
   * Records sent again after a request whose outcome was unknown (a network
   * error, a 5xx or a timeout): each may be on the stream twice, with the same `id`.
   */
  readonly possibleDuplicates: number;
  /** Attempts the client's SDK made on its own, beyond the producer's (0 with `maxAttempts: 1`). */
  readonly sdkRetries: number;
  /** `PutRecords` requests made. */
  readonly requests: number;
  /** Records in the buffer (at most `maxBufferedEvents`): accepted by `send`, not yet sent or failed for good. */
  readonly buffered: number;
  /** The adaptive send rate in records per second; `undefined` while unlimited. */
  readonly recordsPerSecondLimit: number | undefined;
}

/** A record that failed for good, with what is needed to keep or re-send it. */
export interface FailedRecord {
  /** The event given to `send`; absent for `sendEncoded` and `sendRawUnvalidated`. */
  readonly event?: ProducerEvent;
  /** The record's bytes as they were sent. */
  readonly data: Uint8Array;
  readonly partitionKey: string;
  /** The last error: a per-record `ErrorCode` or the request's error name. */
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly attempts: number;
  /** An earlier attempt's outcome was unknown: the record may be on the stream after all. */
  readonly possiblyDelivered: boolean;
}

/** What the producer did: the counts and every record that failed for good. */
export interface ProducerReport extends ProducerCounts {
  readonly failedRecords: readonly FailedRecord[];
  /** Things the caller should know, such as an injected client with SDK retries on. */
  readonly warnings: readonly string[];
}
