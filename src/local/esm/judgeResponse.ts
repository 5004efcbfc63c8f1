import type { InvocationOutcome } from '../lambda';

/** What an invocation means for its batch. */
export type BatchVerdict =
  | { readonly kind: 'success' }
  /** The records before `failedIndex` are done; Lambda retries from `failedIndex` on. */
  | { readonly kind: 'partial'; readonly failedIndex: number }
  /** The whole batch failed: a function error, or a partial batch response Lambda cannot use. */
  | { readonly kind: 'failure' };

/**
 * Reads an invocation the way Lambda's Kinesis event source mapping does.
 * Without ReportBatchItemFailures any response is a success. With it, an
 * absent, null or empty `batchItemFailures` is a success; otherwise the
 * lowest reported sequence number is where the batch is retried from; and an
 * item whose `itemIdentifier` is missing, empty, not a string or not a
 * record of the batch makes the whole batch a failure.
 */
export function judgeResponse(
  outcome: InvocationOutcome,
  sequenceNumbers: readonly string[],
  reportBatchItemFailures: boolean,
): BatchVerdict {
  if (outcome.kind === 'error') return { kind: 'failure' };
  if (!reportBatchItemFailures) return { kind: 'success' };
  const payload = outcome.payload;
  if (payload === null || typeof payload !== 'object') return { kind: 'success' };
  const failures = (payload as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures)) return { kind: 'failure' };
  if (failures.length === 0) return { kind: 'success' };
  const positions = new Map(sequenceNumbers.map((sequenceNumber, index) => [sequenceNumber, index]));
  let lowest = Number.POSITIVE_INFINITY;
  for (const failure of failures) {
    const identifier = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    const index = typeof identifier === 'string' ? positions.get(identifier) : undefined;
    if (index === undefined) return { kind: 'failure' };
    lowest = Math.min(lowest, index);
  }
  return { kind: 'partial', failedIndex: lowest };
}
