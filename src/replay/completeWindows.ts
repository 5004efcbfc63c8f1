import type { ReplayManifest, ShardProgress } from './ReplayManifest';
import { StopReason } from './ReplayManifest';

/** The windows a finished replay recomputed exactly, per window: it starts at or after `fromMs` and ends at or before `untilMs`. */
export interface CompleteWindows {
  /** Epoch ms. */
  readonly fromMs: number;
  /** Epoch ms; `Infinity` when every shard was read to its end, `-Infinity` when no window can be vouched for. */
  readonly untilMs: number;
  /** The shard that sets `untilMs`, if one does. */
  readonly limitingShard?: string;
}

/**
 * Which windows a replay of the arrivals `[from, to]` saw every counted event
 * of, so that its shadow value is the value the live consumer should hold.
 * Both bounds follow from the consumer's own rules (classifyEvent):
 *
 * - Start: an event is counted only if its time is at most `maxClockSkewMs`
 *   after its arrival, so every event of a window starting at or after
 *   `from + maxClockSkewMs` arrived at or after `from`, where the replay
 *   began reading. `from` is raised to the oldest arrival the stream still
 *   retained for certain: older records may have been trimmed.
 *   The same bound makes the replay's lateness verdicts the consumer's: records
 *   before `from` carry event times below the window, so they cannot have
 *   raised the live watermark enough to make an event of the window late.
 * - End: after the replay stopped on a shard, every later record of that
 *   shard meets a live watermark at least the replay's watermark W there
 *   (the live consumer saw those records and maybe more), so one with an
 *   event time below `W - allowedLatenessMs` is late and never counts. A
 *   window ending there is final. A closed shard read to its end adds no
 *   bound; an open shard on which the replay counted nothing has no
 *   watermark, so nothing after `from` is final on it.
 */
export function completeWindows(manifest: ReplayManifest, shards: readonly ShardProgress[]): CompleteWindows {
  const { settings } = manifest;
  const fromMs = Math.max(manifest.fromMs, manifest.retainedFromMs) + settings.maxClockSkewMs;
  let untilMs = Infinity;
  let limitingShard: string | undefined;
  for (const shard of shards) {
    if (shard.stoppedBy === StopReason.end) continue;
    const bound = shard.watermarkMs === undefined ? -Infinity : shard.watermarkMs - settings.allowedLatenessMs;
    if (bound < untilMs) {
      untilMs = bound;
      limitingShard = shard.shardId;
    }
  }
  return { fromMs, untilMs, ...(limitingShard ? { limitingShard } : {}) };
}

/**
 * Whether at least one window of the smallest granularity lies in the range:
 * a range narrower than a window (a short replay, or one ending less than the
 * lateness after it started) has nothing to compare.
 */
export function hasCompleteWindow(complete: CompleteWindows, smallestWindowMs: number): boolean {
  const firstStart = Math.ceil(complete.fromMs / smallestWindowMs) * smallestWindowMs;
  return firstStart + smallestWindowMs <= complete.untilMs;
}
