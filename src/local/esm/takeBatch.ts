import { EVENT_ENVELOPE_BYTES } from './kinesisEvent';
import type { PendingRecord } from './PendingRecord';

/** Lambda's payload limit for a synchronous invocation (6 MB), which caps a batch below `batchSize`. */
export const INVOKE_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;

/**
 * How many of `queued` (from the front) make the next batch: at most
 * `batchSize` records and an event of at most 6 MB — but always at least one
 * record, since a single Kinesis record (1 MiB, 1.4 MB in base64) always fits.
 */
export function batchLength(queued: readonly PendingRecord[], batchSize: number, limitBytes = INVOKE_PAYLOAD_LIMIT_BYTES): number {
  let bytes = EVENT_ENVELOPE_BYTES;
  let count = 0;
  for (const record of queued) {
    if (count >= batchSize) break;
    if (count > 0 && bytes + record.eventBytes > limitBytes) break;
    bytes += record.eventBytes;
    count += 1;
  }
  return count;
}

/** True when `queued` already holds a batch that cannot grow: `batchSize` records, or the payload limit reached. */
export function isFullBatch(queued: readonly PendingRecord[], batchSize: number, limitBytes = INVOKE_PAYLOAD_LIMIT_BYTES): boolean {
  const length = batchLength(queued, batchSize, limitBytes);
  return length >= batchSize || length < queued.length;
}
