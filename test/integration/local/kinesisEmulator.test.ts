import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
  UpdateShardCountCommand,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig, startKinesisEmulator } from '../../../src/local/emulators';
import { startTestKinesis, type TestKinesis } from '../../support/startTestKinesis';

/*
 * What the local stack needs of its Kinesis emulator beyond kinesalite 3.3.3 as published
 * (patches/kinesalite+3.3.3.patch, docs/local-runtime.md "The Kinesis engine"), and that it
 * keeps every acknowledged record across a SIGKILL.
 */

let fixture: TestKinesis;
beforeAll(async () => {
  fixture = await startTestKinesis();
});
afterAll(async () => {
  await fixture?.close();
});

async function active(StreamName: string) {
  for (let i = 0; i < 100; i++) {
    const summary = (await fixture.kinesis.send(new DescribeStreamSummaryCommand({ StreamName }))).StreamDescriptionSummary!;
    if (summary.StreamStatus === 'ACTIVE') return summary;
    await sleep(20);
  }
  throw new Error(`${StreamName} never ACTIVE`);
}

async function putInto(StreamName: string, count: number, client = fixture.kinesis): Promise<void> {
  const Records = Array.from({ length: count }, (_, i) => ({ Data: Buffer.from(`r${i}`), PartitionKey: `k${i}`, ExplicitHashKey: '0' }));
  const answer = await client.send(new PutRecordsCommand({ StreamName, Records }));
  expect(answer.FailedRecordCount ?? 0).toBe(0);
}

async function firstShardIterator(StreamName: string, type: 'TRIM_HORIZON' | 'AT_TIMESTAMP', Timestamp?: Date, client = fixture.kinesis) {
  return (
    await client.send(new GetShardIteratorCommand({ StreamName, ShardId: 'shardId-000000000000', ShardIteratorType: type, Timestamp }))
  ).ShardIterator;
}

describe('the local Kinesis emulator (patched kinesalite)', () => {
  it('creates an ON_DEMAND stream with 4 shards and reports its mode', async () => {
    await fixture.kinesis.send(new CreateStreamCommand({ StreamName: 'on-demand', StreamModeDetails: { StreamMode: 'ON_DEMAND' } }));
    const summary = await active('on-demand');
    expect({ mode: summary.StreamModeDetails?.StreamMode, shards: summary.OpenShardCount }).toEqual({ mode: 'ON_DEMAND', shards: 4 });
    await fixture.kinesis.send(
      new CreateStreamCommand({ StreamName: 'provisioned', ShardCount: 1, StreamModeDetails: { StreamMode: 'PROVISIONED' } }),
    );
    expect((await active('provisioned')).StreamModeDetails?.StreamMode).toBe('PROVISIONED');
  });

  it('reports on a full page how much later the newest record arrived (MillisBehindLatest), 0 at the tip', async () => {
    await fixture.kinesis.send(new CreateStreamCommand({ StreamName: 'behind', ShardCount: 1 }));
    await active('behind');
    // Three puts a few ms apart: the newest record arrived after the first page's last one.
    for (let put = 0; put < 3; put++) {
      await putInto('behind', 10);
      await sleep(5);
    }
    const full = await fixture.kinesis.send(
      new GetRecordsCommand({ ShardIterator: await firstShardIterator('behind', 'TRIM_HORIZON'), Limit: 10 }),
    );
    expect(full.Records).toHaveLength(10);
    expect(full.MillisBehindLatest).toBeGreaterThan(0);
    const rest = await fixture.kinesis.send(new GetRecordsCommand({ ShardIterator: full.NextShardIterator, Limit: 100 }));
    expect(rest.Records?.map((record) => Buffer.from(record.Data!).toString())).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `r${i}`),
      ...Array.from({ length: 10 }, (_, i) => `r${i}`),
    ]);
    expect(rest.MillisBehindLatest).toBe(0);
  });

  it('answers AT_TIMESTAMP after the last record with an iterator at the next record to arrive', async () => {
    await fixture.kinesis.send(new CreateStreamCommand({ StreamName: 'at-timestamp', ShardCount: 1 }));
    await active('at-timestamp');
    await putInto('at-timestamp', 3);
    await sleep(20);
    const client = new KinesisClient(localClientConfig(fixture.endpoint, { maxAttempts: 1, requestTimeoutMs: 5_000 }));
    try {
      // Unpatched, this call never answered.
      const iterator = await firstShardIterator('at-timestamp', 'AT_TIMESTAMP', new Date(), client);
      expect((await client.send(new GetRecordsCommand({ ShardIterator: iterator }))).Records).toEqual([]);
      await putInto('at-timestamp', 2, client);
      expect((await client.send(new GetRecordsCommand({ ShardIterator: iterator }))).Records).toHaveLength(2);
    } finally {
      client.destroy();
    }
  });

  it('reshards with UpdateShardCount: the open shards close, the new ones split the hash key space evenly', async () => {
    await fixture.kinesis.send(new CreateStreamCommand({ StreamName: 'reshard', ShardCount: 2 }));
    await active('reshard');
    const answer = await fixture.kinesis.send(
      new UpdateShardCountCommand({ StreamName: 'reshard', TargetShardCount: 3, ScalingType: 'UNIFORM_SCALING' }),
    );
    expect({ current: answer.CurrentShardCount, target: answer.TargetShardCount }).toEqual({ current: 2, target: 3 });
    expect((await active('reshard')).OpenShardCount).toBe(3);
    const { Shards = [] } = await fixture.kinesis.send(new ListShardsCommand({ StreamName: 'reshard' }));
    const open = Shards.filter((shard) => shard.SequenceNumberRange?.EndingSequenceNumber === undefined);
    expect(open.map((shard) => [shard.HashKeyRange?.StartingHashKey, shard.ParentShardId, shard.AdjacentParentShardId])).toEqual([
      ['0', 'shardId-000000000000', undefined],
      [(2n ** 128n / 3n).toString(), 'shardId-000000000000', 'shardId-000000000001'],
      [((2n ** 128n / 3n) * 2n).toString(), 'shardId-000000000001', undefined],
    ]);
    await expect(
      fixture.kinesis.send(new UpdateShardCountCommand({ StreamName: 'reshard', TargetShardCount: 7, ScalingType: 'UNIFORM_SCALING' })),
    ).rejects.toThrow(/between half and double/);
  });

  it('keeps every acknowledged record across a SIGKILL and a restart on its data', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'streamtally-kinesis-kill-'));
    const second = await startKinesisEmulator({ dataDir });
    const client = new KinesisClient(localClientConfig(second.endpoint, { maxAttempts: 1 }));
    await client.send(new CreateStreamCommand({ StreamName: 'killed', ShardCount: 1 }));
    for (let i = 0; i < 100; i++) {
      if (
        (await client.send(new DescribeStreamSummaryCommand({ StreamName: 'killed' }))).StreamDescriptionSummary?.StreamStatus === 'ACTIVE'
      )
        break;
      await sleep(20);
    }
    for (let i = 0; i < 4; i++) await putInto('killed', 500, client);
    client.destroy();
    const gone = new Promise<void>((resolve) => second.onExit(() => resolve()));
    process.kill(second.pid, 'SIGKILL');
    await gone;
    const again = await startKinesisEmulator({ dataDir });
    const reader = new KinesisClient(localClientConfig(again.endpoint, { maxAttempts: 1 }));
    try {
      const page = await reader.send(
        new GetRecordsCommand({ ShardIterator: await firstShardIterator('killed', 'TRIM_HORIZON', undefined, reader), Limit: 10_000 }),
      );
      expect(page.Records).toHaveLength(2_000);
    } finally {
      reader.destroy();
      await again.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
