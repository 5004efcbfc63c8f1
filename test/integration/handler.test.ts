import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { readKeyWindows, readTopKeys, readWindowKeys } from '../../src/query/readAggregates';
import { tablesFromTemplate } from '../../src/local/template/tablesFromTemplate';
import { dynamoClient, s3Client } from '../support/clients';
import { outputLogicalId, synthesizedTemplate } from '../support/synthesizedTemplate';
import { listQuarantined, scanAggregates } from './support/readBack';

const BUCKET = 'handler-quarantine';
const MINUTE = Date.parse('2026-11-26T12:34:00.000Z');

/** A Kinesis record exactly as Lambda's event source mapping shapes it. */
function kinesisRecord(shardId: string, sequenceNumber: string, payload: string | object, partitionKey: string): KinesisStreamRecord {
  const data = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)).toString('base64');
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey,
      sequenceNumber,
      data,
      approximateArrivalTimestamp: (MINUTE + 30_000) / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/aggregator',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/events',
  };
}

function pageView(id: string, key: string, second: number): object {
  return { id, type: 'page_view', key, ts: new Date(MINUTE + second * 1000).toISOString() };
}

describe('the aggregator handler, bundled config from its environment, against dynalite and s3rver', () => {
  const dynamo = dynamoClient(inject('dynamoEndpoint'));
  const s3 = s3Client(inject('s3Endpoint'));
  const template = synthesizedTemplate();
  const suffix = `handler-${process.pid}`;
  const tables = tablesFromTemplate(template, (logicalId) => `${logicalId}-${suffix}`);
  const aggregatesTable = tables.find((table) => table.logicalId === outputLogicalId(template, 'AggregatesTableName'))!.input.TableName!;
  const checkpointTable = tables.find((table) => table.logicalId === outputLogicalId(template, 'CheckpointTableName'))!.input.TableName!;
  let handler: (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse>;

  beforeAll(async () => {
    await Promise.all(tables.map((table) => dynamo.send(new CreateTableCommand(table.input))));
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    // The environment the stack gives the function, pointed at the emulators.
    vi.stubEnv('AGGREGATES_TABLE', aggregatesTable);
    vi.stubEnv('CHECKPOINT_TABLE', checkpointTable);
    vi.stubEnv('QUARANTINE_BUCKET', BUCKET);
    vi.stubEnv('CONSUMER_NAME', 'aggregator');
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', inject('dynamoEndpoint'));
    vi.stubEnv('AWS_ENDPOINT_URL_S3', inject('s3Endpoint'));
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'streamtally');
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'aggregator');
    ({ handler } = await import('../../lambdas/aggregator/handler'));
  });

  afterAll(() => {
    vi.unstubAllEnvs();
  });

  it('aggregates a batch, quarantines a poison record without failing the batch, and serves the top keys in one query', async () => {
    // Prepare: /b three times, /a twice (one a producer retry), /c once, and a poison record between them.
    const shard = 'shardId-000000000000';
    const records = [
      kinesisRecord(shard, '100', pageView('1', '/b', 1), '/b'),
      kinesisRecord(shard, '101', pageView('2', '/a', 2), '/a'),
      kinesisRecord(shard, '102', '{"id":"broken"', 'x'),
      kinesisRecord(shard, '103', pageView('3', '/b', 3), '/b'),
      kinesisRecord(shard, '104', pageView('2', '/a', 2), '/a'),
      kinesisRecord(shard, '105', pageView('4', '/c', 4), '/c'),
      kinesisRecord(shard, '106', pageView('5', '/b', 5), '/b'),
      kinesisRecord(shard, '107', pageView('6', '/a', 6), '/a'),
    ];
    const writes = vi.spyOn(process.stdout, 'write');

    // Act
    const response = await handler({ Records: records });
    const emf = writes.mock.calls.map(([chunk]) => String(chunk)).find((line) => line.includes('"_aws"'));
    writes.mockRestore();

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    const aggregates = await scanAggregates(dynamo, aggregatesTable);
    expect(aggregates.get('page_view#1m#/b|2026-11-26T12:34:00.000Z')).toEqual({ count: 3, sum: '3', min: 1, max: 1 });
    expect(aggregates.get('page_view#1m#/a|2026-11-26T12:34:00.000Z')).toEqual({ count: 2, sum: '2', min: 1, max: 1 });
    expect(aggregates.get('page_view#1d#/c|2026-11-26T00:00:00.000Z')).toEqual({ count: 1, sum: '1', min: 1, max: 1 });
    const quarantined = await listQuarantined(s3, BUCKET, 'quarantine/aggregator/');
    expect([...quarantined.values()].map(({ reason, sequenceNumber, shardId }) => ({ reason, sequenceNumber, shardId }))).toEqual([
      { reason: 'invalid', sequenceNumber: '102', shardId: shard },
    ]);
    expect(quarantined.get('102')?.message).toMatch(/^not JSON/);
    expect(Buffer.from(quarantined.get('102')!.data, 'base64').toString()).toBe('{"id":"broken"');

    const top = await readTopKeys(dynamo, aggregatesTable, { type: 'page_view', granularity: '1m', windowStartMs: MINUTE, limit: 2 });
    expect(top.map((row) => [row.key, row.count])).toEqual([
      ['/b', 3],
      ['/a', 2],
    ]);
    const everyKey = await readWindowKeys(dynamo, aggregatesTable, { type: 'page_view', granularity: '1m', windowStartMs: MINUTE });
    expect(everyKey.map((row) => [row.key, row.count])).toEqual([
      ['/b', 3],
      ['/a', 2],
      ['/c', 1],
    ]);

    const metrics = JSON.parse(emf!) as Record<string, unknown>;
    expect(metrics).toMatchObject({
      RecordsIn: 8,
      EventsAggregated: 6,
      DuplicatesDropped: 1,
      QuarantinedInvalid: 1,
      AggregateItemsWritten: 9,
    });
  });

  it('keeps keys named like members of Object.prototype in the window page, on the leaderboard and in every read', async () => {
    // Prepare: the SDK builds a Map attribute's entries as object properties, where `__proto__` is no property at all.
    const shard = 'shardId-000000000002';
    const keys = ['__proto__', '__proto__', '__proto__', 'constructor', 'constructor', 'toString'];
    const records = keys.map((key, i) =>
      kinesisRecord(shard, String(300 + i), { id: `p${i}`, type: 'search', key, ts: new Date(MINUTE + i * 1000).toISOString() }, key),
    );

    // Act
    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });

    // Assess: each read finds the three keys with their counts.
    const aggregates = await scanAggregates(dynamo, aggregatesTable);
    expect(aggregates.get('search#1m#__proto__|2026-11-26T12:34:00.000Z')).toEqual({ count: 3, sum: '3', min: 1, max: 1 });
    expect(aggregates.get('search#1m#constructor|2026-11-26T12:34:00.000Z')).toEqual({ count: 2, sum: '2', min: 1, max: 1 });
    const top = await readTopKeys(dynamo, aggregatesTable, { type: 'search', granularity: '1m', windowStartMs: MINUTE, limit: 3 });
    expect(top.map((row) => [row.key, row.count])).toEqual([
      ['__proto__', 3],
      ['constructor', 2],
      ['toString', 1],
    ]);
    const series = await readKeyWindows(dynamo, aggregatesTable, {
      type: 'search',
      granularity: '1h',
      key: '__proto__',
      fromWindowMs: MINUTE - 34 * 60_000,
      toWindowMs: MINUTE,
    });
    expect(series.map((row) => [row.windowStart, row.count])).toEqual([['2026-11-26T12:00:00.000Z', 3]]);
  });

  it('is a no-op when Lambda re-delivers a batch it already applied', async () => {
    const shard = 'shardId-000000000001';
    const batch = {
      Records: [kinesisRecord(shard, '200', pageView('r1', '/z', 10), '/z'), kinesisRecord(shard, '201', pageView('r2', '/z', 11), '/z')],
    };
    await handler(batch);
    await handler(batch);
    const aggregates = await scanAggregates(dynamo, aggregatesTable);
    expect(aggregates.get('page_view#1h#/z|2026-11-26T12:00:00.000Z')).toEqual({ count: 2, sum: '2', min: 1, max: 1 });
  });
});
