import type { InvocationOutcome } from '../lambda';
import { FailureCondition, type DiscardedBatch } from './FailureRecord';
import { judgeResponse } from './judgeResponse';
import type { PendingRecord } from './PendingRecord';
import { sleep } from '../../shared/sleep';

/** The mapping settings that decide what happens to a failing batch. */
export interface DeliveryPolicy {
  readonly bisectBatchOnFunctionError: boolean;
  /** -1: retry until the records expire. */
  readonly maximumRetryAttempts: number;
  /** Undefined: records never get too old. */
  readonly maximumRecordAgeMs: number | undefined;
  readonly reportBatchItemFailures: boolean;
}

/** What delivery acts through. */
export interface DeliveryPorts {
  /** Invokes the function with a batch. Rejects only when the function could not be invoked at all. */
  invoke(records: readonly PendingRecord[]): Promise<InvocationOutcome>;
  /** The records were processed: the stream may move past them. */
  succeeded(records: readonly PendingRecord[]): void;
  /** Gives records up to the on-failure destination; false when stopping prevented it (the records stay unsettled). */
  discard(batch: DiscardedBatch): Promise<boolean>;
  now(): number;
  log(message: string): void;
  /** Aborts when the mapping stops: no new invocation or retry starts after that. */
  readonly signal: AbortSignal;
}

/** `settled`: every record succeeded or was given up. `interrupted`: the mapping stopped first. */
export type DeliveryResult = 'settled' | 'interrupted';

/** Back-off between retries of a failing batch: 100 ms doubling up to 5 s, so infinite retries do not spin. */
export function retryDelayMs(retry: number): number {
  return Math.min(5_000, 100 * 2 ** Math.max(0, retry - 1));
}

/** Wait before invoking again when the function could not be invoked at all (no retry is counted, as in Lambda). */
const INVOKE_FAILURE_BACKOFF_MS = 1_000;

/**
 * Delivers one batch with the error handling of Lambda's Kinesis event source
 * mapping, until every record is either processed or given up:
 *
 * - records older than the maximum record age are given up before each
 *   invocation (`RecordAgeExceeded`), the rest go on;
 * - a success settles the batch; with ReportBatchItemFailures, a partial
 *   response settles the records before the lowest reported sequence number
 *   and retries the rest (a retry attempt, so a record reported failed forever
 *   cannot block the shard longer than the retry budget allows);
 * - a function error (or an unusable partial response) with bisect on splits
 *   the batch in two and delivers the halves in order; the split itself does
 *   not consume the retry quota (Lambda's documentation), and each half starts
 *   with a budget of its own, so only a batch that cannot be split any more
 *   (one record) spends retries;
 * - otherwise the batch is retried until `maximumRetryAttempts` retries have
 *   failed, then given up (`RetryAttemptsExhausted`).
 */
export async function deliverBatch(
  records: readonly PendingRecord[],
  policy: DeliveryPolicy,
  ports: DeliveryPorts,
): Promise<DeliveryResult> {
  let batch = records;
  let retries = 0;
  let invokeCount = 0;
  let last: { requestId?: string; functionError: boolean } = { functionError: false };
  while (batch.length > 0) {
    if (ports.signal.aborted) return 'interrupted';
    const maximumAge = policy.maximumRecordAgeMs;
    if (maximumAge !== undefined) {
      const now = ports.now();
      const expired = batch.filter((record) => now - record.arrivalMs > maximumAge);
      if (expired.length > 0) {
        const given = await ports.discard({ records: expired, condition: FailureCondition.recordAgeExceeded, invokeCount, ...last });
        if (!given) return 'interrupted';
        batch = batch.filter((record) => now - record.arrivalMs <= maximumAge);
        continue;
      }
    }

    let outcome: InvocationOutcome;
    try {
      outcome = await ports.invoke(batch);
    } catch (error) {
      // Lambda retries an invocation that could not happen (throttling, service errors) until the records expire.
      ports.log(`could not invoke the function (${(error as Error).message}); trying again`);
      await sleep(INVOKE_FAILURE_BACKOFF_MS, ports.signal);
      continue;
    }
    invokeCount += 1;
    last = { requestId: outcome.requestId, functionError: outcome.kind === 'error' };
    const verdict = judgeResponse(
      outcome,
      batch.map((record) => record.sequenceNumber),
      policy.reportBatchItemFailures,
    );
    if (verdict.kind === 'success') {
      ports.succeeded(batch);
      return 'settled';
    }
    if (verdict.kind === 'partial') {
      ports.succeeded(batch.slice(0, verdict.failedIndex));
      batch = batch.slice(verdict.failedIndex);
    } else if (policy.bisectBatchOnFunctionError && batch.length > 1) {
      const middle = Math.ceil(batch.length / 2);
      if ((await deliverBatch(batch.slice(0, middle), policy, ports)) === 'interrupted') return 'interrupted';
      return deliverBatch(batch.slice(middle), policy, ports);
    }

    if (policy.maximumRetryAttempts !== -1 && retries >= policy.maximumRetryAttempts) {
      const given = await ports.discard({ records: batch, condition: FailureCondition.retryAttemptsExhausted, invokeCount, ...last });
      return given ? 'settled' : 'interrupted';
    }
    retries += 1;
    await sleep(retryDelayMs(retries), ports.signal);
  }
  return 'settled';
}
