import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { laneOf } from '../../../src/local/esm/laneOf';
import { EsmHarness } from './support/esmHarness';
import { RECORDING_PRELUDE, type SeenInvocation } from './support/functionAssets';
import { startTestKinesis, type TestKinesis } from '../../support/startTestKinesis';
import { createStream, listShards, putRecords, splitShard, uniqueStreamName } from './support/streams';
import { waitFor } from './support/waitFor';

let kinesisLocal: TestKinesis;
let kinesis: KinesisClient;
let root: string;
let harness: EsmHarness;

beforeAll(async () => {
  kinesisLocal = await startTestKinesis();
  kinesis = kinesisLocal.kinesis;
  root = mkdtempSync(join(tmpdir(), 'streamtally-esm-scaling-'));
});

afterEach(async () => {
  await harness?.closeAll();
});

afterAll(async () => {
  kinesis?.destroy();
  await kinesisLocal?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

function newHarness(): EsmHarness {
  harness = new EsmHarness(root, kinesis);
  return harness;
}

/** A handler that takes `DELAY_MS` per batch and notes when it ran. */
const SLOW_HANDLER = `${RECORDING_PRELUDE}
exports.handler = async (event) => {
  const startedAt = Date.now();
  await sleep(Number(process.env.DELAY_MS));
  note(event, { startedAt, endedAt: Date.now() });
};`;

function overlapping(invocations: readonly SeenInvocation[]): boolean {
  return invocations.some((a, i) =>
    invocations.some((b, j) => i !== j && (a.startedAt ?? 0) < (b.endedAt ?? 0) && (b.startedAt ?? 0) < (a.endedAt ?? 0)),
  );
}

/** Data per partition key, in the order the function received it. */
function perKey(invocations: readonly SeenInvocation[]): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  const byStart = [...invocations].sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0));
  for (const record of byStart.flatMap((invocation) => invocation.records)) {
    keys.set(record.partitionKey, [...(keys.get(record.partitionKey) ?? []), record.data]);
  }
  return keys;
}

describe('local Kinesis event source mapping: scaling', () => {
  it('with parallelization factor 2 runs two batches of a shard at once and keeps order per partition key', async () => {
    // Prepare: 8 keys, 6 records each, interleaved
    const streamName = uniqueStreamName('parallel');
    await createStream(kinesis, streamName);
    const keys = Array.from({ length: 8 }, (_, i) => `key-${i}`);
    expect(new Set(keys.map((key) => laneOf(key, 2))).size).toBe(2);
    const data = Array.from({ length: 6 }, (_, n) => keys.map((key) => ({ data: `${key}#${n}`, partitionKey: key }))).flat();
    await putRecords(kinesis, streamName, data);

    // Act
    const running = await newHarness().start(
      SLOW_HANDLER,
      { streamName, batchSize: 4, parallelizationFactor: 2 },
      { environment: { DELAY_MS: '150' } },
    );
    await waitFor(() => running.invocations().flatMap((invocation) => invocation.records).length === data.length, 'every record delivered');

    // Assess
    const invocations = running.invocations();
    for (const [key, values] of perKey(invocations)) {
      expect(values).toEqual(Array.from({ length: 6 }, (_, n) => `${key}#${n}`));
    }
    expect(overlapping(invocations)).toBe(true);
    expect(new Set(invocations.map((invocation) => invocation.threadId)).size).toBe(2);
    // A batch holds the keys of one lane only.
    for (const invocation of invocations) expect(new Set(invocation.records.map((record) => laneOf(record.partitionKey, 2))).size).toBe(1);
  });

  it('with parallelization factor 2 a failing batch holds back only the keys of its lane', async () => {
    // Prepare: a poison record in lane 0, retried forever
    const streamName = uniqueStreamName('blocked');
    await createStream(kinesis, streamName);
    const keys = Array.from({ length: 8 }, (_, i) => `key-${i}`);
    const poisonKey = keys.find((key) => laneOf(key, 2) === 0) ?? '';
    const data = [
      { data: 'poison', partitionKey: poisonKey },
      ...Array.from({ length: 3 }, (_, n) => keys.map((key) => ({ data: `${key}#${n}`, partitionKey: key }))).flat(),
    ];
    await putRecords(kinesis, streamName, data);
    const handler = `${RECORDING_PRELUDE}
exports.handler = async (event) => {
  const failed = event.Records.some((record) => decode(record) === 'poison');
  note(event, { failed });
  if (failed) throw new Error('poison');
};`;

    // Act
    const running = await newHarness().start(handler, { streamName, batchSize: 100, parallelizationFactor: 2 });
    const delivered = () =>
      running
        .invocations()
        .filter((invocation) => !invocation.failed)
        .flatMap((invocation) => invocation.records);
    const otherLane = data.filter((record) => laneOf(record.partitionKey, 2) === 1);
    await waitFor(() => delivered().length >= otherLane.length, "the other lane's records");
    await waitFor(() => running.invocations().filter((invocation) => invocation.failed).length >= 3, 'the poison batch retried');

    // Assess
    expect(delivered().map((record) => record.data)).toEqual(otherLane.map((record) => record.data));
    expect(running.mapping.state().shards[0]?.checkpoint).toBeUndefined();
  });

  it('after a reshard processes the parent shard fully before its children', async () => {
    // Prepare: a slow function with a backlog on the parent when the shard splits
    const streamName = uniqueStreamName('reshard');
    await createStream(kinesis, streamName);
    const running = await newHarness().start(SLOW_HANDLER, { streamName, batchSize: 2 }, { environment: { DELAY_MS: '200' } });
    await putRecords(
      kinesis,
      streamName,
      Array.from({ length: 10 }, (_, i) => ({ data: `before${i}`, partitionKey: `key-${i}` })),
    );

    // Act
    await splitShard(kinesis, streamName, 'shardId-000000000000');
    await putRecords(
      kinesis,
      streamName,
      Array.from({ length: 10 }, (_, i) => ({ data: `after${i}`, partitionKey: `key-${i}` })),
    );
    const waitingChildren = () => running.mapping.state().shards.filter((shard) => shard.phase === 'waiting-for-parents');
    await waitFor(() => waitingChildren().length === 2, 'the children found while the parent is still busy');
    expect(waitingChildren().map((shard) => shard.parentShardIds)).toEqual([['shardId-000000000000'], ['shardId-000000000000']]);
    await waitFor(() => running.invocations().flatMap((invocation) => invocation.records).length === 20, 'all 20 records delivered');

    // Assess
    const shards = await listShards(kinesis, streamName);
    const children = shards.filter((shard) => shard.ParentShardId === 'shardId-000000000000').map((shard) => shard.ShardId);
    expect(children).toHaveLength(2);
    const invocations = running.invocations();
    const onParent = invocations.filter((invocation) => invocation.records[0]?.shardId === 'shardId-000000000000');
    const onChildren = invocations.filter((invocation) => children.includes(invocation.records[0]?.shardId));
    expect(onParent.flatMap((invocation) => invocation.records.map((record) => record.data))).toEqual(
      Array.from({ length: 10 }, (_, i) => `before${i}`),
    );
    expect(onChildren.flatMap((invocation) => invocation.records.map((record) => record.data)).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `after${i}`).sort(),
    );
    const parentDone = Math.max(...onParent.map((invocation) => invocation.endedAt ?? 0));
    const childrenStart = Math.min(...onChildren.map((invocation) => invocation.startedAt ?? 0));
    expect(parentDone).toBeLessThanOrEqual(childrenStart);
    await waitFor(
      () => running.mapping.state().shards.find((shard) => shard.shardId === 'shardId-000000000000')?.finished === true,
      'the parent finished',
    );
    expect(running.mapping.state().shards.find((shard) => shard.shardId === 'shardId-000000000000')).toMatchObject({
      phase: 'finished',
      closed: true,
    });
  });
});
