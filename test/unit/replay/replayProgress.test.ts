import { describe, expect, it } from 'vitest';
import { eta, progressBar, progressLine } from '../../../src/replay/renderReplayProgress';
import { ReplayProgress } from '../../../src/replay/ReplayProgress';

describe('ReplayProgress', () => {
  it('measures the share done by arrival time per shard, and extrapolates the ETA from this run', () => {
    let now = 0;
    const progress = new ReplayProgress(
      ['a', 'b'],
      1_000,
      11_000,
      new Map([['a', { records: 100, lastArrivalMs: 6_000, done: false }]]),
      () => now,
    );
    // Resumed: shard a was halfway.
    expect(progress.snapshot().fraction).toBe(0.25);
    now = 10_000;
    progress.page('b', 50, 6_000);
    progress.shardDone('a');
    const snapshot = progress.snapshot();
    expect(snapshot).toMatchObject({ shardsDone: 1, shardsTotal: 2, records: 150, recordsPerSecond: 5, fraction: 0.75 });
    // From 25 % to 75 % in 10 s: the last 25 % in 5 s.
    expect(snapshot.etaMs).toBeCloseTo(5_000);
  });

  it('renders a bar for a terminal and a plain line for logs', () => {
    const snapshot = {
      shardsTotal: 3,
      shardsDone: 1,
      records: 12_345,
      recordsPerSecond: 2_100,
      fraction: 0.38,
      etaMs: 42_000,
      elapsedMs: 1,
    };
    expect(progressBar(snapshot)).toBe('[#########---------------]  38%  shards 1/3  records 12,345 (2,100/s)  ETA 0:42');
    expect(progressLine(snapshot)).toBe('replay: 38%, shards 1/3, records 12,345 (2,100/s), ETA 0:42');
    expect(eta({ etaMs: 3_723_000 })).toBe('1:02:03');
    expect(eta({})).toBe('?');
  });
});
