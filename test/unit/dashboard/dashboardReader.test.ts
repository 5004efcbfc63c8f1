import { BatchGetItemCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DashboardReader } from '../../../src/dashboard/DashboardReader';
import type { DashboardSource } from '../../../src/dashboard/DashboardSource';

// The reader's discovery of event types next to the measures' items (docs/measures.md):
// derived types have leaderboards of their own, and sketch items share the table.
describe('DashboardReader and the declared measures', () => {
  const dynamo = mockClient(DynamoDBClient);
  const source: DashboardSource = {
    dynamo: new DynamoDBClient({ region: 'us-east-1' }),
    s3: new S3Client({ region: 'us-east-1' }),
    kinesis: new KinesisClient({ region: 'us-east-1' }),
    resources: { streamName: 'stream', aggregatesTable: 'aggregates', checkpointTable: 'checkpoints', quarantineBucket: 'quarantine' },
    consumers: ['aggregator'],
    alarmStates: async () => undefined,
  };
  afterAll(() => dynamo.restore());
  beforeEach(() => dynamo.reset());

  it('lists event types, not the derived types of their dimensions and totals, nor sketch items', async () => {
    dynamo
      .on(ScanCommand)
      .resolvesOnce({
        Items: [{ pk: { S: '#top#page_view#1m' } }, { pk: { S: '#top#page_view@attrs.country#1m' } }, { pk: { S: '#d#sneaky#1m#/a' } }],
        LastEvaluatedKey: { pk: { S: '#top#page_view@attrs.country#1m' } },
      })
      .resolvesOnce({
        Items: [
          { pk: { S: '#top#page_view@total#1h' } },
          { pk: { S: '#top#search#1m' } },
          { pk: { S: '#top#page_view#1h' } },
          // A type whose windows all fit their cell pages has no leaderboard.
          { pk: { S: '#pg#purchase#1m' } },
          { pk: { S: '#pg#purchase@total#1m' } },
        ],
      });
    expect(await new DashboardReader(source).eventTypes()).toEqual(['page_view', 'purchase', 'search']);
    expect(dynamo.commandCalls(ScanCommand)).toHaveLength(2);
  });

  it('answers the top keys with the plain aggregates, without the items quantile bins', async () => {
    // One BatchGetItem answers both reads: the leaderboard (with the window's page, absent here), then the cells.
    dynamo.on(BatchGetItemCommand).resolves({
      Responses: {
        aggregates: [
          {
            pk: { S: '#top#page_view#1m' },
            sk: { S: '1970-01-01T00:00:00.000Z' },
            depth: { N: '100' },
            version: { N: '1' },
            top: { M: { '/a': { N: '3' } } },
          },
          {
            pk: { S: 'page_view#1m#/a' },
            sk: { S: '1970-01-01T00:00:00.000Z' },
            key: { S: '/a' },
            windowStart: { S: '2026-11-26T12:00:00.000Z' },
            count: { N: '3' },
            sum: { N: '30' },
            min: { N: '5' },
            max: { N: '15' },
            qa: { N: '0.01' },
            qp160: { N: '1' },
            qp230: { N: '2' },
          },
        ],
      },
    });
    const rows = await new DashboardReader(source).topKeys({ type: 'page_view', granularity: '1m', windowStartMs: 0, limit: 1 });
    expect(rows).toEqual([{ key: '/a', windowStart: '2026-11-26T12:00:00.000Z', count: 3, sum: 30, min: 5, max: 15 }]);
  });
});
