import type { KinesisStreamEvent } from 'aws-lambda';
import type { AggregatorConfig } from '../../lambdas/aggregator/config';
import { processBatch } from '../../lambdas/aggregator/processBatch';
import { streamRecordsFromEvent } from '../../lambdas/aggregator/streamRecordsFromEvent';
import type { MemoryPorts } from '../memory/memoryPorts';
import { betweenInvocations } from './betweenInvocations';
import type { Contender, ContenderRun } from './Contender';

/** Which streamtally run this is, and the ports it writes to. */
export interface StreamtallyCoreOptions {
  readonly id: string;
  readonly label: string;
  readonly config: AggregatorConfig;
  /** The consumer's clock, fixed so that every pass judges records alike. */
  readonly nowMs: number;
  /** Fresh ports for each pass. */
  readonly ports: () => MemoryPorts;
  readonly diagnostic?: boolean;
}

/**
 * streamtally's real path from the Lambda event (streamRecordsFromEvent +
 * processBatch) over ports with no I/O: the CPU cost of the core and its
 * orchestration.
 */
export function streamtallyCoreContender(options: StreamtallyCoreOptions): Contender {
  const { config } = options;
  const now = () => options.nowMs;
  return {
    id: options.id,
    label: options.label,
    diagnostic: options.diagnostic ?? false,
    async run(batches: readonly KinesisStreamEvent[]): Promise<ContenderRun> {
      const memory = options.ports();
      let records = 0;
      let counted = 0;
      let duplicates = 0;
      let rejected = 0;
      for (const batch of batches) {
        await betweenInvocations();
        const outcome = await processBatch(streamRecordsFromEvent(batch), memory.ports, config, now);
        if (outcome.failedFrom.size > 0) throw new Error(`in-memory batch failed: ${String(outcome.errors[0])}`);
        const { stats } = outcome;
        records += stats.records;
        counted += stats.aggregated;
        duplicates += stats.duplicates;
        rejected += stats.quarantined.invalid + stats.quarantined.late + stats.quarantined.future;
      }
      const calls = memory.calls();
      const storeWrites =
        (calls.aggregates.apply ?? 0) + (calls.claims.claim ?? 0) + (calls.checkpoints.advance ?? 0) + (calls.quarantine.put ?? 0);
      return { records, counted, duplicates, rejected, storeWrites };
    },
  };
}
