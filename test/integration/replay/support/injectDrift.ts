import { DeleteItemCommand, GetItemCommand, PutItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { aggregatePk, cellPagePk, decimalStringToNanos, nanosToDecimalString, windowPk, windowSk } from '../../../../core';
import { decodeCells, encodeCells, type StoredCell } from '../../../../lambdas/aggregator/store/cellPageItem';

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
  // A page's cells are one encoded attribute: read, changed, and written back conditioned on the version read.
  const update = async (cell: CellAddress, change: (cells: Map<string, StoredCell>) => void) => {
    const { Item } = await dynamo.send(new GetItemCommand({ TableName: table, Key: pageKey(cell), ConsistentRead: true }));
    const cells = decodeCells(Item!.cells);
    change(cells);
    await dynamo.send(
      new PutItemCommand({
        TableName: table,
        Item: { ...Item!, cells: encodeCells(cells), v: { N: String(Number(Item!.v!.N) + 1) } },
        ConditionExpression: '#v = :read',
        ExpressionAttributeNames: { '#v': 'v' },
        ExpressionAttributeValues: { ':read': Item!.v! },
      }),
    );
  };
  const plus = (sum: string | undefined, n: number) => nanosToDecimalString(decimalStringToNanos(sum ?? '0')! + BigInt(n) * 1_000_000_000n);
  return {
    remove: (cell) => update(cell, (cells) => cells.delete(cell.key)),
    add: (cell, n) =>
      update(cell, (cells) => {
        const known = cells.get(cell.key)!;
        cells.set(cell.key, { ...known, count: known.count + n, sum: plus(known.sum, n) });
      }),
    putGhost: (cell, count) => update(cell, (cells) => cells.set(cell.key, { count, sum: String(count), min: 1, max: 1 })),
  };
}
