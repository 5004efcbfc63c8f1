import { QueryCommand, type AttributeValue, type DynamoDBClient, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { AggregateAttributes as A, AggregateIndexes, aggregatePk, windowPk, windowSk } from '../../lambdas/aggregator/core/itemKeys';

/** One aggregate as `query --json` prints it (docs/contract.md §2). */
export interface AggregateRow {
  readonly key: string;
  readonly windowStart: string;
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
}

/** The windows of one key between two window starts, oldest first. */
export async function readKeyWindows(
  dynamo: DynamoDBClient,
  table: string,
  query: { type: string; granularity: string; key: string; fromWindowMs: number; toWindowMs: number },
): Promise<AggregateRow[]> {
  return readAll(dynamo, {
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
 * The keys of one window by count, highest first, from the `byWindowCount`
 * index: one Query for the top N, pages for all.
 */
export async function readWindowKeys(
  dynamo: DynamoDBClient,
  table: string,
  query: { type: string; granularity: string; windowStartMs: number; limit?: number },
): Promise<AggregateRow[]> {
  return readAll(
    dynamo,
    {
      TableName: table,
      IndexName: AggregateIndexes.byWindowCount,
      KeyConditionExpression: '#wpk = :wpk',
      ExpressionAttributeNames: { '#wpk': A.windowPk },
      ExpressionAttributeValues: { ':wpk': { S: windowPk(query.type, query.granularity, query.windowStartMs) } },
      ScanIndexForward: false,
      Limit: query.limit,
    },
    query.limit,
  );
}

async function readAll(dynamo: DynamoDBClient, input: QueryCommandInput, limit?: number): Promise<AggregateRow[]> {
  const rows: AggregateRow[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamo.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    rows.push(...(page.Items ?? []).map(rowFromItem));
    startKey = page.LastEvaluatedKey;
  } while (startKey && (limit === undefined || rows.length < limit));
  return limit === undefined ? rows : rows.slice(0, limit);
}

function rowFromItem(item: Record<string, AttributeValue>): AggregateRow {
  return {
    key: item[A.key]?.S ?? '',
    windowStart: item[A.windowStart]?.S ?? item[A.sk]?.S ?? '',
    count: Number(item[A.count]?.N ?? 0),
    sum: Number(item[A.sum]?.N ?? 0),
    min: Number(item[A.min]?.N ?? 0),
    max: Number(item[A.max]?.N ?? 0),
  };
}
