import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { aggregatePk, cellPagePk, windowPk, windowSk } from '../../../../core';

/** How the live consumer lays out its cells (core/cellPages.ts): per-key items only, or cell pages. */
export const LAYOUTS = [
  { name: 'per-key items', pageBudgetBytes: 0 },
  { name: 'cell pages', pageBudgetBytes: 4_096 },
] as const;

export interface CellAddress {
  readonly type: string;
  readonly granularity: string;
  readonly key: string;
  readonly windowStartMs: number;
}

/**
 * Drift injected into the live table where the cell lives: its per-key item,
 * or its entry in the window's page (the page's version moves, as any write
 * of it does, so the consumer re-reads it rather than overwrite it).
 */
export interface DriftInjector {
  remove(cell: CellAddress): Promise<void>;
  /** Adds `n` to the cell's count and sum. */
  add(cell: CellAddress, n: number): Promise<void>;
  /** Puts a cell the live consumer never wrote, of `count` events of value 1. */
  putGhost(cell: CellAddress, count: number): Promise<void>;
}

export function driftInjector(dynamo: DynamoDBClient, table: string, pages: boolean): DriftInjector {
  const itemKey = (cell: CellAddress) => ({
    pk: { S: aggregatePk(cell.type, cell.granularity, cell.key) },
    sk: { S: windowSk(cell.windowStartMs) },
  });
  const pageKey = (cell: CellAddress) => ({ pk: { S: cellPagePk(cell.type, cell.granularity) }, sk: { S: windowSk(cell.windowStartMs) } });
  if (!pages) {
    return {
      remove: async (cell) => {
        await dynamo.send(new DeleteItemCommand({ TableName: table, Key: itemKey(cell), ConditionExpression: 'attribute_exists(pk)' }));
      },
      add: async (cell, n) => {
        await dynamo.send(
          new UpdateItemCommand({
            TableName: table,
            Key: itemKey(cell),
            UpdateExpression: 'ADD #c :n, #s :n',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#c': 'count', '#s': 'sum' },
            ExpressionAttributeValues: { ':n': { N: String(n) } },
          }),
        );
      },
      putGhost: async (cell, count) => {
        await dynamo.send(
          new PutItemCommand({
            TableName: table,
            Item: {
              ...itemKey(cell),
              type: { S: cell.type },
              key: { S: cell.key },
              granularity: { S: cell.granularity },
              windowStart: { S: windowSk(cell.windowStartMs) },
              windowPk: { S: windowPk(cell.type, cell.granularity, cell.windowStartMs, cell.key) },
              count: { N: String(count) },
              sum: { N: String(count) },
              min: { N: '1' },
              max: { N: '1' },
            },
          }),
        );
      },
    };
  }
  // A page cell is an entry [key, count, sum, min, max] of the List `cells`: found by its key, changed by its place.
  const update = async (cell: CellAddress, expression: (index: number) => string, values: Record<string, AttributeValue>) => {
    const { Item } = await dynamo.send(new GetItemCommand({ TableName: table, Key: pageKey(cell), ConsistentRead: true }));
    const entries = Item?.cells?.L ?? [];
    const found = entries.findIndex((entry) => entry.L?.[0]?.S === cell.key);
    const index = found === -1 ? entries.length : found;
    await dynamo.send(
      new UpdateItemCommand({
        TableName: table,
        Key: pageKey(cell),
        UpdateExpression: `${expression(index)} ADD #v :one`,
        ConditionExpression: '#v = :read',
        ExpressionAttributeNames: { '#cells': 'cells', '#v': 'v' },
        ExpressionAttributeValues: { ':one': { N: '1' }, ':read': Item!.v!, ...values },
      }),
    );
  };
  return {
    remove: (cell) => update(cell, (i) => `REMOVE #cells[${i}]`, {}),
    add: (cell, n) =>
      update(cell, (i) => `SET #cells[${i}][1] = #cells[${i}][1] + :n, #cells[${i}][2] = #cells[${i}][2] + :n`, { ':n': { N: String(n) } }),
    putGhost: (cell, count) =>
      update(cell, () => 'SET #cells = list_append(#cells, :cell)', {
        ':cell': { L: [{ L: [{ S: cell.key }, { N: String(count) }, { N: String(count) }, { N: '1' }, { N: '1' }] }] },
      }),
  };
}
