import { QueryCommand, type AttributeValue, type DynamoDBClient, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import {
  AggregateAttributes as A,
  AggregateIndexes,
  WINDOW_INDEX_PARTS,
  aggregatePk,
  cellPagePk,
  topKeysPk,
  windowPartPk,
  windowSk,
  compareKeyCounts,
  isQuantileBinAttribute,
  MeasureAttributes as M,
} from '../../core';
import { cellPageKey, cellsOfPageItem, PageAttributes } from '../../lambdas/aggregator/store/cellPageItem';
import { boardFromItem } from '../../lambdas/aggregator/store/DynamoTopKeysStore';
import { batchGetItems, cellsOf, pageCellItems, readCells } from '../../lambdas/aggregator/store/readCells';
import { TopKeysDepthError } from './errors';

/** One aggregate as `query --json` prints it (docs/contract.md §2). */
export interface AggregateRow {
  readonly key: string;
  readonly windowStart: string;
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  /** Quantiles of `value` by name (`p50`), when the item keeps quantile bins (docs/measures.md). */
  readonly quantiles?: Readonly<Record<string, number>>;
  /** Distinct-count estimates by field (`attrs.user`), when the cell has distinct-count sketches. */
  readonly distinct?: Readonly<Record<string, number>>;
}

/** An item's quantile bins: count by bin attribute (`qp<i>`, `qn<i>`, `qz`), as core/sketches reads them. */
export type QuantileBins = Readonly<Record<string, number>>;

/**
 * One aggregate item as read: the plain aggregates, and the quantile bins
 * and their accuracy when the item has them (absent otherwise, so a plain
 * item reads exactly as before). What a row is made from (measuredRows.ts).
 */
export interface AggregateCell {
  readonly key: string;
  readonly windowStart: string;
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  /** The item's `qp<i>`/`qn<i>`/`qz` attributes by name. */
  readonly bins?: QuantileBins;
  /** `qa`: the relative accuracy the bins were made with. */
  readonly accuracy?: number;
  /** `qd`: the item's distinct-count fields; absent: it has no sketches to read. */
  readonly distinctFields?: readonly string[];
}

/** The windows of one key between two window starts, oldest first. */
export async function readKeyWindows(
  dynamo: DynamoDBClient,
  table: string,
  query: { type: string; granularity: string; key: string; fromWindowMs: number; toWindowMs: number },
): Promise<AggregateCell[]> {
  const rows: AggregateCell[] = [];
  for await (const page of readKeyWindowPages(dynamo, table, query)) rows.push(...page);
  return rows;
}

/**
 * {@link readKeyWindows} one DynamoDB page at a time, so a long range is never
 * held whole: the key's per-key items and its cells in the windows' pages
 * (core/cellPages.ts), two Queries merged in window order.
 */
export function readKeyWindowPages(
  dynamo: DynamoDBClient,
  table: string,
  query: { type: string; granularity: string; key: string; fromWindowMs: number; toWindowMs: number },
): AsyncGenerator<AggregateCell[]> {
  const range = { ':from': { S: windowSk(query.fromWindowMs) }, ':to': { S: windowSk(query.toWindowMs) } };
  const perKey = readPages(dynamo, {
    TableName: table,
    KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
    ExpressionAttributeNames: { '#pk': A.pk, '#sk': A.sk },
    ExpressionAttributeValues: { ':pk': { S: aggregatePk(query.type, query.granularity, query.key) }, ...range },
  });
  const paged = readPages(
    dynamo,
    {
      TableName: table,
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#pk': A.pk, '#sk': A.sk },
      ExpressionAttributeValues: { ':pk': { S: cellPagePk(query.type, query.granularity) }, ...range },
    },
    // Only this key's cell of each page (a Query is billed by the pages' size whatever it returns).
    (page) => pageCellItems(page).filter((cell) => cell[A.key]?.S === query.key),
  );
  return mergeByWindow(perKey, paged);
}

/**
 * Two streams of one key's rows, each in window order, as one in window
 * order. A window in both (only if the type's layout changed within it) is
 * one row of both added.
 */
async function* mergeByWindow(a: AsyncGenerator<AggregateCell[]>, b: AsyncGenerator<AggregateCell[]>): AsyncGenerator<AggregateCell[]> {
  const sources = [
    { rows: [] as AggregateCell[], iterator: a, done: false },
    { rows: [] as AggregateCell[], iterator: b, done: false },
  ];
  for (;;) {
    for (const source of sources) {
      while (!source.done && source.rows.length === 0) {
        const next = await source.iterator.next();
        if (next.done) source.done = true;
        else source.rows = next.value;
      }
    }
    if (sources.every((source) => source.done && source.rows.length === 0)) return;
    // Every row up to the first source's last one is final, unless the other may still bring an earlier window.
    const limits = sources.filter((source) => !source.done).map((source) => source.rows[source.rows.length - 1]!.windowStart);
    const limit = limits.length === 0 ? undefined : limits.reduce((low, next) => (next < low ? next : low));
    const out: AggregateCell[] = [];
    const [first, second] = sources as [(typeof sources)[0], (typeof sources)[0]];
    while (first.rows.length > 0 || second.rows.length > 0) {
      const x = first.rows[0];
      const y = second.rows[0];
      const next = x === undefined ? y! : y === undefined ? x : x.windowStart <= y.windowStart ? x : y;
      if (limit !== undefined && next.windowStart > limit) break;
      if (x !== undefined && y !== undefined && x.windowStart === y.windowStart) {
        first.rows.shift();
        second.rows.shift();
        out.push(addCells(x, y));
      } else (next === x ? first : second).rows.shift();
      if (!(x !== undefined && y !== undefined && x.windowStart === y.windowStart)) out.push(next);
    }
    if (out.length > 0) yield out;
  }
}

function addCells(a: AggregateCell, b: AggregateCell): AggregateCell {
  return { ...a, count: a.count + b.count, sum: a.sum + b.sum, min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) };
}

/**
 * The top `limit` keys of one window, highest count first (ties by key): the
 * window's cell page holds its first keys with their counts, and its
 * leaderboard the top keys of those with items of their own (core/cellPages.ts):
 * one BatchGetItem for both, the ranking of the two together, then the cells.
 * `limit` may not exceed the consumer's `topKeysDepth` (on the board, and on
 * the page for a window that has no board).
 */
export async function readTopKeys(
  dynamo: DynamoDBClient,
  table: string,
  query: { type: string; granularity: string; windowStartMs: number; limit: number },
): Promise<AggregateCell[]> {
  const boardKey = { pk: { S: topKeysPk(query.type, query.granularity) }, sk: { S: windowSk(query.windowStartMs) } };
  const pageKey = cellPageKey(query.type, query.granularity, query.windowStartMs);
  const found = await batchGetItems(dynamo, table, [boardKey, pageKey]);
  const boardItem = found.find((item) => item[A.pk]?.S === boardKey.pk.S);
  const page = found.find((item) => item[A.pk]?.S === pageKey.pk.S);
  if (!boardItem && !page) return [];
  const board = boardItem ? boardFromItem(boardItem) : undefined;
  // The depth the consumer keeps, on its board or (a window without one) on its page: more is refused either way.
  const pageDepth = page?.[PageAttributes.depth]?.N;
  const depth = board?.depth ?? (pageDepth === undefined ? undefined : Number(pageDepth));
  if (depth !== undefined && query.limit > depth) throw new TopKeysDepthError(query.limit, depth);
  // Counts only grow: where both name a key, the larger count is the later one.
  const counts = new Map<string, number>();
  for (const entry of board?.entries ?? []) counts.set(entry.key, entry.count);
  for (const [key, cell] of page ? cellsOfPageItem(page) : []) counts.set(key, Math.max(cell.count, counts.get(key) ?? 0));
  const keys = [...counts]
    .map(([key, count]) => ({ key, count }))
    .sort(compareKeyCounts)
    .slice(0, query.limit)
    .map((entry) => entry.key);
  const cells = await readCells(
    dynamo,
    table,
    keys.map((key) => ({ type: query.type, granularity: query.granularity, key, windowStartMs: query.windowStartMs })),
  );
  return [...cells.values()].map(rowFromItem).sort(compareKeyCounts);
}

/**
 * Every key of one window, highest count first (ties by key): the window's
 * parts of the keys-only `byWindow` index, page by page, then the items.
 */
export async function readWindowKeys(
  dynamo: DynamoDBClient,
  table: string,
  query: { type: string; granularity: string; windowStartMs: number },
): Promise<AggregateCell[]> {
  const keys: Record<string, AttributeValue>[] = [];
  // The window's page holds its first keys; the index lists those with per-key items.
  keys.push(cellPageKey(query.type, query.granularity, query.windowStartMs));
  // The parts are independent partitions of the index: read them at once.
  await Promise.all(
    Array.from({ length: WINDOW_INDEX_PARTS }, async (_, part) => {
      let startKey: Record<string, AttributeValue> | undefined;
      do {
        const page = await dynamo.send(
          new QueryCommand({
            TableName: table,
            IndexName: AggregateIndexes.byWindow,
            KeyConditionExpression: '#wpk = :wpk',
            ExpressionAttributeNames: { '#wpk': A.windowPk },
            ExpressionAttributeValues: { ':wpk': { S: windowPartPk(query.type, query.granularity, query.windowStartMs, part) } },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) keys.push({ [A.pk]: item[A.pk]!, [A.sk]: item[A.sk]! });
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    }),
  );
  const rows = [...(await readItemsByKey(dynamo, table, keys)).values()].map(rowFromItem);
  return rows.sort(compareKeyCounts);
}

/** The cells of the given items (pages and per-key items), in per-key form. */
async function readItemsByKey(dynamo: DynamoDBClient, table: string, keys: readonly Record<string, AttributeValue>[]) {
  return cellsOf(await batchGetItems(dynamo, table, keys));
}

async function* readPages(
  dynamo: DynamoDBClient,
  input: QueryCommandInput,
  expand: (item: Record<string, AttributeValue>) => Record<string, AttributeValue>[] = (item) => [item],
): AsyncGenerator<AggregateCell[]> {
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamo.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    yield (page.Items ?? []).flatMap(expand).map(rowFromItem);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

function rowFromItem(item: Record<string, AttributeValue>): AggregateCell {
  const row = {
    key: item[A.key]?.S ?? '',
    windowStart: item[A.windowStart]?.S ?? item[A.sk]?.S ?? '',
    count: Number(item[A.count]?.N ?? 0),
    sum: Number(item[A.sum]?.N ?? 0),
    min: Number(item[A.min]?.N ?? 0),
    max: Number(item[A.max]?.N ?? 0),
  };
  const fields = item[M.distinctFields]?.S;
  const withFields = fields === undefined ? row : { ...row, distinctFields: fields.split(',') };
  const accuracy = item[M.relativeAccuracy]?.N;
  if (accuracy === undefined) return withFields;
  const bins: Record<string, number> = {};
  for (const [name, value] of Object.entries(item)) if (isQuantileBinAttribute(name) && value.N !== undefined) bins[name] = Number(value.N);
  return { ...withFields, bins, accuracy: Number(accuracy) };
}
