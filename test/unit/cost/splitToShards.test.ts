import type { KinesisStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { shardOfPartitionKey, splitToShards } from '../../../bench/cost/splitToShards';

const record = (partitionKey: string, sequence: number) =>
  ({
    kinesis: { partitionKey, sequenceNumber: String(sequence), data: '', kinesisSchemaVersion: '1.0', approximateArrivalTimestamp: 0 },
    eventID: `shardId-000000000000:${sequence}`,
  }) as unknown as KinesisStreamEvent['Records'][number];

describe('shardOfPartitionKey', () => {
  it('reads the MD5 of the key as a 128-bit number into equal ranges', () => {
    // MD5("a") = 0cc175b9...: in the first quarter; MD5("b") = 92eb5ffe...: in the third.
    expect(shardOfPartitionKey('a', 4)).toBe(0);
    expect(shardOfPartitionKey('b', 4)).toBe(2);
    expect(shardOfPartitionKey('b', 1)).toBe(0);
  });
});

describe('splitToShards', () => {
  it('keeps each key on one shard, in order, batched per shard', () => {
    const keys = Array.from({ length: 200 }, (_, i) => `k${i % 37}`);
    const events = splitToShards([{ Records: keys.map((key, i) => record(key, i)) }], 4, 10);
    const shardOf = new Map<string, string>();
    const lastSequence = new Map<string, number>();
    for (const event of events) {
      expect(event.Records.length).toBeLessThanOrEqual(10);
      const shards = new Set(event.Records.map((r) => r.eventID.split(':')[0]));
      expect(shards.size).toBe(1);
      for (const r of event.Records) {
        const shard = r.eventID.split(':')[0]!;
        expect(shardOf.get(r.kinesis.partitionKey) ?? shard).toBe(shard);
        shardOf.set(r.kinesis.partitionKey, shard);
        expect(Number(r.kinesis.sequenceNumber)).toBeGreaterThan(lastSequence.get(shard) ?? -1);
        lastSequence.set(shard, Number(r.kinesis.sequenceNumber));
      }
    }
    expect(events.reduce((sum, event) => sum + event.Records.length, 0)).toBe(200);
    expect(new Set(shardOf.values()).size).toBe(4);
  });
});
