import { CreateTableCommand, DeleteTableCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildItemDeltas, padSequenceNumber, type Granularity } from '../../../core';
import { DynamoAggregateStore } from '../../../lambdas/aggregator/store/DynamoAggregateStore';
import { mapWithConcurrency } from '../../../lambdas/shared/mapWithConcurrency';
import { tablesFromTemplate } from '../../../src/local/template/tablesFromTemplate';
import { RowWriter } from '../../../src/query/formatRows';
import { readKeyWindowPages, readKeyWindows } from '../../../src/query/readAggregates';
import { streamWindowRows } from '../../../src/query/streamWindowRows';
import { dynamoClient } from '../../support/clients';
import { outputLogicalId, synthesizedTemplate } from '../../support/synthesizedTemplate';

const MINUTE: Granularity = { label: '1m', sizeMs: 60_000, ttlMs: 7 * 86_400_000 };
const FROM = Date.parse('2026-11-26T00:00:00.000Z');
/** 1m windows over 20 hours: past the 1,000 windows `query` used to refuse without --key (two days, 2,880 windows, take 85 s on dynalite: 16 index Queries a window). */
const WINDOWS = 1_200;
const TO = FROM + (WINDOWS - 1) * 60_000;
/** Three keys: one in every window, one in every 7th, one (with CSV's special characters) in every 100th. */
const KEYS = [
  { key: '/every', every: 1 },
  { key: '/seventh', every: 7 },
  { key: 'a,"quoted"\nkey', every: 100 },
];
const expectedRows = KEYS.reduce((sum, { every }) => sum + Math.ceil(WINDOWS / every), 0);

/** Counts the Query calls a client makes. */
function countingClient(client: DynamoDBClient): { client: DynamoDBClient; queries: () => number } {
  let queries = 0;
  const counting = Object.create(client) as DynamoDBClient;
  counting.send = ((command: unknown, ...rest: unknown[]) => {
    if (command instanceof QueryCommand) queries += 1;
    return (client.send as (...args: unknown[]) => unknown)(command, ...rest);
  }) as DynamoDBClient['send'];
  return { client: counting, queries: () => queries };
}

describe('query pages through any range (dynalite)', () => {
  const dynamo = dynamoClient(inject('dynamoEndpoint'));
  const template = synthesizedTemplate();
  const table = tablesFromTemplate(template, (logicalId) => `${logicalId}-query-${process.pid}`).find(
    (candidate) => candidate.logicalId === outputLogicalId(template, 'AggregatesTableName'),
  )!.input;

  beforeAll(async () => {
    await dynamo.send(new CreateTableCommand(table));
    const events = [];
    let sequence = 1;
    for (let window = 0; window < WINDOWS; window++) {
      for (const { key, every } of KEYS) {
        if (window % every !== 0) continue;
        const id = `e${sequence}`;
        events.push({
          paddedSequence: padSequenceNumber(String(sequence++)),
          event: {
            id,
            type: 'page_view',
            key,
            tsMs: FROM + window * 60_000 + 1,
            value: window,
            valueNanos: BigInt(window) * 1_000_000_000n,
          },
        });
      }
    }
    const deltas = buildItemDeltas('shardId-000000000000', events, [MINUTE], true);
    const store = new DynamoAggregateStore(dynamo, table.TableName!);
    await mapWithConcurrency(deltas, 8, (delta) => store.apply(delta));
  }, 300_000);

  afterAll(async () => {
    await dynamo.send(new DeleteTableCommand({ TableName: table.TableName! }));
  });

  it(`reads all ${WINDOWS} windows in order, streaming: rows come out while most of the range is still unread`, async () => {
    const { client, queries } = countingClient(dynamo);
    const totalQueries = WINDOWS * 16;
    let firstRowAfterQueries: number | undefined;
    let maxHeldWindows = 0;
    const seen: string[] = [];
    let lastWindow = -Infinity;
    for await (const window of streamWindowRows(client, table.TableName!, {
      type: 'page_view',
      granularity: '1m',
      sizeMs: 60_000,
      fromWindowMs: FROM,
      toWindowMs: TO,
    })) {
      expect(window.windowStartMs).toBeGreaterThan(lastWindow);
      lastWindow = window.windowStartMs;
      if (window.rows.length > 0 && firstRowAfterQueries === undefined) firstRowAfterQueries = queries();
      // Windows read but not yet handed out: bounded by the read-ahead, not by the range.
      maxHeldWindows = Math.max(maxHeldWindows, Math.ceil(queries() / 16) - (window.windowStartMs - FROM) / 60_000);
      for (const row of window.rows) seen.push(`${row.windowStart}|${row.key}|${row.count}|${row.sum}`);
    }
    expect(queries()).toBe(totalQueries);
    expect(seen).toHaveLength(expectedRows);
    expect(new Set(seen).size).toBe(expectedRows);
    expect(firstRowAfterQueries).toBeLessThanOrEqual(16 * 5);
    expect(maxHeldWindows).toBeLessThanOrEqual(5);
    expect(seen[0]).toBe(`${new Date(FROM).toISOString()}|/every|1|0`);
  }, 600_000);

  it('pages one key over the range a DynamoDB page at a time, the same rows as reading it whole', async () => {
    const pages: number[] = [];
    for await (const page of readKeyWindowPages(dynamo, table.TableName!, {
      type: 'page_view',
      granularity: '1m',
      key: '/every',
      fromWindowMs: FROM,
      toWindowMs: TO,
    }))
      pages.push(page.length);
    expect(pages.reduce((a, b) => a + b, 0)).toBe(WINDOWS);
    const whole = await readKeyWindows(dynamo, table.TableName!, {
      type: 'page_view',
      granularity: '1m',
      key: 'a,"quoted"\nkey',
      fromWindowMs: FROM,
      toWindowMs: TO,
    });
    expect(whole).toHaveLength(Math.ceil(WINDOWS / 100));
  });

  it('writes the range as RFC 4180 CSV and as one JSON object that parse back to the same rows', async () => {
    const csv: string[] = [];
    const json: string[] = [];
    const csvWriter = new RowWriter('csv', (text) => csv.push(text), { type: 'page_view', window: '1m' });
    const jsonWriter = new RowWriter('json', (text) => json.push(`${text}\n`), { type: 'page_view', window: '1m' });
    for await (const window of streamWindowRows(dynamo, table.TableName!, {
      type: 'page_view',
      granularity: '1m',
      sizeMs: 60_000,
      fromWindowMs: FROM,
      toWindowMs: FROM + 199 * 60_000,
    })) {
      csvWriter.add(window.rows);
      jsonWriter.add(window.rows);
    }
    csvWriter.end('');
    jsonWriter.end('');
    const parsed = JSON.parse(json.join('')) as { type: string; window: string; rows: { key: string }[] };
    expect(parsed.type).toBe('page_view');
    expect(parsed.rows).toHaveLength(200 + Math.ceil(200 / 7) + 2);
    const text = csv.join('');
    expect(text.startsWith('windowStart,key,count,sum,min,max\r\n')).toBe(true);
    expect(text).toContain(`${new Date(FROM).toISOString()},"a,""quoted""\nkey",1,0,0,0\r\n`);
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(1 + parsed.rows.length);
  });
});
