import { CreateStreamCommand, DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cbor } from '@smithy/core/cbor';
import { afterAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../../src/local/emulators/localClientConfig';
import type { RunningEmulator } from '../../../src/local/emulators/RunningEmulator';
import { type JournaledKinesisOptions, startJournaledKinesis } from '../../../src/local/kinesisJournal';

/**
 * kinesis-mock acknowledges a put before it saves it (every 5 s); killed in between, it
 * comes back without the record. Behind its journal, no acknowledged record is lost and
 * none is stored twice, however often it is killed.
 */
const STREAM = 'journaled';
const directories: string[] = [];
const running: RunningEmulator[] = [];
afterAll(async () => {
  await Promise.all(running.map((emulator) => emulator.stop()));
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

async function start(dataDir: string, log: string[], options: Omit<JournaledKinesisOptions, 'dataDir' | 'log'> = {}) {
  const kinesis = await startJournaledKinesis({ dataDir, log: (line) => log.push(line), ...options });
  running.push(kinesis);
  return { kinesis, client: new KinesisClient(localClientConfig(kinesis.endpoint, { maxAttempts: 10 })) };
}

async function readStream(client: KinesisClient): Promise<{ data: string; sequenceNumber: string; shardId: string }[]> {
  const records: { data: string; sequenceNumber: string; shardId: string }[] = [];
  for (const shard of (await client.send(new ListShardsCommand({ StreamName: STREAM }))).Shards ?? []) {
    let iterator = (await client.send(new GetShardIteratorCommand({ StreamName: STREAM, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    while (iterator) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      records.push(...(page.Records ?? []).map((record) => ({ data: Buffer.from(record.Data!).toString(), sequenceNumber: record.SequenceNumber!, shardId: shard.ShardId! })));
      if ((page.Records ?? []).length === 0 && page.MillisBehindLatest === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return records;
}

/** Puts numbered records from `writers` concurrent writers until `untilMs`; returns the acknowledged ones. */
async function putUntil(client: KinesisClient, untilMs: number, prefix: string, writers = 3): Promise<Set<string>> {
  const acknowledged = new Set<string>();
  let next = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (Date.now() < untilMs) {
        const batch = Array.from({ length: 50 }, () => `${prefix}-${next++}`);
        const answer = await client.send(new PutRecordsCommand({ StreamName: STREAM, Records: batch.map((data) => ({ Data: Buffer.from(data), PartitionKey: data })) }));
        answer.Records?.forEach((record, index) => record.SequenceNumber && acknowledged.add(batch[index]!));
      }
    }),
  );
  return acknowledged;
}

function tally(records: readonly { data: string }[]): { copies: Map<string, number>; stored: number } {
  const copies = new Map<string, number>();
  for (const record of records) copies.set(record.data, (copies.get(record.data) ?? 0) + 1);
  return { copies, stored: records.length };
}

describe('the journaled Kinesis emulator', () => {
  it('keeps every acknowledged record, once, across SIGKILLs of the emulator in the middle of puts', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'streamtally-journaled-'));
    directories.push(dataDir);
    const log: string[] = [];
    const { kinesis, client } = await start(dataDir, log);
    await client.send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: 2 }));
    await sleep(6_000); // the stream itself in a snapshot
    const pids: number[] = [];
    const kills = (async () => {
      for (const delayMs of [2_500, 6_000]) {
        await sleep(delayMs);
        pids.push(kinesis.pid);
        process.kill(kinesis.pid, 'SIGKILL');
      }
    })();
    const acknowledged = await putUntil(client, Date.now() + 14_000, 'a');
    await kills;
    const records = await readStream(client);
    const { copies } = tally(records);
    const lost = [...acknowledged].filter((data) => !copies.has(data));
    const twice = [...copies].filter(([, count]) => count > 1);
    expect({ lost: lost.length, twice: twice.length }).toEqual({ lost: 0, twice: 0 });
    // Nothing on the stream that was not acknowledged: every put got its answer.
    expect(records.length).toBe(acknowledged.size);
    expect(new Set(pids).size).toBe(2);
    expect(log.filter((line) => line.includes('restarting it on its saved data'))).toHaveLength(2);
    expect(log.some((line) => /restored [1-9]\d* acknowledged record/.test(line))).toBe(true);
    client.destroy();
  }, 90_000);

  it('restores the records a killed run had not saved when started again on its data, and answers a reader positioned at a moved record', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'streamtally-journaled-'));
    directories.push(dataDir);
    const first = await start(dataDir, []);
    await first.client.send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: 1 }));
    await sleep(6_000);
    const acknowledged = await putUntil(first.client, Date.now() + 1_000, 'b', 1);
    const before = await readStream(first.client);
    // The whole run dies at once: the emulator is killed and the front goes with its process (closed here without a stop).
    process.kill(first.kinesis.pid, 'SIGKILL');
    first.client.destroy();
    await first.kinesis.stop();

    const log: string[] = [];
    const second = await start(dataDir, log);
    const after = await readStream(second.client);
    expect(after.map((record) => record.data).sort()).toEqual([...acknowledged].sort());
    expect(log.some((line) => line.startsWith('kinesis: data of an earlier run: restored'))).toBe(true);

    // A reader that had read up to a record the restart moved resumes right after it.
    const moved = before.find((record) => !after.some((now) => now.sequenceNumber === record.sequenceNumber));
    expect(moved).toBeDefined();
    const iterator = (
      await second.client.send(
        new GetShardIteratorCommand({ StreamName: STREAM, ShardId: moved!.shardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: moved!.sequenceNumber }),
      )
    ).ShardIterator;
    const page = await second.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1 }));
    const position = before.findIndex((record) => record.sequenceNumber === moved!.sequenceNumber);
    expect(page.Records?.map((record) => Buffer.from(record.Data!).toString())).toEqual(before[position + 1] ? [before[position + 1]!.data] : []);
    second.client.destroy();
  }, 90_000);

  it('journals and restores the puts of a CBOR client (the AWS SDK for Java, the KPL) and answers it in CBOR', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'streamtally-journaled-'));
    directories.push(dataDir);
    const log: string[] = [];
    // The emulator saves nothing during this test (not even the stream, created again after the kill): every record must come from the journal.
    const createStream = async (client: KinesisClient) => {
      await client.send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: 1 })).catch((error: Error) => {
        if (error.name !== 'ResourceInUseException') throw error;
      });
      while ((await client.send(new DescribeStreamSummaryCommand({ StreamName: STREAM }))).StreamDescriptionSummary?.StreamStatus !== 'ACTIVE') await sleep(100);
    };
    const { kinesis, client } = await start(dataDir, log, {
      persistIntervalMs: 600_000,
      beforeRestore: async (endpoint) => {
        const direct = new KinesisClient(localClientConfig(endpoint));
        await createStream(direct);
        direct.destroy();
      },
    });
    await createStream(client);
    const postCbor = async (operation: string, input: Record<string, unknown>) => {
      const response = await fetch(kinesis.endpoint, {
        method: 'POST',
        headers: {
          'x-amz-target': `Kinesis_20131202.${operation}`,
          'content-type': 'application/x-amz-cbor-1.1',
          'x-amz-date': '20261126T000000Z',
          authorization: 'AWS4-HMAC-SHA256 Credential=local/20261126/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=0',
        },
        body: cbor.serialize(input),
      });
      expect(response.headers.get('content-type')).toContain('cbor');
      return { status: response.status, body: cbor.deserialize(new Uint8Array(await response.arrayBuffer())) as Record<string, unknown> };
    };
    const sent: string[] = [];
    for (let batch = 0; batch < 6; batch++) {
      const data = Array.from({ length: 50 }, (_, index) => `cbor-${batch}-${index}`);
      const answer = await postCbor('PutRecords', { StreamName: STREAM, Records: data.map((text) => ({ Data: new Uint8Array(Buffer.from(text)), PartitionKey: text })) });
      expect(answer).toMatchObject({ status: 200, body: { FailedRecordCount: 0 } });
      sent.push(...data);
    }
    process.kill(kinesis.pid, 'SIGKILL');
    // The restart holds the read until the records are back.
    const iterator = await postCbor('GetShardIterator', { StreamName: STREAM, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' });
    const page = await postCbor('GetRecords', { ShardIterator: iterator.body.ShardIterator, Limit: 10_000 });
    // kinesis-mock answers a CBOR client's blobs as base64 text, with or without the front.
    const read = (page.body.Records as { Data: Uint8Array | string }[]).map((record) =>
      (typeof record.Data === 'string' ? Buffer.from(record.Data, 'base64') : Buffer.from(record.Data)).toString(),
    );
    expect(read).toEqual(sent);
    expect(log.some((line) => line.includes('restored 300 acknowledged record(s)'))).toBe(true);
    client.destroy();
  }, 90_000);
});
