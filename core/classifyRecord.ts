import { formatDuration } from './duration';
import type { StreamEvent, WindowingConfig } from './types';

/** The outcome of {@link classifyEvent}. */
export type EventClassification = { readonly kind: 'valid' } | { readonly kind: 'late' | 'future'; readonly message: string };

const VALID: EventClassification = { kind: 'valid' };

/**
 * Decides whether a decoded event is on time, too late or in the future.
 *
 * - `future`: the event time is more than `maxClockSkewMs` after the record's
 *   arrival time. Arrival time, not the current time, so that a redelivered
 *   or replayed record is classified exactly as the first time.
 * - `late`: the shard has a watermark (the newest event time seen on it) and
 *   the event time is more than `allowedLatenessMs` before it.
 *
 * Events exactly at either boundary are valid.
 *
 * @param arrivalMs when Kinesis accepted the record, epoch milliseconds.
 * @param watermarkMs the shard's watermark, `undefined` before its first event.
 */
export function classifyEvent(
  event: StreamEvent,
  arrivalMs: number,
  watermarkMs: number | undefined,
  config: WindowingConfig,
): EventClassification {
  if (event.tsMs > arrivalMs + config.maxClockSkewMs) {
    return {
      kind: 'future',
      message:
        `event time ${iso(event.tsMs)} is more than ${formatDuration(config.maxClockSkewMs)} ` +
        `after the record's arrival time ${iso(arrivalMs)}`,
    };
  }
  if (watermarkMs !== undefined && event.tsMs < watermarkMs - config.allowedLatenessMs) {
    return {
      kind: 'late',
      message:
        `event time ${iso(event.tsMs)} is more than ${formatDuration(config.allowedLatenessMs)} ` +
        `before the shard's watermark ${iso(watermarkMs)}`,
    };
  }
  return VALID;
}

/** ISO form for messages; falls back to the number when outside Date's range. */
function iso(ms: number): string {
  return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `${ms} ms`;
}
