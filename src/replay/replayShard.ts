import type { AggregatorConfig } from '../../lambdas/aggregator/config';
import type { StreamRecord } from '../../core';
import { processBatch, type BatchPorts, type BatchStats } from '../../lambdas/aggregator/processBatch';
import { emptyCounts, type ShardCounts, type StopReason } from './ReplayManifest';
import type { ShardPage } from './readShardPages';
import { ReplayWriteError } from './errors';

/** Options of {@link replayShard}. */
export interface ReplayShardOptions {
  readonly shardId: string;
  /** The shadow namespace (replayPorts). */
  readonly ports: BatchPorts;
  /** The consumer's configuration, with a parallelization factor of 1 (replayAggregatorConfig). */
  readonly config: AggregatorConfig;
  /** Counts carried over from an interrupted run of the same replay. */
  readonly counts?: ShardCounts;
  /** Checked between pages: the page in hand is finished, then the shard stops. */
  readonly signal?: AbortSignal;
  /** Called after each page is applied, with the shard's counts so far. */
  readonly onPage?: (page: AppliedPage) => Promise<void> | void;
  /** Attempts per page before a write failure ends the replay. @default 8 */
  readonly maxAttempts?: number;
  /** First retry delay, doubled each time. @default 100 */
  readonly retryDelayMs?: number;
  /** processBatch's clock (it only feeds metrics). @default Date.now */
  readonly now?: () => number;
}

/** A page applied to the shadow. */
export interface AppliedPage {
  readonly shardId: string;
  readonly records: number;
  readonly lastArrivalMs: number | undefined;
  readonly counts: ShardCounts;
}

/** How the replay of one shard ended: `stoppedBy` is absent when it was interrupted. */
export interface ShardReplayOutcome {
  readonly stoppedBy?: StopReason;
  readonly counts: ShardCounts;
}

/**
 * Runs one shard's records through processBatch, page by page in sequence
 * order, exactly as the consumer runs a batch: the same decoding, lateness,
 * dedup and per-item high-water marks, only with the shadow's ports. A page
 * that processBatch reports as failed from some record is retried from that
 * record, as Lambda re-delivers it; processBatch makes the retry exact.
 */
export async function replayShard(pages: AsyncIterable<ShardPage>, options: ReplayShardOptions): Promise<ShardReplayOutcome> {
  const counts = copyCounts(options.counts ?? emptyCounts());
  for await (const page of pages) {
    if (page.records.length > 0) {
      await applyPage(page.records, options, counts);
      await options.onPage?.({
        shardId: options.shardId,
        records: page.records.length,
        lastArrivalMs: page.records[page.records.length - 1]!.arrivalMs,
        counts: copyCounts(counts),
      });
    }
    if (page.stoppedBy !== undefined) return { stoppedBy: page.stoppedBy, counts };
    if (options.signal?.aborted) return { counts };
  }
  return { counts };
}

async function applyPage(records: readonly StreamRecord[], options: ReplayShardOptions, counts: ShardCounts): Promise<void> {
  const maxAttempts = options.maxAttempts ?? 8;
  const now = options.now ?? Date.now;
  let remaining = records;
  for (let attempt = 1; ; attempt++) {
    let failure: unknown;
    try {
      const outcome = await processBatch(remaining, options.ports, options.config, now);
      addStats(counts, outcome.stats);
      const failedFrom = outcome.failedFrom.get(options.shardId);
      if (failedFrom === undefined) return;
      failure = outcome.errors[0];
      // Everything before the failed record is final; re-deliver from it, as Lambda would.
      remaining = remaining.slice(
        Math.max(
          0,
          remaining.findIndex((record) => record.sequenceNumber === failedFrom),
        ),
      );
    } catch (error) {
      // processBatch itself threw (its checkpoint read or write): the page is
      // retried whole, which its checkpoint and high-water marks make safe.
      failure = error;
    }
    if (attempt >= maxAttempts) throw new ReplayWriteError(options.shardId, attempt, { cause: failure });
    await new Promise((resolve) => setTimeout(resolve, (options.retryDelayMs ?? 100) * 2 ** (attempt - 1)));
  }
}

function addStats(counts: ShardCounts, stats: BatchStats): void {
  counts.records += stats.records;
  counts.aggregated += stats.aggregated;
  counts.duplicates += stats.duplicates;
  counts.quarantined.invalid += stats.quarantined.invalid;
  counts.quarantined.late += stats.quarantined.late;
  counts.quarantined.future += stats.quarantined.future;
}

function copyCounts(counts: ShardCounts): ShardCounts {
  return { ...counts, quarantined: { ...counts.quarantined } };
}
