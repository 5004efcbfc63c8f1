import { describe, expect, it } from 'vitest';
import type { AggregatorConfig } from '../../../lambdas/aggregator/config';
import type { ItemDelta, StreamRecord } from '../../../core';
import { subSequencePaddedSequence } from '../../../lambdas/aggregator/kpl/deaggregateRecord';
import { processBatch, type BatchPorts } from '../../../lambdas/aggregator/processBatch';
import { ClaimOutcome, type Checkpoint, type QuarantinedRecord } from '../../../lambdas/aggregator/store/ports';
import { kplAggregate } from '../../support/kplAggregate';
import { MINUTE, eventBytes, padded } from '../core/factories';

const SHARD = 'shardId-000000000001';
const T = Date.parse('2026-11-26T12:34:56.789Z');
const config: AggregatorConfig = {
  granularities: [MINUTE],
  allowedLatenessMs: 3_600_000,
  maxClockSkewMs: 300_000,
  consumerName: 'test',
  dedupProducerIds: true,
  dedupRetentionMs: 7 * 86_400_000,
  parallelizationFactor: 1,
  maxRecordBytes: 1_048_576,
  writeConcurrency: 1,
};

const record = (sequence: number, data: Uint8Array, partitionKey = '/a'): StreamRecord => ({
  shardId: SHARD,
  sequenceNumber: String(sequence),
  partitionKey,
  arrivalMs: T,
  data,
});
const event = (id: string, key = '/a') => eventBytes({ id, key, ts: new Date(T).toISOString() });

/** A plain record, an aggregate of three user records (the middle one not JSON), a plain record. */
const batch = [
  record(1, event('a')),
  record(
    2,
    kplAggregate([
      { partitionKey: '/a', data: event('b0') },
      { partitionKey: 'bad', data: 'not json' },
      { partitionKey: '/b', data: event('b2', '/b') },
    ]),
  ),
  record(3, event('c')),
];

function ports(options: { checkpoint?: Checkpoint; failApplyOf?: string } = {}) {
  const applied: ItemDelta[] = [];
  const claims: [string, string][] = [];
  const quarantined: QuarantinedRecord[] = [];
  const advanced: Checkpoint[] = [];
  const batchPorts: BatchPorts = {
    aggregates: {
      apply: async (delta) => {
        if (delta.contributions.some((c) => c.paddedSequence === options.failApplyOf)) throw new Error('write failed');
        applied.push(delta);
      },
    },
    checkpoints: { read: async () => options.checkpoint, advance: async (checkpoint) => void advanced.push(checkpoint) },
    quarantine: { put: async (record) => void quarantined.push(record) },
    claims: { claim: async (id, owner) => (claims.push([id, owner]), ClaimOutcome.owned), ownerOf: async () => undefined },
  };
  return { batchPorts, applied, claims, quarantined, advanced };
}

describe('KPL-aggregated records in processBatch', () => {
  it('counts each user record under its own (sequence, sub-sequence) identity and quarantines a bad one alone', async () => {
    const { batchPorts, applied, claims, quarantined, advanced } = ports();
    const outcome = await processBatch(batch, batchPorts, config, () => T);
    expect(outcome.failedFrom.size).toBe(0);
    expect(outcome.stats).toMatchObject({ records: 5, aggregated: 4, quarantined: { invalid: 1 } });
    expect(claims).toEqual([
      ['a', `${SHARD}:${padded(1)}`],
      ['b0', `${SHARD}:${subSequencePaddedSequence(padded(2), 0)}`],
      ['b2', `${SHARD}:${subSequencePaddedSequence(padded(2), 2)}`],
      ['c', `${SHARD}:${padded(3)}`],
    ]);
    expect(applied.flatMap((delta) => delta.contributions.map((c) => c.paddedSequence)).sort()).toEqual(
      [padded(1), subSequencePaddedSequence(padded(2), 0), subSequencePaddedSequence(padded(2), 2), padded(3)].sort(),
    );
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0]).toMatchObject({ sequenceNumber: '2', subSequenceNumber: 1, partitionKey: 'bad', reason: 'invalid' });
    expect(Buffer.from(quarantined[0]!.data).toString()).toBe('not json');
    expect(advanced.map((checkpoint) => checkpoint.paddedSequence)).toEqual([padded(3)]);
  });

  it('quarantines an aggregate with a bad digest whole, under its own sequence number', async () => {
    const corrupt = Buffer.from(batch[1]!.data);
    corrupt[corrupt.length - 1]! ^= 1;
    const { batchPorts, quarantined, advanced } = ports();
    await processBatch([record(2, corrupt)], batchPorts, config, () => T);
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0]).toMatchObject({
      sequenceNumber: '2',
      reason: 'invalid',
      message: 'KPL aggregated record: MD5 digest does not match its protobuf bytes',
    });
    expect(quarantined[0]!.subSequenceNumber).toBeUndefined();
    expect(Buffer.from(quarantined[0]!.data).equals(corrupt)).toBe(true);
    expect(advanced.map((checkpoint) => checkpoint.paddedSequence)).toEqual([padded(2)]);
  });

  it('fails from the whole Kinesis record when one of its user records fails, and checkpoints only before it', async () => {
    const { batchPorts, advanced } = ports({ failApplyOf: subSequencePaddedSequence(padded(2), 2) });
    const outcome = await processBatch(batch, batchPorts, config, () => T);
    expect(outcome.failedFrom.get(SHARD)).toBe('2');
    expect(outcome.stats.records).toBe(1);
    expect(advanced.map((checkpoint) => checkpoint.paddedSequence)).toEqual([padded(1)]);
  });

  it('skips every user record of an aggregate at or before the checkpoint on re-delivery', async () => {
    const checkpoint: Checkpoint = { shardId: SHARD, paddedSequence: padded(2), arrivalMs: T, watermarkMs: T, updatedMs: T };
    const { batchPorts, claims, quarantined } = ports({ checkpoint });
    const outcome = await processBatch(batch.slice(1), batchPorts, config, () => T);
    expect(outcome.stats.records).toBe(1);
    expect(claims.map(([id]) => id)).toEqual(['c']);
    expect(quarantined).toHaveLength(0);
  });

  it("with a parallelization factor above 1, judges a user record by the Kinesis record's partition key (its lane)", async () => {
    const { batchPorts, quarantined } = ports();
    const mixed = record(5, kplAggregate([{ partitionKey: '/b', data: event('x', '/b') }]), '/a');
    await processBatch([mixed], batchPorts, { ...config, parallelizationFactor: 2 }, () => T);
    expect(quarantined[0]).toMatchObject({ subSequenceNumber: 0, reason: 'invalid' });
    expect(quarantined[0]!.message).toContain('partition key differs');
  });
});
