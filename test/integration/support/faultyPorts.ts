import { DeleteItemCommand, PutItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
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
/**
 * Where a store's own DynamoDB requests pass, so that a fault reaches each
 * write inside one port call: a cell page store writes a page and then the
 * window's per-key items within one `applyMany`.
 */
export interface RequestGate {
  current: { write<T>(perform: () => Promise<T>): Promise<T>; read<T>(perform: () => Promise<T>): Promise<T> };
}

const OPEN = { write: <T>(perform: () => Promise<T>) => perform(), read: <T>(perform: () => Promise<T>) => perform() };

/** A gate that lets everything through until {@link withWriteFault} sets it. */
export function openGate(): RequestGate {
  return { current: OPEN };
}

/** Lets the gate's writes through again after a faulty invocation. */
export function reopen(gate: RequestGate): void {
  gate.current = OPEN;
}

/** The client with every request through `gate`: PutItem, UpdateItem and DeleteItem as writes, the rest as reads. */
export function gatedDynamo(client: DynamoDBClient, gate: RequestGate): DynamoDBClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return (command: Parameters<DynamoDBClient['send']>[0]) => {
        const isWrite = command instanceof PutItemCommand || command instanceof UpdateItemCommand || command instanceof DeleteItemCommand;
        const perform = () => target.send(command as never);
        return isWrite ? gate.current.write(perform) : gate.current.read(perform);
      };
    },
  });
}

export function withWriteFault(ports: BatchPorts, fault: WriteFault, gate?: RequestGate): { ports: BatchPorts; crashed: () => boolean } {
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
  if (gate) gate.current = { write, read: guardRead };
  return {
    crashed: () => dead,
    ports: {
      // A store whose requests pass the gate counts each of its writes there.
      aggregates: gate ? aggregates : { apply: (delta) => write(() => aggregates.apply(delta)) },
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
