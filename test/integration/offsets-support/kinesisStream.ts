import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
  type PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis';
import type { RunningEmulator } from '../../../src/local/emulators';
import { startTestKinesis } from '../../support/startTestKinesis';

/** A Kinesis emulator with its client and stream helpers, for one test file. */
export interface KinesisFixture {
  readonly emulator: RunningEmulator;
  readonly kinesis: KinesisClient;
  /** Creates an ACTIVE stream of `shardCount` shards; returns its shard ids, lowest hash key first. */
  createStream(streamName: string, shardCount: number): Promise<string[]>;
  /** Puts `count` records into the shard whose hash key range starts at `hashKey`; returns them in order. */
  put(streamName: string, hashKey: string, count: number): Promise<{ sequenceNumber: string; shardId: string }[]>;
  close(): Promise<void>;
}

/** Starts the local stack's Kinesis emulator with its data in a temporary directory. */
export async function startKinesisFixture(): Promise<KinesisFixture> {
  const { emulator, kinesis, close } = await startTestKinesis();
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
      return Records.map((record: PutRecordsResultEntry) => ({
        sequenceNumber: record.SequenceNumber as string,
        shardId: record.ShardId as string,
      }));
    },
    close,
  };
}
