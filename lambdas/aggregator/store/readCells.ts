import { BatchGetItemCommand, type AttributeValue, type BatchGetItemCommandOutput, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  aggregatePk,
  decimalStringToNanos,
  isCellPagePk,
  nanosToDecimalString,
  parseAggregatePk,
  windowSk,
  AggregateAttributes as A,
  MeasureAttributes,
} from '../../../core';
import { cellPageKey, cellsOfPageItem, type StoredCell } from './cellPageItem';
import type { DynamoItem } from './itemSize';

/**
 * Reading cells whichever item holds them (core/cellPages.ts): a key's cell
 * of a window is in the window's page or in its per-key item. Readers get
 * every cell as a per-key item would show it, so what reads an item (a row,
 * an alert's state) reads a page cell the same way.
 */

/** One cell to read. */
export interface CellAddress {
  readonly type: string;
  readonly granularity: string;
  readonly key: string;
  readonly windowStartMs: number;
}

/** A page's cells, each as the per-key item it stands for. */
export function pageCellItems(page: DynamoItem): DynamoItem[] {
  const type = page[A.type]?.S ?? '';
  const granularity = page[A.granularity]?.S ?? '';
  const items: DynamoItem[] = [];
  for (const [key, cell] of cellsOfPageItem(page)) items.push(cellItem(type, granularity, key, page, cell));
  return items;
}

/** The per-key form of one page cell. */
function cellItem(type: string, granularity: string, key: string, page: DynamoItem, cell: StoredCell): DynamoItem {
  const item: DynamoItem = {
    [A.pk]: { S: aggregatePk(type, granularity, key) },
    [A.sk]: page[A.sk]!,
    [A.type]: { S: type },
    [A.key]: { S: key },
    [A.granularity]: { S: granularity },
    [A.windowStart]: page[A.windowStart] ?? page[A.sk]!,
    [A.count]: { N: String(cell.count) },
  };
  if (cell.sum !== undefined) item[A.sum] = { N: cell.sum };
  if (cell.min !== undefined) item[A.min] = { N: String(cell.min) };
  if (cell.max !== undefined) item[A.max] = { N: String(cell.max) };
  const distinct = page[MeasureAttributes.distinctFields];
  if (distinct !== undefined) item[MeasureAttributes.distinctFields] = distinct;
  return item;
}

/**
 * A cell found in both a page and a per-key item, added up. The writer never
 * makes both; this only keeps a reader exact if a type's layout changed
 * within a window (quantile bins declared for it, say).
 */
export function combineCellItems(perKey: DynamoItem, fromPage: DynamoItem): DynamoItem {
  const number = (item: DynamoItem, name: string): string | undefined => item[name]?.N;
  const combined: DynamoItem = {
    ...perKey,
    [A.count]: { N: String(Number(number(perKey, A.count) ?? 0) + Number(number(fromPage, A.count) ?? 0)) },
  };
  const sums = [number(perKey, A.sum), number(fromPage, A.sum)].filter((sum) => sum !== undefined);
  if (sums.length > 0) combined[A.sum] = { N: nanosToDecimalString(sums.reduce((total, sum) => total + decimalStringToNanos(sum)!, 0n)) };
  for (const [name, pick] of [
    [A.min, Math.min],
    [A.max, Math.max],
  ] as const) {
    const values = [number(perKey, name), number(fromPage, name)].filter((value) => value !== undefined).map(Number);
    if (values.length > 0) combined[name] = { N: String(pick(...values)) };
  }
  return combined;
}

const BATCH_GET_LIMIT = 100;

/**
 * The items of `addresses` (per-key form), keyed `pk|sk` of the per-key item;
 * a cell that has no events is absent. One BatchGetItem per 100 keys for the
 * pages and the per-key items together, again for what DynamoDB left unprocessed.
 */
export async function readCells(
  dynamo: DynamoDBClient,
  table: string,
  addresses: readonly CellAddress[],
  options: { readonly consistent?: boolean } = {},
): Promise<Map<string, DynamoItem>> {
  const keys = new Map<string, Record<string, AttributeValue>>();
  const wanted = new Set<string>();
  for (const address of addresses) {
    const page = cellPageKey(address.type, address.granularity, address.windowStartMs);
    keys.set(`${page.pk.S}|${page.sk.S}`, page);
    const perKey = { pk: { S: aggregatePk(address.type, address.granularity, address.key) }, sk: { S: windowSk(address.windowStartMs) } };
    const id = `${perKey.pk.S}|${perKey.sk.S}`;
    keys.set(id, perKey);
    wanted.add(id);
  }
  const cells = cellsOf(await batchGetItems(dynamo, table, [...keys.values()], options.consistent === true));
  // A page brings every key's cell of its window: keep those asked for.
  for (const id of cells.keys()) if (!wanted.has(id)) cells.delete(id);
  return cells;
}

/** Items as read (pages and per-key items mixed) → every cell in per-key form, keyed `pk|sk`. */
export function cellsOf(items: readonly DynamoItem[]): Map<string, DynamoItem> {
  const cells = new Map<string, DynamoItem>();
  const add = (item: DynamoItem, fromPage: boolean): void => {
    const id = `${item[A.pk]!.S}|${item[A.sk]!.S}`;
    const other = cells.get(id);
    cells.set(id, other === undefined ? item : fromPage ? combineCellItems(other, item) : combineCellItems(item, other));
  };
  for (const item of items) {
    const pk = item[A.pk]?.S ?? '';
    if (isCellPagePk(pk)) for (const cell of pageCellItems(item)) add(cell, true);
    // Leaderboards and sketches (`#top#`, `#d#`) are no cells.
    else if (!pk.startsWith('#') && parseAggregatePk(pk) !== undefined) add(item, false);
  }
  return cells;
}

/** BatchGetItem in requests of 100 keys, again for what DynamoDB left unprocessed. */
export async function batchGetItems(
  dynamo: DynamoDBClient,
  table: string,
  keys: readonly Record<string, AttributeValue>[],
  consistent = false,
): Promise<DynamoItem[]> {
  const items: DynamoItem[] = [];
  for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) {
    let pending: Record<string, AttributeValue>[] | undefined = keys.slice(i, i + BATCH_GET_LIMIT);
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 25 * 2 ** attempt)));
      const answer: BatchGetItemCommandOutput = await dynamo.send(
        new BatchGetItemCommand({ RequestItems: { [table]: { Keys: pending, ...(consistent ? { ConsistentRead: true } : {}) } } }),
      );
      items.push(...(answer.Responses?.[table] ?? []));
      pending = answer.UnprocessedKeys?.[table]?.Keys;
    }
  }
  return items;
}
