import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
  type PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis';
import { localClientConfig, startKinesisEmulator, type RunningEmulator } from '../../../src/local/emulators';

/** A kinesis-local child process with its client, for one test file. */
export interface KinesisFixture {
  readonly emulator: RunningEmulator;
  readonly kinesis: KinesisClient;
  /** Creates an ACTIVE stream of `shardCount` shards; returns its shard ids, lowest hash key first. */
  createStream(streamName: string, shardCount: number): Promise<string[]>;
  /** Puts `count` records into the shard whose hash key range starts at `hashKey`; returns them in order. */
  put(streamName: string, hashKey: string, count: number): Promise<{ sequenceNumber: string; shardId: string }[]>;
  close(): Promise<void>;
}

/** Starts kinesis-local (the project's own launcher) with its data in a temporary directory. */
export async function startKinesisFixture(): Promise<KinesisFixture> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'streamtally-offsets-kinesis-'));
  const emulator = await startKinesisEmulator({ dataDir });
  const kinesis = new KinesisClient(localClientConfig(emulator.endpoint));
  return {
    emulator,
    kinesis,
    async createStream(streamName, shardCount) {
      await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
      for (;;) {
        const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
        if (StreamDescriptionSummary?.StreamStatus === 'ACTIVE') break;
        await sleep(50);
      }
      const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: streamName }));
      return Shards.map((shard) => shard.ShardId as string);
    },
    async put(streamName, hashKey, count) {
      const records = Array.from({ length: count }, (_, i) => ({
        Data: Buffer.from(JSON.stringify({ id: `e${i}`, type: 't', key: 'k', ts: Date.now() })),
        PartitionKey: 'k',
        ExplicitHashKey: hashKey,
      }));
      const { Records = [], FailedRecordCount } = await kinesis.send(new PutRecordsCommand({ StreamName: streamName, Records: records }));
      if (FailedRecordCount) throw new Error(`${FailedRecordCount} records failed`);
      return Records.map((record: PutRecordsResultEntry) => ({ sequenceNumber: record.SequenceNumber as string, shardId: record.ShardId as string }));
    },
    async close() {
      kinesis.destroy();
      await emulator.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
