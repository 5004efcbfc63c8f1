import type { KinesisStreamEvent } from 'aws-lambda';
import type { AggregatorConfig } from '../../lambdas/aggregator/config';
import { streamtallyCoreContender } from '../contenders/streamtallyCore';
import { measureCpu, type CpuResult } from '../measureCpu';
import { memoryPorts } from '../memory/memoryPorts';
import { replayContender } from './replayContender';

/** The replay must run at least this fraction of the consumer core's rate on the same events. */
export const REPLAY_TARGET = 0.8;
/** `streamtally replay`'s default page (`--batch-size`): GetRecords' maximum. */
export const REPLAY_PAGE_SIZE = 10_000;

/** Options of {@link measureReplay}. */
export interface MeasureReplayOptions {
  /** The workload as the consumer gets it: one Lambda event per batch (bench/workload.ts). */
  readonly batches: readonly KinesisStreamEvent[];
  /** The consumer's configuration (dedup on, as deployed). */
  readonly config: AggregatorConfig;
  /** The consumer core's clock. */
  readonly nowMs: number;
  /** @default 5 */
  readonly rounds?: number;
  /** @default 1 */
  readonly warmupRounds?: number;
  /** @default 20 */
  readonly warmupBatches?: number;
  /** Records per replay page. @default REPLAY_PAGE_SIZE */
  readonly pageSize?: number;
  readonly onProgress?: (message: string) => void;
}

/** Replay throughput against the consumer core on the same events. */
export interface ReplayBenchResult {
  readonly records: number;
  readonly pageSize: number;
  /** Records per consumer invocation in the workload. */
  readonly consumerBatchSize: number;
  readonly core: CpuResult;
  readonly replay: CpuResult;
  /** The replay with pages as small as the consumer's batches: what the page size is worth. */
  readonly replayAtConsumerBatchSize: CpuResult;
  /** replay / core, median events per second. */
  readonly ratio: { readonly value: number; readonly target: string; readonly met: boolean };
  readonly ratioAtConsumerBatchSize: number;
}

/**
 * Measures `streamtally replay`'s path (replayContender) against the consumer
 * core alone (streamRecordsFromEvent + processBatch, the bench's "core"
 * contender) on the same events, both over in-memory ports, interleaved
 * round by round with bench/measureCpu.ts, and reports medians and their
 * ratio. Both must do the same work (events counted, duplicates, records
 * rejected), or this throws: a faster replay that counts differently would
 * be no result.
 */
export async function measureReplay(options: MeasureReplayOptions): Promise<ReplayBenchResult> {
  const pageSize = options.pageSize ?? REPLAY_PAGE_SIZE;
  const consumerBatchSize = options.batches[0]?.Records.length ?? 0;
  const contenders = [
    streamtallyCoreContender({
      id: 'core',
      label: 'consumer core: streamRecordsFromEvent + processBatch per Lambda batch',
      config: options.config,
      nowMs: options.nowMs,
      ports: () => memoryPorts(options.config.dedupProducerIds),
    }),
    replayContender({
      id: 'replay',
      label: `replay: GetRecords pages of ${pageSize} through replayShard`,
      config: options.config,
      pageSize,
    }),
    replayContender({
      id: 'replaySmallPages',
      label: `replay, pages of ${consumerBatchSize} (the consumer's batch size)`,
      config: options.config,
      pageSize: Math.max(1, consumerBatchSize),
      diagnostic: true,
    }),
  ];
  const results = await measureCpu(contenders, options.batches, {
    rounds: options.rounds ?? 5,
    warmupRounds: options.warmupRounds ?? 1,
    warmupBatches: options.warmupBatches ?? 20,
    onProgress: options.onProgress,
  });
  const [core, replay, small] = results as [CpuResult, CpuResult, CpuResult];
  for (const other of [replay, small]) {
    const same =
      other.work.counted === core.work.counted &&
      other.work.duplicates === core.work.duplicates &&
      other.work.rejected === core.work.rejected;
    if (!same) throw new Error(`${other.id} did other work than the core: ${JSON.stringify(other.work)} vs ${JSON.stringify(core.work)}`);
  }
  const value = replay.medianEventsPerSecond / core.medianEventsPerSecond;
  return {
    records: core.records,
    pageSize,
    consumerBatchSize,
    core,
    replay,
    replayAtConsumerBatchSize: small,
    ratio: { value, target: `>= ${REPLAY_TARGET}`, met: value >= REPLAY_TARGET },
    ratioAtConsumerBatchSize: small.medianEventsPerSecond / core.medianEventsPerSecond,
  };
}

/** Lines for the bench's text report. */
export function formatReplayResult(result: ReplayBenchResult): string[] {
  const rate = (value: number) => `${Math.round(value).toLocaleString('en-US')} events/s`;
  return [
    `Replay throughput (${result.records.toLocaleString('en-US')} records, in-memory ports, median of rounds)`,
    `  consumer core (batches of ${result.consumerBatchSize}):   ${rate(result.core.medianEventsPerSecond)}`,
    `  replay (pages of ${result.pageSize}):          ${rate(result.replay.medianEventsPerSecond)}`,
    `  replay / core: ${result.ratio.value.toFixed(2)} (target ${result.ratio.target}: ${result.ratio.met ? 'met' : 'NOT met'})`,
    `  diagnostic: replay with pages of ${result.consumerBatchSize}: ${rate(result.replayAtConsumerBatchSize.medianEventsPerSecond)} (${result.ratioAtConsumerBatchSize.toFixed(2)} of core)`,
  ];
}
