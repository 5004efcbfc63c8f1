import { classifyEvent, type EventClassification } from './classifyRecord';
import type { StreamEvent, WindowingConfig } from './types';

/** One record as lateness sees it: its event (if it decoded) and arrival time, in sequence order. */
export interface LatenessInput {
  readonly event: StreamEvent | undefined;
  readonly arrivalMs: number;
}

/** The verdict for each input, and the shard watermark after each one. */
export interface LatenessJudgement {
  readonly verdicts: readonly (EventClassification | undefined)[];
  /** `watermarks[i]` is the watermark once input i is taken into account. */
  readonly watermarks: readonly (number | undefined)[];
}

/**
 * Judges a run of records in sequence order against a watermark that each
 * on-time event raises as it goes (Spark's `withWatermark`, applied per
 * record). Started from the watermark committed with the record just before
 * the run, the verdict of every record is a function of the shard's records
 * up to it, however the stream is cut into batches or retried.
 *
 * Inputs without an event (invalid records) get `undefined` and do not move
 * the watermark; nor do future events, which would otherwise make every
 * on-time event after them late.
 */
export function judgeLateness(
  inputs: readonly LatenessInput[],
  startWatermarkMs: number | undefined,
  config: WindowingConfig,
  progressive: boolean,
): LatenessJudgement {
  const verdicts: (EventClassification | undefined)[] = [];
  const watermarks: (number | undefined)[] = [];
  let judgingMark = startWatermarkMs;
  let watermark = startWatermarkMs;
  for (const input of inputs) {
    if (!input.event) {
      verdicts.push(undefined);
    } else {
      const verdict = classifyEvent(input.event, input.arrivalMs, judgingMark, config);
      verdicts.push(verdict);
      if (verdict.kind === 'valid' && (watermark === undefined || input.event.tsMs > watermark)) {
        watermark = input.event.tsMs;
        if (progressive) judgingMark = watermark;
      }
    }
    watermarks.push(watermark);
  }
  return { verdicts, watermarks };
}
