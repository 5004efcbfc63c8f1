import type { BatchPorts } from '../../lambdas/aggregator/processBatch';
import { ClaimOutcome } from '../../lambdas/aggregator/store/ports';
import type { CallCounts } from './CallCounts';
import { countCall } from './CallCounts';
import type { MemoryPorts } from './memoryPorts';

/**
 * Ports that keep nothing: every claim is owned, every write succeeds at
 * once. For a diagnostic only: processBatch over these shows what the core
 * and orchestration cost without even a Map behind them (cross-batch
 * producer retries are not dropped).
 */
export function noopPorts(): MemoryPorts {
  const aggregates: CallCounts = {};
  const checkpoints: CallCounts = {};
  const quarantine: CallCounts = {};
  const claims: CallCounts = {};
  const ports: BatchPorts = {
    aggregates: { apply: async () => countCall(aggregates, 'apply') },
    checkpoints: { read: async () => (countCall(checkpoints, 'read'), undefined), advance: async () => countCall(checkpoints, 'advance') },
    quarantine: { put: async () => countCall(quarantine, 'put') },
    claims: {
      claim: async () => (countCall(claims, 'claim'), ClaimOutcome.owned),
      ownerOf: async () => (countCall(claims, 'ownerOf'), undefined),
    },
  };
  return { ports, calls: () => ({ aggregates, checkpoints, quarantine, claims }) };
}
