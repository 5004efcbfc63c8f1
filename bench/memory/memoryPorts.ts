import type { BatchPorts } from '../../lambdas/aggregator/processBatch';
import type { CallCounts } from './CallCounts';
import { MemoryAggregateStore } from './MemoryAggregateStore';
import { MemoryCheckpointStore } from './MemoryCheckpointStore';
import { MemoryClaimStore } from './MemoryClaimStore';
import { MemoryQuarantineSink } from './MemoryQuarantineSink';

/** processBatch's ports, all in memory, and the calls made on each. */
export interface MemoryPorts {
  readonly ports: BatchPorts;
  calls(): Record<'aggregates' | 'checkpoints' | 'quarantine' | 'claims', CallCounts>;
}

/** Fresh in-memory ports; `dedup` decides whether there is a ClaimStore. */
export function memoryPorts(dedup: boolean): MemoryPorts {
  const aggregates = new MemoryAggregateStore();
  const checkpoints = new MemoryCheckpointStore();
  const quarantine = new MemoryQuarantineSink();
  const claims = dedup ? new MemoryClaimStore() : undefined;
  return {
    ports: { aggregates, checkpoints, quarantine, claims },
    calls: () => ({
      aggregates: aggregates.calls,
      checkpoints: checkpoints.calls,
      quarantine: quarantine.calls,
      claims: claims?.calls ?? {},
    }),
  };
}
