import type { KinesisStreamEvent } from 'aws-lambda';
import type { AggregatorConfig } from '../../lambdas/aggregator/config';
import { processBatch } from '../../lambdas/aggregator/processBatch';
import { streamRecordsFromEvent } from '../../lambdas/aggregator/streamRecordsFromEvent';
import { memoryPorts } from '../memory/memoryPorts';
import type { Contender, ContenderRun } from './Contender';

/**
 * streamtally's real path from the Lambda event (streamRecordsFromEvent +
 * processBatch) over in-memory ports: the CPU cost of the core and its
 * orchestration, with no I/O.
 */
export function streamtallyCoreContender(config: AggregatorConfig, nowMs: number): Contender {
  const now = () => nowMs;
  return {
    id: 'core',
    label: `b. streamtally core (dedup ${config.dedupProducerIds ? 'on' : 'off'}, ${config.granularities.map((g) => g.label).join('/')})`,
    async run(batches: readonly KinesisStreamEvent[]): Promise<ContenderRun> {
      const memory = memoryPorts(config.dedupProducerIds);
      let records = 0;
      let counted = 0;
      let duplicates = 0;
      let rejected = 0;
      for (const batch of batches) {
        const outcome = await processBatch(streamRecordsFromEvent(batch), memory.ports, config, now);
        if (outcome.failedFrom.size > 0) throw new Error(`in-memory batch failed: ${String(outcome.errors[0])}`);
        const { stats } = outcome;
        records += stats.records;
        counted += stats.aggregated;
        duplicates += stats.duplicates;
        rejected += stats.quarantined.invalid + stats.quarantined.late + stats.quarantined.future;
      }
      const calls = memory.calls();
      const storeWrites = (calls.aggregates.apply ?? 0) + (calls.claims.claim ?? 0) + (calls.checkpoints.advance ?? 0) + (calls.quarantine.put ?? 0);
      return { records, counted, duplicates, rejected, storeWrites };
    },
  };
}
