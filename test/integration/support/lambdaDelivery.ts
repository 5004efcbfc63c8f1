import type { StreamRecord } from '../../../core';

/** What one invocation came to, as the event source mapping sees it. */
export type InvocationResult = { readonly kind: 'ok'; readonly failedFrom?: string } | { readonly kind: 'error' };

/**
 * Delivers a lane of records (one shard, or one partition-key lane of a shard
 * when the parallelization factor is above 1) the way Lambda's Kinesis event
 * source mapping does: batches in order; a reported item failure re-delivers
 * from that record; a function error retries the batch, or with bisect on
 * splits it and delivers each half in turn. Faults come from `invoke`; the
 * loop ends when they run out.
 */
export async function deliverLane(
  lane: readonly StreamRecord[],
  options: { readonly batchSize: number; readonly bisect: boolean },
  invoke: (batch: readonly StreamRecord[]) => Promise<InvocationResult>,
): Promise<void> {
  for (let position = 0; position < lane.length; position += options.batchSize) {
    await deliverFully(lane.slice(position, position + options.batchSize), options.bisect, invoke);
  }
}

const MAX_INVOCATIONS_PER_BATCH = 500;

async function deliverFully(
  batch: readonly StreamRecord[],
  bisect: boolean,
  invoke: (batch: readonly StreamRecord[]) => Promise<InvocationResult>,
): Promise<void> {
  let remaining = batch;
  for (let invocation = 0; remaining.length > 0; invocation++) {
    if (invocation > MAX_INVOCATIONS_PER_BATCH) throw new Error('delivery did not converge');
    const result = await invoke(remaining);
    if (result.kind === 'ok') {
      if (result.failedFrom === undefined) return;
      const index = remaining.findIndex((record) => record.sequenceNumber === result.failedFrom);
      if (index < 0) throw new Error(`reported failure ${result.failedFrom} is not in the batch`);
      remaining = remaining.slice(index);
    } else if (bisect && remaining.length > 1) {
      const middle = Math.ceil(remaining.length / 2);
      await deliverFully(remaining.slice(0, middle), bisect, invoke);
      await deliverFully(remaining.slice(middle), bisect, invoke);
      return;
    }
  }
}
