import type { BatchPorts } from '../../../lambdas/aggregator/processBatch';

/** The consumer process died: nothing after this point of the invocation happens. */
export class SimulatedCrash extends Error {
  constructor() {
    super('simulated crash');
    this.name = 'SimulatedCrash';
  }
}

/** A throttled or failed write, as DynamoDB or S3 would return after the SDK gave up. */
export class SimulatedWriteFailure extends Error {
  constructor() {
    super('simulated throttling');
    this.name = 'ProvisionedThroughputExceededException';
  }
}

/** A fault to inject into one invocation. */
export type WriteFault =
  | { readonly kind: 'crash'; readonly atWrite: number; readonly appliedBeforeCrash: boolean }
  | { readonly kind: 'fail'; readonly atWrite: number };

/**
 * Wraps the ports so that the n-th write of an invocation crashes the process
 * (optionally after the write reached the store, like a response lost on the
 * wire) or fails alone. Every write counts: claims, aggregate updates,
 * seen-id records, leaderboard offers, quarantine puts, checkpoint
 * advances, dimension admissions and distinct-count sketch merges.
 */
export function withWriteFault(ports: BatchPorts, fault: WriteFault): { ports: BatchPorts; crashed: () => boolean } {
  let writes = 0;
  let dead = false;
  const guardRead = async <T>(read: () => Promise<T>): Promise<T> => {
    if (dead) throw new SimulatedCrash();
    return read();
  };
  const write = async <T>(perform: () => Promise<T>): Promise<T> => {
    if (dead) throw new SimulatedCrash();
    const index = writes++;
    if (index !== fault.atWrite) return perform();
    if (fault.kind === 'fail') throw new SimulatedWriteFailure();
    if (fault.appliedBeforeCrash) await perform();
    dead = true;
    throw new SimulatedCrash();
  };
  const { aggregates, checkpoints, quarantine, claims, seenIds, topKeys, dimensions, distinct } = ports;
  return {
    crashed: () => dead,
    ports: {
      aggregates: {
        apply: (delta) => write(() => aggregates.apply(delta)),
      },
      checkpoints: {
        read: (shardId) => guardRead(() => checkpoints.read(shardId)),
        advance: (checkpoint) => write(() => checkpoints.advance(checkpoint)),
      },
      quarantine: { put: (record) => write(() => quarantine.put(record)) },
      claims: claims && {
        claim: (id, owner, expiresAtSec) => write(() => claims.claim(id, owner, expiresAtSec)),
        ownerOf: (id) => guardRead(() => claims.ownerOf(id)),
      },
      seenIds: seenIds && {
        seen: (shardId, checkpoint, probes) => guardRead(() => seenIds.seen(shardId, checkpoint, probes)),
        record: (shardId, range, ids, expiresAtSec) => write(() => seenIds.record(shardId, range, ids, expiresAtSec)),
      },
      topKeys: topKeys && { offer: (offer) => write(() => topKeys.offer(offer)) },
      dimensions: dimensions && { admit: (admission) => write(() => dimensions.admit(admission)) },
      distinct: distinct && {
        merge: (address, field, precision, updates) => write(() => distinct.merge(address, field, precision, updates)),
      },
    },
  };
}
