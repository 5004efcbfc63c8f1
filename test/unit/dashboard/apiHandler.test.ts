import { BatchGetItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeCells } from '../../../lambdas/aggregator/store/cellPageItem';

// The API Gateway adapter of the dashboard API: how an HTTP API event becomes a
// request of handleApiRequest and its answer a Lambda response. What the reads
// answer is checked against the real emulators in test/e2e/dashboard.test.ts.
const ENV = {
  STREAM_NAME: 'stream',
  AGGREGATES_TABLE: 'aggregates',
  CHECKPOINT_TABLE: 'checkpoints',
  QUARANTINE_BUCKET: 'quarantine',
  CONSUMER_NAMES: 'aggregator',
  EVENT_TYPES: 'page_view,search',
  AWS_REGION: 'us-east-1',
};

function event(method: string, rawPath: string, rawQueryString = ''): APIGatewayProxyEventV2 {
  return { rawPath, rawQueryString, requestContext: { http: { method } } } as unknown as APIGatewayProxyEventV2;
}

describe('the dashboard API Lambda', () => {
  const dynamo = mockClient(DynamoDBClient);
  let handler: typeof import('../../../lambdas/dashboardApi/handler')['handler'];

  beforeAll(async () => {
    for (const [name, value] of Object.entries(ENV)) vi.stubEnv(name, value);
    ({ handler } = await import('../../../lambdas/dashboardApi/handler'));
  });
  afterAll(() => {
    vi.unstubAllEnvs();
    dynamo.restore();
  });
  beforeEach(() => dynamo.reset());

  it('lists the configured event types without reading anything', async () => {
    const response = await handler(event('GET', '/api/types'));
    expect(response).toMatchObject({ statusCode: 200, headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(JSON.parse(response.body!)).toEqual({ types: ['page_view', 'search'] });
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('answers the top keys from the leaderboard and the items', async () => {
    // One BatchGetItem answers both reads: the leaderboard and the window's page, then the cells.
    dynamo.on(BatchGetItemCommand).resolves({
      Responses: {
        aggregates: [
          {
            pk: { S: '#top#page_view#1m' },
            sk: { S: '2026-11-26T12:00:00.000Z' },
            depth: { N: '100' },
            version: { N: '1' },
            top: { L: [{ L: [{ S: '/b' }, { N: '5' }] }] },
          },
          // '/a' is in the window's cell page, '/b' has an item of its own (core/cellPages.ts).
          {
            pk: { S: '#pg#page_view#1m' },
            sk: { S: '2026-11-26T12:00:00.000Z' },
            type: { S: 'page_view' },
            granularity: { S: '1m' },
            windowStart: { S: '2026-11-26T12:00:00.000Z' },
            cells: encodeCells([['/a', { count: 3, sum: '3', min: 1, max: 1 }]]),
          },
          {
            pk: { S: 'page_view#1m#/b' },
            sk: { S: '2026-11-26T12:00:00.000Z' },
            key: { S: '/b' },
            windowStart: { S: '2026-11-26T12:00:00.000Z' },
            count: { N: '5' },
            sum: { N: '9' },
            min: { N: '1' },
            max: { N: '4' },
          },
        ],
      },
    });
    const response = await handler(event('GET', '/api/top', 'type=page_view&at=2026-11-26T12:00:30Z'));
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body!)).toEqual({
      type: 'page_view',
      window: '1m',
      windowStart: '2026-11-26T12:00:00.000Z',
      rows: [
        { key: '/b', windowStart: '2026-11-26T12:00:00.000Z', count: 5, sum: 9, min: 1, max: 4 },
        { key: '/a', windowStart: '2026-11-26T12:00:00.000Z', count: 3, sum: 3, min: 1, max: 1 },
      ],
    });
    expect(dynamo.commandCalls(BatchGetItemCommand)[0]!.args[0].input.RequestItems!.aggregates!.Keys).toEqual([
      { pk: { S: '#top#page_view#1m' }, sk: { S: '2026-11-26T12:00:00.000Z' } },
      { pk: { S: '#pg#page_view#1m' }, sk: { S: '2026-11-26T12:00:00.000Z' } },
    ]);
  });

  it('answers a bad parameter 400 with one line', async () => {
    const response = await handler(event('GET', '/api/counts', 'type=page_view&windows=500'));
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body!)).toEqual({ error: 'parameter "windows" must be a whole number from 1 to 120, got "500"' });
  });

  it('answers a failing read 500 with the error named in one line', async () => {
    const failure = Object.assign(new Error('Requested resource not found\nmore detail'), { name: 'ResourceNotFoundException' });
    dynamo.on(BatchGetItemCommand).rejects(failure);
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const response = await handler(event('GET', '/api/top', 'type=page_view'));
    log.mockRestore();
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body!)).toEqual({ error: 'ResourceNotFoundException: Requested resource not found' });
  });
});
