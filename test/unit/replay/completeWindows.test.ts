import { describe, expect, it } from 'vitest';
import { completeWindows } from '../../../src/replay/completeWindows';
import type { ReplayManifest, ShardProgress } from '../../../src/replay/ReplayManifest';
import { emptyCounts } from '../../../src/replay/ReplayManifest';
import { judgeWindow, reconcileScope, scopeWindowStarts } from '../../../src/reconcile/reconcileScope';

const T = Date.parse('2026-11-26T12:00:00.000Z');
const MINUTE = 60_000;
const manifest: ReplayManifest = {
  shadow: 's',
  streamName: 'events',
  liveTable: 'aggregates',
  fromMs: T,
  toMs: T + 60 * MINUTE,
  retainedFromMs: T - 24 * 60 * MINUTE,
  settings: {
    windows: '1m:7d,1h:90d',
    allowedLatenessMs: 10 * MINUTE,
    maxClockSkewMs: 5 * MINUTE,
    dedupProducerIds: true,
    dedupRetentionMs: 7 * 86_400_000,
    maxRecordBytes: 1_048_576,
    writeConcurrency: 8,
  },
  startedMs: T + 61 * MINUTE,
  completedMs: T + 62 * MINUTE,
};
const done = (shardId: string, stoppedBy: ShardProgress['stoppedBy'], watermarkMs?: number): ShardProgress => ({
  shardId,
  counts: emptyCounts(),
  stoppedBy,
  ...(watermarkMs === undefined ? {} : { watermarkMs }),
});

describe('completeWindows', () => {
  it('starts a clock skew after --from and ends the lateness before the lowest watermark of a shard that can still get records', () => {
    const complete = completeWindows(manifest, [
      done('a', 'to', T + 58 * MINUTE),
      done('b', 'tip', T + 50 * MINUTE),
      done('c', 'end', T + 1 * MINUTE),
    ]);
    expect(complete).toEqual({ fromMs: T + 5 * MINUTE, untilMs: T + 40 * MINUTE, limitingShard: 'b' });
  });

  it('has no end bound when every shard was closed and read to its end', () => {
    expect(completeWindows(manifest, [done('a', 'end', T), done('b', 'end')]).untilMs).toBe(Infinity);
  });

  it('vouches for no window when an open shard counted nothing (no watermark: a late record could still count anywhere)', () => {
    expect(completeWindows(manifest, [done('a', 'to', T + 58 * MINUTE), done('b', 'tip')]).untilMs).toBe(-Infinity);
  });

  it('starts no earlier than a clock skew after the oldest arrival the stream surely retained', () => {
    const complete = completeWindows({ ...manifest, fromMs: T - 48 * 60 * MINUTE }, [done('a', 'end')]);
    expect(complete.fromMs).toBe(manifest.retainedFromMs + 5 * MINUTE);
  });
});

describe('reconcile scope', () => {
  const scope = reconcileScope({ fromMs: T + 5 * MINUTE, untilMs: T + 40 * MINUTE }, '1m:7d,1h:90d', T + 120 * MINUTE);

  it('takes the windows that start after the bound and end before the other, per granularity', () => {
    expect(judgeWindow(scope, '1m', T + 5 * MINUTE)).toBe('in');
    expect(judgeWindow(scope, '1m', T + 39 * MINUTE)).toBe('in');
    expect(judgeWindow(scope, '1m', T + 4 * MINUTE)).toBe('outside');
    expect(judgeWindow(scope, '1m', T + 40 * MINUTE)).toBe('outside');
    // An hour window starting at T begins before the bound; the next ends after it.
    expect(judgeWindow(scope, '1h', T)).toBe('outside');
    expect(judgeWindow(scope, '1d', T + 10 * MINUTE)).toBe('outside');
  });

  it('leaves windows past their TTL alone', () => {
    const later = reconcileScope({ fromMs: T + 5 * MINUTE, untilMs: T + 40 * MINUTE }, '1m:1h', T + 10 * MINUTE + 60 * MINUTE);
    expect(judgeWindow(later, '1m', T + 8 * MINUTE)).toBe('expired');
    expect(judgeWindow(later, '1m', T + 9 * MINUTE)).toBe('expired');
    expect(judgeWindow(later, '1m', T + 10 * MINUTE)).toBe('in');
  });

  it('narrows with --from/--to but never widens', () => {
    const narrowed = reconcileScope({ fromMs: T + 5 * MINUTE, untilMs: T + 40 * MINUTE }, '1m:7d', T, { fromMs: T, toMs: T + 10 * MINUTE });
    expect(judgeWindow(narrowed, '1m', T + 4 * MINUTE)).toBe('outside');
    expect(judgeWindow(narrowed, '1m', T + 10 * MINUTE)).toBe('in');
    expect(judgeWindow(narrowed, '1m', T + 11 * MINUTE)).toBe('outside');
    expect(scopeWindowStarts(narrowed)).toEqual({
      from: new Date(T + 5 * MINUTE).toISOString(),
      to: new Date(T + 10 * MINUTE).toISOString(),
    });
  });

  it('scans nothing when no window is complete', () => {
    expect(scopeWindowStarts(reconcileScope({ fromMs: T, untilMs: -Infinity }, '1m:7d', T))).toBeUndefined();
  });
});
