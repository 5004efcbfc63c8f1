import {
  BatchGetItemCommand,
  GetItemCommand,
  QueryCommand,
  type AttributeValue,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import {
  AggregateAttributes as A,
  AggregateIndexes,
  WINDOW_INDEX_PARTS,
  aggregatePk,
  topKeysPk,
  windowPartPk,
  windowSk,
  compareKeyCounts,
  isQuantileBinAttribute,
  MeasureAttributes as M,
} from '../../core';
import { boardFromItem } from '../../lambdas/aggregator/store/DynamoTopKeysStore';
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

/** {@link readKeyWindows} one DynamoDB page at a time, so a long range is never held whole. */
export function readKeyWindowPages(
  dynamo: DynamoDBClient,
  table: string,
  query: { type: string; granularity: string; key: string; fromWindowMs: number; toWindowMs: number },
): AsyncGenerator<AggregateCell[]> {
  return readPages(dynamo, {
    TableName: table,
    KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
    ExpressionAttributeNames: { '#pk': A.pk, '#sk': A.sk },
    ExpressionAttributeValues: {
      ':pk': { S: aggregatePk(query.type, query.granularity, query.key) },
      ':from': { S: windowSk(query.fromWindowMs) },
      ':to': { S: windowSk(query.toWindowMs) },
    },
  });
}

/**
 * The top `limit` keys of one window, highest count first (ties by key), from
 * the window's leaderboard: one GetItem, then the items themselves for their
 * sums, minima and maxima.
 */
export async function readTopKeys(
  dynamo: DynamoDBClient,
  table: string,
  query: { type: string; granularity: string; windowStartMs: number; limit: number },
): Promise<AggregateCell[]> {
  const { Item } = await dynamo.send(
    new GetItemCommand({
      TableName: table,
      Key: { pk: { S: topKeysPk(query.type, query.granularity) }, sk: { S: windowSk(query.windowStartMs) } },
    }),
  );
  if (!Item) return [];
  const board = boardFromItem(Item);
  if (query.limit > board.depth) throw new TopKeysDepthError(query.limit, board.depth);
  const keys = board.entries.slice(0, query.limit).map((entry) => entry.key);
  const rows = await readItems(
    dynamo,
    table,
    keys.map((key) => itemKeyOf(query.type, query.granularity, key, query.windowStartMs)),
  );
  return rows.sort(compareKeyCounts);
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
  const rows = await readItems(dynamo, table, keys);
  return rows.sort(compareKeyCounts);
}

/** BatchGetItem in requests of 100 keys, again for what DynamoDB left unprocessed. */
async function readItems(dynamo: DynamoDBClient, table: string, keys: readonly Record<string, AttributeValue>[]): Promise<AggregateCell[]> {
  const rows: AggregateCell[] = [];
  for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) {
    let pending: Record<string, AttributeValue>[] | undefined = keys.slice(i, i + BATCH_GET_LIMIT);
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 25 * 2 ** attempt)));
      const answer: BatchGetItemCommandOutput = await dynamo.send(
        new BatchGetItemCommand({ RequestItems: { [table]: { Keys: pending } } }),
      );
      rows.push(...(answer.Responses?.[table] ?? []).map(rowFromItem));
      pending = answer.UnprocessedKeys?.[table]?.Keys;
    }
  }
  return rows;
}

function itemKeyOf(type: string, granularity: string, key: string, windowStartMs: number): Record<string, AttributeValue> {
  return { [A.pk]: { S: aggregatePk(type, granularity, key) }, [A.sk]: { S: windowSk(windowStartMs) } };
}

const BATCH_GET_LIMIT = 100;

async function* readPages(dynamo: DynamoDBClient, input: QueryCommandInput): AsyncGenerator<AggregateCell[]> {
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamo.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    yield (page.Items ?? []).map(rowFromItem);
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
