import { CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { aggregatePk, padSequenceNumber, toNanos, windowSk, type ItemDelta } from '../../core';
import { DynamoAggregateStore } from '../../lambdas/aggregator/store/DynamoAggregateStore';
import { tablesFromTemplate } from '../../src/local/template/tablesFromTemplate';
import { dynamoClient } from '../support/clients';
import { outputLogicalId, synthesizedTemplate } from '../support/synthesizedTemplate';

const WINDOW = Date.parse('2026-12-03T10:00:00.000Z');

function delta(key: string, values: readonly number[], firstSequence: number, shardId = 'shardId-000000000000'): ItemDelta {
  return {
    address: { type: 'page_view', key, granularity: '1m', windowStartMs: WINDOW, windowSizeMs: 60_000, expiresAtSec: 1_900_000_000 },
    shardId,
    contributions: values.map((value, i) => ({
      paddedSequence: padSequenceNumber(String(firstSequence + i)),
      value,
      valueNanos: toNanos(value)!,
      event: { id: `e${firstSequence + i}`, type: 'page_view', key, tsMs: WINDOW, value, valueNanos: toNanos(value)! },
    })),
  };
}

describe('DynamoAggregateStore: a new minimum or maximum, against dynalite', () => {
  const dynamo = dynamoClient(inject('dynamoEndpoint'));
  const template = synthesizedTemplate();
  const tables = tablesFromTemplate(template, (logicalId) => `${logicalId}-extremes-${process.pid}`);
  const aggregates = tables.find((table) => table.logicalId === outputLogicalId(template, 'AggregatesTableName'))!;
  const tableName = aggregates.input.TableName!;
  const requests: string[] = [];
  dynamo.middlewareStack.add(
    (next, context) => (args) => {
      requests.push(context.commandName ?? '?');
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );

  beforeAll(async () => {
    await dynamo.send(new CreateTableCommand(aggregates.input));
  });

  async function item(key: string) {
    const { Item } = await dynamo.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { pk: { S: aggregatePk('page_view', '1m', key) }, sk: { S: windowSk(WINDOW) } },
        ConsistentRead: true,
      }),
    );
    return { count: Item?.count?.N, min: Item?.min?.N, max: Item?.max?.N };
  }

  async function requestsOf(write: () => Promise<unknown>): Promise<string[]> {
    requests.length = 0;
    await write();
    return [...requests];
  }

  it('writes a new minimum and maximum it can tell from its last write in one request', async () => {
    const store = new DynamoAggregateStore(dynamo, tableName);
    expect(await requestsOf(() => store.apply(delta('/one', [10, 20], 1)))).toEqual(['UpdateItemCommand']);
    expect(await requestsOf(() => store.apply(delta('/one', [5, 30], 3)))).toEqual(['UpdateItemCommand']);
    expect(await requestsOf(() => store.apply(delta('/one', [15], 5)))).toEqual(['UpdateItemCommand']);
    expect(await item('/one')).toEqual({ count: '5', min: '5', max: '30' });
  });

  it('without a memory of the item, a new extreme is read first, then remembered', async () => {
    await new DynamoAggregateStore(dynamo, tableName).apply(delta('/fresh', [10, 20], 1));
    const store = new DynamoAggregateStore(dynamo, tableName);
    expect(await requestsOf(() => store.apply(delta('/fresh', [1], 3)))).toEqual([
      'UpdateItemCommand',
      'GetItemCommand',
      'UpdateItemCommand',
    ]);
    expect(await requestsOf(() => store.apply(delta('/fresh', [0.5, 99], 4)))).toEqual(['UpdateItemCommand']);
    expect(await item('/fresh')).toEqual({ count: '5', min: '0.5', max: '99' });
  });

  it('a memory made stale by another writer costs a read, never a wrong minimum, maximum or count', async () => {
    const mine = new DynamoAggregateStore(dynamo, tableName);
    const other = new DynamoAggregateStore(dynamo, tableName);
    await mine.apply(delta('/shared', [10, 20], 1));
    // Another shard lowers the min to 2 and raises the max to 40; mine still remembers 10 and 20.
    await other.apply(delta('/shared', [2, 40], 1, 'shardId-000000000001'));

    // 5 is below what mine remembers but not below the item's minimum: the condition fails, the read path writes.
    expect(await requestsOf(() => mine.apply(delta('/shared', [5, 30], 3)))).toEqual([
      'UpdateItemCommand',
      'GetItemCommand',
      'UpdateItemCommand',
    ]);
    expect(await item('/shared')).toEqual({ count: '6', min: '2', max: '40' });
  });

  it('a redelivered delta with a remembered new extreme is not applied twice', async () => {
    const store = new DynamoAggregateStore(dynamo, tableName);
    await store.apply(delta('/again', [10], 1));
    await store.apply(delta('/again', [3, 50], 2));
    // The same contributions again (Lambda re-delivered the batch): the high-water mark refuses them.
    await store.apply(delta('/again', [3, 50], 2));
    // Redelivered with one more, which is a new minimum: only that one is added.
    await store.apply(delta('/again', [3, 50, 1], 2));
    expect(await item('/again')).toEqual({ count: '4', min: '1', max: '50' });
  });
});
