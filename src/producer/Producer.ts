import { KinesisClient, PutRecordsCommand, type PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { AimdRateLimiter } from './AimdRateLimiter';
import { classifyRequestError } from './classifyRequestError';
import { defaultPartitionKey, encodeBytes, encodeEvent, encodeRaw, type EncodedRecord } from './encodeRecord';
import { ProducerClosedError, ProducerValidationError } from './errors';
import { fullJitterBackoff } from './fullJitterBackoff';
import { KinesisLimits } from './kinesisLimits';
import type { OutgoingRecord } from './OutgoingRecord';
import { RecordBuffer, type BatchRules } from './RecordBuffer';
import type { FailedRecord, ProducerCounts, ProducerEvent, ProducerOptions, ProducerReport, ValidatedEvent } from './types';

/** Defaults of {@link ProducerOptions}, in one place for the docs and the tests. */
export const ProducerDefaults = {
  maxBufferedEvents: 10_000,
  maxBufferedBytes: 64 * 1_048_576,
  lingerMs: 50,
  maxAttempts: 10,
  baseBackoffMs: 100,
  maxBackoffMs: 5_000,
  maxConcurrentRequests: 8,
  requestTimeoutMs: 10_000,
  minRecordsPerSecond: 10,
} as const;

/** Per-record error codes that mean "over the shard's throughput". */
const THROTTLED_RECORD_CODES = new Set(['ProvisionedThroughputExceededException', 'KMSThrottlingException']);

interface FlushWaiter {
  /** Records up to this `seq` must settle. */
  readonly target: number;
  remaining: number;
  readonly resolve: () => void;
}

/**
 * Sends events to a Kinesis stream with `PutRecords`: validated, batched,
 * retried record by record, adapted to the stream's capacity, and accounted
 * for. Every event given to {@link send} ends either acknowledged by Kinesis
 * (`sent`) or listed in {@link report} as failed for good, with its bytes;
 * none disappears silently.
 *
 * Delivery is at least once. A request whose outcome is unknown (a network
 * error, a timeout, a 5xx) may have been written; its records are sent again
 * and counted in `possibleDuplicates`, and the consumer drops the second copy
 * by its `id`. Records that Kinesis answered with a per-record error are
 * retried alone, never with the rest of their request. Records still in the
 * buffer when the process ends are lost: `close()` (or `flush()`) before exit.
 *
 * @example
 * const producer = new Producer({ streamName: 'events' });
 * for (const event of events) await producer.send(event); // waits when the buffer is full
 * const report = await producer.close(); // flushes
 * if (report.failedRecords.length > 0) keep(report.failedRecords);
 */
export class Producer {
  private readonly client: KinesisClient;
  private readonly ownsClient: boolean;
  private readonly streamName: string;
  private readonly partitionKey: (event: ValidatedEvent) => string;
  private readonly settings: {
    readonly maxBufferedEvents: number;
    readonly maxBufferedBytes: number;
    readonly lingerMs: number;
    readonly maxAttempts: number;
    readonly baseBackoffMs: number;
    readonly maxBackoffMs: number;
    readonly maxConcurrentRequests: number;
    readonly requestTimeoutMs: number;
  };
  private readonly onProgress: ((counts: ProducerCounts) => void) | undefined;
  private readonly random: () => number;
  private readonly buffer: RecordBuffer;
  private readonly limiter: AimdRateLimiter;

  private nextSeq = 0;
  /** `send` calls waiting for room, in call order. */
  private admissions: { record: OutgoingRecord; resolve: () => void }[] = [];
  private flushWaiters: FlushWaiter[] = [];
  private inFlight = 0;
  private closing = false;
  private closed: Promise<ProducerReport> | undefined;
  private clientCheck: Promise<void> = Promise.resolve();
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAt = Number.POSITIVE_INFINITY;

  private sent = 0;
  private retried = 0;
  private throttled = 0;
  private rejected = 0;
  private possibleDuplicates = 0;
  private sdkRetries = 0;
  private requests = 0;
  private readonly failedRecords: FailedRecord[] = [];
  private readonly warnings: string[] = [];

  constructor(options: ProducerOptions) {
    if (!options.streamName) throw new TypeError('Producer: streamName is required');
    this.streamName = options.streamName;
    this.ownsClient = options.client === undefined;
    this.client = options.client ?? new KinesisClient({ region: options.region, maxAttempts: 1 });
    this.partitionKey = options.partitionKey ?? defaultPartitionKey;
    this.settings = {
      maxBufferedEvents: positive('maxBufferedEvents', options.maxBufferedEvents ?? ProducerDefaults.maxBufferedEvents),
      maxBufferedBytes: positive('maxBufferedBytes', options.maxBufferedBytes ?? ProducerDefaults.maxBufferedBytes),
      lingerMs: nonNegative('lingerMs', options.lingerMs ?? ProducerDefaults.lingerMs),
      maxAttempts: positive('maxAttempts', options.maxAttempts ?? ProducerDefaults.maxAttempts),
      baseBackoffMs: nonNegative('baseBackoffMs', options.baseBackoffMs ?? ProducerDefaults.baseBackoffMs),
      maxBackoffMs: nonNegative('maxBackoffMs', options.maxBackoffMs ?? ProducerDefaults.maxBackoffMs),
      maxConcurrentRequests: positive('maxConcurrentRequests', options.maxConcurrentRequests ?? ProducerDefaults.maxConcurrentRequests),
      requestTimeoutMs: positive('requestTimeoutMs', options.requestTimeoutMs ?? ProducerDefaults.requestTimeoutMs),
    };
    this.onProgress = options.onProgress;
    this.random = options.random ?? Math.random;
    this.buffer = new RecordBuffer(options.orderedPerKey ?? false);
    this.limiter = new AimdRateLimiter({
      initialRate: options.initialRecordsPerSecond,
      minRate: positive('minRecordsPerSecond', options.minRecordsPerSecond ?? ProducerDefaults.minRecordsPerSecond),
    });
    if (!this.ownsClient) this.clientCheck = this.checkClientRetries();
  }

  /**
   * Validates an event as the consumer will (docs/contract.md §1) and buffers it.
   * Resolves once the event is in the buffer, which may mean waiting for room
   * (backpressure); its delivery shows in {@link report}.
   *
   * @throws ProducerValidationError (as a rejection) for an invalid event, which is never sent.
   * @throws ProducerClosedError after {@link close}.
   */
  send(event: ProducerEvent): Promise<void> {
    return this.accept(() => encodeEvent(event, this.partitionKey), event);
  }

  /**
   * Like {@link send} for an event already serialized (one NDJSON line): the
   * bytes are validated as they are and sent unchanged.
   */
  sendEncoded(data: Uint8Array): Promise<void> {
    return this.accept(() => encodeBytes(data, this.partitionKey));
  }

  /**
   * Sends bytes WITHOUT validating them as an event: only Kinesis' own limits
   * (record size, partition key) are checked. For deliberately malformed
   * records (the demo shows the consumer quarantining them) and for re-sending
   * records exactly as they were. Batching, retries and the report are the same.
   */
  sendRawUnvalidated(data: Uint8Array, partitionKey: string): Promise<void> {
    return this.accept(() => encodeRaw(data, partitionKey));
  }

  /** Resolves when every event accepted before the call is sent or has failed for good. */
  flush(): Promise<void> {
    const pending = this.buffer.size + this.admissions.length;
    if (pending === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.flushWaiters.push({ target: this.nextSeq - 1, remaining: pending, resolve });
      this.pump();
    });
  }

  /**
   * Refuses further events, flushes, releases the client if the producer
   * created it, and returns the final report. Safe to call more than once.
   */
  close(): Promise<ProducerReport> {
    if (!this.closed) {
      this.closing = true;
      this.closed = this.flush().then(async () => {
        await this.clientCheck;
        this.clearWake();
        if (this.ownsClient) this.client.destroy();
        return this.report();
      });
    }
    return this.closed;
  }

  /** What the producer has done so far, with every record that failed for good. */
  report(): ProducerReport {
    return { ...this.counts(), failedRecords: [...this.failedRecords], warnings: [...this.warnings] };
  }

  /** The running counts, without the failed records (cheap enough for a progress line). */
  counts(): ProducerCounts {
    return {
      sent: this.sent,
      retried: this.retried,
      throttled: this.throttled,
      failed: this.failedRecords.length,
      rejected: this.rejected,
      possibleDuplicates: this.possibleDuplicates,
      sdkRetries: this.sdkRetries,
      requests: this.requests,
      buffered: this.buffer.size,
      recordsPerSecondLimit: this.limiter.recordsPerSecond,
    };
  }

  private accept(encode: () => EncodedRecord, event?: ProducerEvent): Promise<void> {
    if (this.closing) return Promise.reject(new ProducerClosedError());
    let encoded: EncodedRecord;
    try {
      encoded = encode();
    } catch (error) {
      if (error instanceof ProducerValidationError) this.rejected += 1;
      return Promise.reject(error);
    }
    const record: OutgoingRecord = {
      seq: this.nextSeq++,
      data: encoded.data,
      partitionKey: encoded.partitionKey,
      bytes: encoded.bytes,
      event,
      attempts: 0,
      notBeforeMs: 0,
      enqueuedAtMs: 0,
      possiblyDelivered: false,
    };
    if (this.admissions.length === 0 && this.hasRoomFor(record)) {
      this.admit(record);
      this.pump();
      return Promise.resolve();
    }
    return new Promise((resolve) => this.admissions.push({ record, resolve }));
  }

  private hasRoomFor(record: OutgoingRecord): boolean {
    if (this.buffer.size === 0) return true;
    return this.buffer.size < this.settings.maxBufferedEvents && this.buffer.bytes + record.bytes <= this.settings.maxBufferedBytes;
  }

  private admit(record: OutgoingRecord): void {
    record.enqueuedAtMs = Date.now();
    this.buffer.add(record);
  }

  /** Lets waiting `send` calls in, in order, as far as there is room. */
  private admitWaiting(): void {
    let admitted = 0;
    while (admitted < this.admissions.length && this.hasRoomFor(this.admissions[admitted]!.record)) {
      const { record, resolve } = this.admissions[admitted]!;
      this.admit(record);
      resolve();
      admitted += 1;
    }
    if (admitted > 0) this.admissions = this.admissions.slice(admitted);
  }

  private batchRules(): BatchRules {
    return { lingerMs: this.settings.lingerMs, force: this.closing || this.flushWaiters.length > 0 };
  }

  /** Sends every request that may leave now, then sets the timer for the next one. */
  private pump(): void {
    const now = Date.now();
    const rules = this.batchRules();
    let tokenWaitMs: number | undefined;
    while (this.inFlight < this.settings.maxConcurrentRequests && this.buffer.isReady(now, rules)) {
      // Wait for a full bucket (or all that waits) rather than trickle out one-record requests.
      const wanted = Math.min(KinesisLimits.maxRecordsPerRequest, this.limiter.capacity(), this.buffer.waiting);
      const available = this.limiter.available(now);
      if (available < wanted) {
        this.limiter.noteConstrained();
        tokenWaitMs = Math.max(1, this.limiter.delayFor(wanted, now));
        break;
      }
      const batch = this.buffer.take(now, Math.floor(available));
      if (batch.length === 0) break; // every waiting key is outstanding: a settle will pump again
      this.limiter.take(batch.length, now);
      void this.dispatch(batch);
    }
    this.scheduleWake(now, rules, tokenWaitMs);
  }

  private scheduleWake(now: number, rules: BatchRules, tokenWaitMs: number | undefined): void {
    if (this.inFlight >= this.settings.maxConcurrentRequests) return; // a response will pump
    let at = tokenWaitMs === undefined ? Number.POSITIVE_INFINITY : now + tokenWaitMs;
    const readyAt = this.buffer.nextReadyAt(rules, now);
    if (readyAt !== undefined) at = Math.min(at, readyAt);
    if (at === Number.POSITIVE_INFINITY || (this.wakeTimer !== undefined && this.wakeAt <= at)) return;
    this.clearWake();
    this.wakeAt = at;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.wakeAt = Number.POSITIVE_INFINITY;
      this.pump();
    }, at - now);
  }

  private clearWake(): void {
    if (this.wakeTimer !== undefined) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    this.wakeAt = Number.POSITIVE_INFINITY;
  }

  private async dispatch(batch: OutgoingRecord[]): Promise<void> {
    this.inFlight += 1;
    this.requests += 1;
    for (const record of batch) {
      if (record.attempts > 0) this.retried += 1;
      record.attempts += 1;
    }
    let outcome: { readonly response: PutRecordsCommandOutput } | { readonly error: unknown };
    try {
      outcome = { response: await this.putRecords(batch) };
    } catch (error) {
      outcome = { error };
    }
    this.inFlight -= 1;
    // Outside the try: a bug here must surface, not be mistaken for a failed request and counted twice.
    if ('response' in outcome) {
      this.sdkRetries += Math.max(0, (outcome.response.$metadata?.attempts ?? 1) - 1);
      this.onResponse(batch, outcome.response);
    } else {
      this.sdkRetries += Math.max(0, ((outcome.error as { $metadata?: { attempts?: number } })?.$metadata?.attempts ?? 1) - 1);
      this.onRequestError(batch, outcome.error);
    }
    this.afterSettling();
  }

  /** One `PutRecords`, abandoned after `requestTimeoutMs` even if the client ignores the abort. */
  private putRecords(batch: readonly OutgoingRecord[]): Promise<PutRecordsCommandOutput> {
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(
          Object.assign(new Error(`no answer to PutRecords within ${this.settings.requestTimeoutMs} ms`), {
            name: 'TimeoutError',
            code: 'TimeoutError',
          }),
        );
      }, this.settings.requestTimeoutMs);
    });
    const command = new PutRecordsCommand({
      StreamName: this.streamName,
      Records: batch.map((record) => ({ Data: record.data, PartitionKey: record.partitionKey })),
    });
    // Through a promise, so that a client that throws or answers synchronously (a stub) is handled alike.
    const request = Promise.resolve().then(() => this.client.send(command, { abortSignal: abort.signal }));
    request.catch(() => undefined); // its late failure after a timeout is already accounted for
    return Promise.race([request, timeout]).finally(() => clearTimeout(timer));
  }

  private onResponse(batch: readonly OutgoingRecord[], response: PutRecordsCommandOutput): void {
    const results = response.Records;
    if (!results || results.length !== batch.length) {
      const error = Object.assign(new Error(`PutRecords answered ${results?.length ?? 'no'} results for ${batch.length} records`), {
        name: 'MalformedResponse',
      });
      this.onRequestError(batch, error);
      return;
    }
    const now = Date.now();
    const retry: OutgoingRecord[] = [];
    let throttledHere = 0;
    let accepted = 0;
    results.forEach((result, index) => {
      const record = batch[index]!;
      if (!result.ErrorCode) {
        accepted += 1;
        this.sent += 1;
        this.settle(record);
        return;
      }
      if (THROTTLED_RECORD_CODES.has(result.ErrorCode)) throttledHere += 1;
      this.retryOrFail(record, result.ErrorCode, result.ErrorMessage ?? '', true, retry);
    });
    this.throttled += throttledHere;
    this.limiter.onAnswer(now, accepted, throttledHere > 0);
    this.scheduleRetries(retry, now);
  }

  private onRequestError(batch: readonly OutgoingRecord[], error: unknown): void {
    const failure = classifyRequestError(error);
    const now = Date.now();
    if (failure.kind === 'throttled') {
      this.throttled += batch.length;
      this.limiter.onAnswer(now, 0, true);
    } else if (failure.code === 'TimeoutError') {
      // No answer in time: an overloaded stream (or endpoint). Slowing down as for a
      // throttle keeps the re-sends of timed-out requests from feeding the overload.
      this.limiter.onAnswer(now, 0, true);
    }
    const retry: OutgoingRecord[] = [];
    for (const record of batch) {
      if (failure.ambiguous) record.possiblyDelivered = true;
      this.retryOrFail(record, failure.code, failure.message, failure.kind !== 'fatal', retry);
    }
    // The unavoidable duplicates: these records may be on the stream already.
    if (failure.ambiguous) this.possibleDuplicates += retry.length;
    this.scheduleRetries(retry, now);
  }

  private retryOrFail(record: OutgoingRecord, errorCode: string, errorMessage: string, retriable: boolean, retry: OutgoingRecord[]): void {
    if (retriable && record.attempts < this.settings.maxAttempts) {
      retry.push(record);
      return;
    }
    this.failedRecords.push({
      ...(record.event === undefined ? {} : { event: record.event }),
      data: record.data,
      partitionKey: record.partitionKey,
      errorCode,
      errorMessage,
      attempts: record.attempts,
      possiblyDelivered: record.possiblyDelivered,
    });
    this.settle(record);
  }

  /** Full-jitter backoff, one draw per attempt count, so that a failed request's records stay together. */
  private scheduleRetries(records: readonly OutgoingRecord[], now: number): void {
    const delays = new Map<number, number>();
    for (const record of records) {
      let delay = delays.get(record.attempts);
      if (delay === undefined) {
        delay = fullJitterBackoff(record.attempts, this.settings.baseBackoffMs, this.settings.maxBackoffMs, this.random);
        delays.set(record.attempts, delay);
      }
      record.notBeforeMs = now + delay;
      this.buffer.retry(record);
    }
  }

  private settle(record: OutgoingRecord): void {
    this.buffer.settle(record);
    for (const waiter of this.flushWaiters) {
      if (record.seq <= waiter.target) waiter.remaining -= 1;
    }
  }

  private afterSettling(): void {
    this.admitWaiting();
    if (this.flushWaiters.some((waiter) => waiter.remaining <= 0)) {
      const done = this.flushWaiters.filter((waiter) => waiter.remaining <= 0);
      this.flushWaiters = this.flushWaiters.filter((waiter) => waiter.remaining > 0);
      for (const waiter of done) waiter.resolve();
    }
    if (this.onProgress) {
      try {
        this.onProgress(this.counts());
      } catch (error) {
        this.warnOnce(`onProgress threw: ${(error as Error).message}`);
      }
    }
    this.pump();
  }

  /** An injected client that retries on its own hides attempts from the producer: say so once. */
  private async checkClientRetries(): Promise<void> {
    try {
      const maxAttempts = await this.client.config.maxAttempts();
      if (maxAttempts > 1) {
        this.warnOnce(
          `the KinesisClient given retries on its own (maxAttempts ${maxAttempts}); create it with maxAttempts: 1 so that every attempt is counted and possible duplicates are known`,
        );
      }
    } catch {
      // A client without the standard config: nothing to check.
    }
  }

  private warnOnce(warning: string): void {
    if (!this.warnings.includes(warning)) this.warnings.push(warning);
  }
}

function positive(name: string, value: number): number {
  if (!(value > 0)) throw new RangeError(`Producer: ${name} must be positive, got ${value}`);
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!(value >= 0)) throw new RangeError(`Producer: ${name} must not be negative, got ${value}`);
  return value;
}
