/** Where a replay stands, for the progress bar or a progress line. */
export interface ProgressSnapshot {
  readonly shardsTotal: number;
  readonly shardsDone: number;
  /** Records read so far, earlier runs of a resumed replay included. */
  readonly records: number;
  /** Records per second in this run. */
  readonly recordsPerSecond: number;
  /** Share of the work done, 0 to 1. */
  readonly fraction: number;
  /** Estimated time to finish, ms; absent until there is a rate to go by. */
  readonly etaMs?: number;
  readonly elapsedMs: number;
}

interface ShardState {
  lastArrivalMs?: number;
  done: boolean;
}

/**
 * Tracks a replay's progress. Kinesis gives no record count for a time range,
 * so the share done is measured in time: per shard, how far its last record's
 * arrival time is from `--from` towards `--to` (1 once the shard is done),
 * averaged over the shards. The ETA extrapolates the share gained in this run.
 */
export class ReplayProgress {
  private readonly shards = new Map<string, ShardState>();
  private records = 0;
  private recordsThisRun = 0;
  private readonly startFraction: number;
  private readonly startedMs: number;

  constructor(
    shardIds: readonly string[],
    private readonly fromMs: number,
    private readonly toMs: number,
    resumed: ReadonlyMap<string, { readonly records: number; readonly lastArrivalMs?: number; readonly done: boolean }> = new Map(),
    private readonly now: () => number = Date.now,
  ) {
    for (const shardId of shardIds) {
      const earlier = resumed.get(shardId);
      this.shards.set(shardId, { lastArrivalMs: earlier?.lastArrivalMs, done: earlier?.done ?? false });
      this.records += earlier?.records ?? 0;
    }
    this.startFraction = this.fraction();
    this.startedMs = now();
  }

  /** A page of `records` was applied on `shardId`; the last one arrived at `lastArrivalMs`. */
  page(shardId: string, records: number, lastArrivalMs: number | undefined): void {
    const shard = this.shard(shardId);
    if (lastArrivalMs !== undefined) shard.lastArrivalMs = lastArrivalMs;
    this.records += records;
    this.recordsThisRun += records;
  }

  /** `shardId` was read to its stopping point. */
  shardDone(shardId: string): void {
    this.shard(shardId).done = true;
  }

  snapshot(): ProgressSnapshot {
    const elapsedMs = Math.max(1, this.now() - this.startedMs);
    const fraction = this.fraction();
    const gained = fraction - this.startFraction;
    const shards = [...this.shards.values()];
    return {
      shardsTotal: shards.length,
      shardsDone: shards.filter((shard) => shard.done).length,
      records: this.records,
      recordsPerSecond: (this.recordsThisRun * 1000) / elapsedMs,
      fraction,
      ...(gained > 0 && fraction < 1 ? { etaMs: ((1 - fraction) * elapsedMs) / gained } : fraction >= 1 ? { etaMs: 0 } : {}),
      elapsedMs,
    };
  }

  private fraction(): number {
    if (this.shards.size === 0) return 1;
    const spanMs = Math.max(1, this.toMs - this.fromMs);
    let total = 0;
    for (const shard of this.shards.values()) {
      if (shard.done) total += 1;
      else if (shard.lastArrivalMs !== undefined) total += Math.min(1, Math.max(0, (shard.lastArrivalMs - this.fromMs) / spanMs));
    }
    return total / this.shards.size;
  }

  private shard(shardId: string): ShardState {
    let shard = this.shards.get(shardId);
    if (!shard) {
      shard = { done: false };
      this.shards.set(shardId, shard);
    }
    return shard;
  }
}
