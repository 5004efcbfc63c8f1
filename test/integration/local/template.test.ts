import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DescribeTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordCommand,
} from '@aws-sdk/client-kinesis';
import { GetObjectCommand, HeadBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalClients, type LocalEmulators, localClients, startEmulators } from '../../../src/local/emulators';
import { localResourcesFromOutputs, readLocalState, writeLocalState } from '../../../src/local/state';
import { type LocalStackPlan, planLocalStack, type ProvisionReport, provisionLocalStack } from '../../../src/local/template';
import { type SynthesizedAssembly, synthesizedAssembly } from '../../unit/local/support/synthesizedAssembly';

describe('provisioning the local stack from the synthesized template', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'streamtally-provision-'));
  const dataDir = path.join(root, 'data');
  let assembly: SynthesizedAssembly;
  let plan: LocalStackPlan;
  let emulators: LocalEmulators;
  let clients: LocalClients;
  let report: ProvisionReport;

  const stream = () => plan.streams[0]!;
  const aggregates = () => plan.tables.find((table) => table.logicalId.startsWith('AggregatesStoreAggregates'))!;
  const quarantine = () => plan.buckets.find((bucket) => bucket.logicalId.startsWith('QuarantineBucket'))!;

  beforeAll(async () => {
    // Prepare: the real stack with 2 shards and 48 h retention, and the three emulators.
    assembly = synthesizedAssembly({ shardCount: 2, retentionHours: 48 });
    plan = planLocalStack(assembly.template, assembly.assemblyDir, { stackName: assembly.stackName });
    emulators = await startEmulators({ dataDir });
    clients = localClients(emulators.endpoints);
    // Act
    report = await provisionLocalStack(plan, clients);
  });
  afterAll(async () => {
    for (const client of Object.values(clients ?? {})) client.destroy();
    await emulators?.stop();
    assembly?.remove();
    rmSync(root, { recursive: true, force: true });
  });

  it('creates every stream, table and bucket of the plan', () => {
    expect(report.resources.map(({ kind, outcome }) => `${kind} ${outcome}`).sort()).toEqual([
      'bucket created',
      'bucket created',
      'stream created',
      'table created',
      'table created',
    ]);
  });

  it('creates the stream with the template shard count and retention', async () => {
    const { StreamDescriptionSummary: summary } = await clients.kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: stream().streamName }),
    );
    expect(summary).toMatchObject({ StreamStatus: 'ACTIVE', OpenShardCount: 2, RetentionPeriodHours: 48, StreamARN: stream().streamArn });
    const { Shards } = await clients.kinesis.send(new ListShardsCommand({ StreamName: stream().streamName }));
    expect(Shards).toHaveLength(2);
  });

  it('creates the tables with their keys, attribute types and index', async () => {
    const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName: aggregates().tableName }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(Table?.AttributeDefinitions).toContainEqual({ AttributeName: 'key', AttributeType: 'S' });
    expect(Table?.GlobalSecondaryIndexes?.[0]).toMatchObject({
      IndexName: 'byWindow',
      KeySchema: [
        { AttributeName: 'windowPk', KeyType: 'HASH' },
        { AttributeName: 'key', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    });
    const checkpoints = plan.tables.find((table) => table.logicalId.startsWith('AggregatesStoreCheckpoints'))!;
    await expect(clients.dynamodb.send(new DescribeTableCommand({ TableName: checkpoints.tableName }))).resolves.toBeDefined();
  });

  it('creates the buckets', async () => {
    for (const bucket of plan.buckets)
      await expect(clients.s3.send(new HeadBucketCommand({ Bucket: bucket.bucketName }))).resolves.toBeDefined();
  });

  it('is idempotent: a second run keeps everything', async () => {
    const again = await provisionLocalStack(plan, clients);
    expect(again.resources.map(({ outcome }) => outcome)).toEqual(['kept', 'kept', 'kept', 'kept', 'kept']);
  });

  it('writes a state file through which the resources are found by their outputs', async () => {
    writeLocalState(
      {
        region: plan.region,
        endpoints: emulators.endpoints,
        resources: localResourcesFromOutputs(plan.outputs),
        outputs: plan.outputs,
        stackName: plan.stackName,
        pid: process.pid,
        emulatorPids: { kinesis: emulators.kinesis.pid, dynamodb: emulators.dynamodb.pid, s3: emulators.s3.pid },
        startedAt: new Date().toISOString(),
      },
      root,
    );
    const state = readLocalState(root);
    const stateClients = localClients(state.endpoints);
    try {
      await expect(
        stateClients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: state.resources.streamName })),
      ).resolves.toBeDefined();
      await expect(
        stateClients.dynamodb.send(new DescribeTableCommand({ TableName: state.resources.checkpointTable })),
      ).resolves.toBeDefined();
      await expect(stateClients.s3.send(new HeadBucketCommand({ Bucket: state.resources.quarantineBucket }))).resolves.toBeDefined();
    } finally {
      for (const client of Object.values(stateClients)) client.destroy();
    }
  });

  it('finds its resources and their data again after a restart on the same data directory', async () => {
    // Prepare: one record, one item, one object.
    const put = await clients.kinesis.send(
      new PutRecordCommand({ StreamName: stream().streamName, PartitionKey: 'k', Data: Buffer.from('{"id":"1"}') }),
    );
    await clients.dynamodb.send(
      new PutItemCommand({ TableName: aggregates().tableName, Item: { pk: { S: 'page_view#1m#/a' }, sk: { S: 'w' }, count: { N: '3' } } }),
    );
    await clients.s3.send(
      new PutObjectCommand({ Bucket: quarantine().bucketName, Key: 'quarantine/x.json', Body: '{"reason":"invalid"}' }),
    );

    // Act: stop while the clients still hold connections, start again on the same data.
    await emulators.stop();
    for (const client of Object.values(clients)) client.destroy();
    emulators = await startEmulators({ dataDir });
    clients = localClients(emulators.endpoints);
    const again = await provisionLocalStack(plan, clients);

    // Assess
    expect(again.resources.every(({ outcome }) => outcome === 'kept')).toBe(true);
    const { ShardIterator } = await clients.kinesis.send(
      new GetShardIteratorCommand({ StreamName: stream().streamName, ShardId: put.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const { Records } = await clients.kinesis.send(new GetRecordsCommand({ ShardIterator }));
    expect(Records?.map((record) => [record.SequenceNumber, Buffer.from(record.Data ?? []).toString()])).toEqual([
      [put.SequenceNumber, '{"id":"1"}'],
    ]);
    const { Item } = await clients.dynamodb.send(
      new GetItemCommand({ TableName: aggregates().tableName, Key: { pk: { S: 'page_view#1m#/a' }, sk: { S: 'w' } } }),
    );
    expect(Item?.count).toEqual({ N: '3' });
    const object = await clients.s3.send(new GetObjectCommand({ Bucket: quarantine().bucketName, Key: 'quarantine/x.json' }));
    expect(await object.Body?.transformToString()).toBe('{"reason":"invalid"}');
  });
});
