import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateTableCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { padSequenceNumber, claimPk } from '../../core';
import { DynamoCheckpointStore } from '../../lambdas/aggregator/store/DynamoCheckpointStore';
import { main } from '../../src/cli/main';
import { discoverConsumers, readOffsets, type ConsumerOffsets } from '../../src/offsets';
import { dynamoClient } from '../support/clients';
import { startKinesisFixture, type KinesisFixture } from './offsets-support/kinesisStream';

const STREAM = 'offsets-events';
const HASH_KEY_SHARD_0 = '0';
const HASH_KEY_SHARD_1 = '340282366920938463463374607431768211455';
const N = 30;
const K = 12;
const PAUSE_MS = 400;

let fixture: KinesisFixture;
let dynamo: DynamoDBClient;
let table: string;
let shardIds: string[];
/** The records of shard 0 (N, the last N − K after a pause) and of shard 1 (5). */
let shard0: { sequenceNumber: string; arrivalMs: number }[];
let shard1: { sequenceNumber: string }[];

/** Records each consumer's checkpoint the way the consumer itself does. */
async function checkpoint(consumer: string, shardId: string, record: { sequenceNumber: string; arrivalMs: number }) {
  await new DynamoCheckpointStore(dynamo, table, consumer).advance({
    shardId,
    paddedSequence: padSequenceNumber(record.sequenceNumber),
    arrivalMs: record.arrivalMs,
    watermarkMs: Date.UTC(2026, 10, 26, 12, 0, 0),
    updatedMs: Date.now(),
  });
}

async function arrivals(shardId: string): Promise<Map<string, number>> {
  const { ShardIterator } = await fixture.kinesis.send(
    new GetShardIteratorCommand({ StreamName: STREAM, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
  );
  const { Records = [] } = await fixture.kinesis.send(new GetRecordsCommand({ ShardIterator }));
  return new Map(Records.map((record) => [record.SequenceNumber as string, record.ApproximateArrivalTimestamp?.getTime() ?? 0]));
}

beforeAll(async () => {
  dynamo = dynamoClient(inject('dynamoEndpoint'));
  table = `offsets-checkpoints-${Date.now()}`;
  const tableReady = dynamo.send(
    new CreateTableCommand({
      TableName: table,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  fixture = await startKinesisFixture();
  await tableReady;
  shardIds = await fixture.createStream(STREAM, 2);
  const early = await fixture.put(STREAM, HASH_KEY_SHARD_0, K);
  await sleep(PAUSE_MS);
  const late = await fixture.put(STREAM, HASH_KEY_SHARD_0, N - K);
  shard1 = await fixture.put(STREAM, HASH_KEY_SHARD_1, 5);
  const arrivedAt = await arrivals(shardIds[0] as string);
  shard0 = [...early, ...late].map((record) => ({
    sequenceNumber: record.sequenceNumber,
    arrivalMs: arrivedAt.get(record.sequenceNumber) as number,
  }));
  // The consumer "aggregator" is held back at record K of shard 0 and has not read shard 1.
  await checkpoint('aggregator', shardIds[0] as string, shard0[K - 1] as (typeof shard0)[number]);
  // "replay" is caught up on shard 0.
  await checkpoint('replay', shardIds[0] as string, shard0[N - 1] as (typeof shard0)[number]);
  // Producer-id claims share the table with the checkpoints.
  await dynamo.send(new PutItemCommand({ TableName: table, Item: { pk: { S: claimPk('aggregator', 'e1') }, sk: { S: 'claim' } } }));
}, 60_000);

afterAll(async () => {
  await fixture?.close();
  dynamo?.destroy();
});

const read = (consumers: readonly string[] | 'all', maxCountedRecords?: number) =>
  readOffsets({ kinesis: fixture.kinesis, dynamo }, { streamName: STREAM, checkpointTable: table, consumers, maxCountedRecords });

describe('offsets against kinesalite and dynalite', () => {
  it('shows a consumer held back at record k of n as n − k records behind, and the time between them', async () => {
    const [aggregator] = await read(['aggregator']);
    const held = shard0[K - 1] as (typeof shard0)[number];
    expect(aggregator?.consumer).toBe('aggregator');
    expect(aggregator?.shards[0]).toEqual({
      shardId: shardIds[0],
      checkpoint: held.sequenceNumber,
      checkpointArrivalTime: new Date(held.arrivalMs).toISOString(),
      latestSequenceNumber: shard0[N - 1]?.sequenceNumber,
      lagRecords: N - K,
      lagRecordsCapped: false,
      lagMs: (shard0[N - 1]?.arrivalMs as number) - held.arrivalMs,
      watermark: '2026-11-26T12:00:00.000Z',
    });
    expect(aggregator?.shards[0]?.lagMs).toBeGreaterThanOrEqual(PAUSE_MS);
  });

  it('counts every record of a shard the consumer has not checkpointed yet', async () => {
    const [aggregator] = await read(['aggregator']);
    expect(aggregator?.shards[1]).toMatchObject({
      shardId: shardIds[1],
      checkpoint: null,
      checkpointArrivalTime: null,
      latestSequenceNumber: shard1[4]?.sequenceNumber,
      lagRecords: 5,
      lagRecordsCapped: false,
      watermark: null,
    });
  });

  it('shows no lag for a consumer at the tip, and its checkpoint as the latest record', async () => {
    const [replay] = await read(['replay']);
    expect(replay?.shards[0]).toMatchObject({
      checkpoint: shard0[N - 1]?.sequenceNumber,
      latestSequenceNumber: shard0[N - 1]?.sequenceNumber,
      lagRecords: 0,
      lagMs: 0,
    });
  });

  it('stops counting at the limit and still finds the latest sequence number', async () => {
    const [aggregator] = await read(['aggregator'], 5);
    expect(aggregator?.shards[0]).toMatchObject({
      lagRecords: 5,
      lagRecordsCapped: true,
      latestSequenceNumber: shard0[N - 1]?.sequenceNumber,
    });
    expect(aggregator?.shards[0]?.lagMs).toBeGreaterThanOrEqual(PAUSE_MS);
    // Exactly at the limit is not "at least".
    const [exact] = await read(['aggregator'], N - K);
    expect(exact?.shards[0]).toMatchObject({ lagRecords: N - K, lagRecordsCapped: false });
  });

  it('finds every consumer with a checkpoint, not the claims beside them', async () => {
    expect(await discoverConsumers(dynamo, table)).toEqual(['aggregator', 'replay']);
    expect((await read('all')).map((consumer) => consumer.consumer)).toEqual(['aggregator', 'replay']);
  });
});

describe('streamtally offsets (local target)', () => {
  let projectRoot: string;
  let cwd: string;

  beforeAll(() => {
    projectRoot = mkdtempSync(path.join(tmpdir(), 'streamtally-offsets-cli-'));
    mkdirSync(path.join(projectRoot, '.streamtally'));
    const state = {
      region: 'us-east-1',
      endpoints: { kinesis: fixture.emulator.endpoint, dynamodb: inject('dynamoEndpoint'), s3: inject('s3Endpoint') },
      resources: { streamName: STREAM, aggregatesTable: 'unused', checkpointTable: table, quarantineBucket: 'unused' },
      outputs: {},
      stackName: 'Streamtally-test',
      pid: process.pid,
      emulatorPids: { kinesis: fixture.emulator.pid, dynamodb: process.pid, s3: process.pid },
      startedAt: new Date().toISOString(),
    };
    writeFileSync(path.join(projectRoot, '.streamtally', 'local.json'), JSON.stringify(state));
    cwd = process.cwd();
    process.chdir(projectRoot);
  });

  afterAll(() => {
    process.chdir(cwd);
    rmSync(projectRoot, { recursive: true, force: true });
  });

  async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const lines: string[] = [];
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const code = await main(['offsets', ...argv], (text) => {
        lines.push(text);
        return true;
      });
      return { code, out: lines.join('\n'), err: stderr.mock.calls.map((call) => String(call[0])).join('') };
    } finally {
      stderr.mockRestore();
    }
  }

  it('prints {"consumers":[…]} with --json, for the stack consumer by default', async () => {
    const { code, out } = await run('--json');
    expect(code).toBe(0);
    const document = JSON.parse(out) as { consumers: ConsumerOffsets[] };
    expect(document.consumers.map((consumer) => consumer.consumer)).toEqual(['aggregator']);
    expect(document.consumers[0]?.shards.map((shard) => [shard.shardId, shard.lagRecords])).toEqual([
      [shardIds[0], N - K],
      [shardIds[1], 5],
    ]);
    expect(Object.keys(document.consumers[0]?.shards[0] ?? {}).sort()).toEqual(
      [
        'checkpoint',
        'checkpointArrivalTime',
        'lagMs',
        'lagRecords',
        'lagRecordsCapped',
        'latestSequenceNumber',
        'shardId',
        'watermark',
      ].sort(),
    );
  });

  it('prints a table, with "≥" where counting stopped', async () => {
    const { code, out } = await run('--consumer', 'aggregator', '--consumer', 'replay', '--max-records', '5');
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^consumer +shardId +checkpoint +checkpointArrivalTime +latestSequenceNumber +lagRecords +lagMs +watermark$/);
    expect(lines.filter((line) => line.startsWith('aggregator'))).toHaveLength(2);
    expect(out).toContain('≥5');
    expect(out).not.toContain('no checkpoint yet');
    expect((await run('--consumer', 'newcomer')).out).toMatch(
      /\nno checkpoint yet for newcomer: its lag counts every record in the stream$/,
    );
  });

  it('refuses bad flags with one line and exit code 2', async () => {
    expect(await run('--max-records', 'lots')).toMatchObject({
      code: 2,
      err: 'streamtally: --max-records must be a whole number from 1 to 10000000, got "lots"\n',
    });
    expect((await run('--all-consumers', '--consumer', 'x')).err).toBe(
      'streamtally: offsets: --consumer and --all-consumers cannot be used together\n',
    );
  });
});
