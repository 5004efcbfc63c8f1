import { QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AggregateAttributes as A, HyperLogLog, MeasureAttributes as M, distinctSketchPk, windowSk } from '../../core';

/** One distinct-count sketch item: the window it counts, the field, the sketch. */
export interface DistinctSketch {
  readonly windowStart: string;
  readonly field: string;
  readonly sketch: HyperLogLog;
}

/**
 * Every distinct-count sketch of one cell's key between two window starts,
 * in window order, one DynamoDB page at a time: one Query of the key's
 * sketch `pk` (docs/measures.md, item layout), `sk` from the first window
 * start to just past the last one's fields. Needs no declaration: each
 * declared field is a sketch item of its own.
 */
export async function* readDistinctPages(
  dynamo: DynamoDBClient,
  table: string,
  query: { type: string; granularity: string; key: string; fromWindowMs: number; toWindowMs: number },
): AsyncGenerator<DistinctSketch[]> {
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#pk': A.pk, '#sk': A.sk },
        ExpressionAttributeValues: {
          ':pk': { S: distinctSketchPk(query.type, query.granularity, query.key) },
          ':from': { S: windowSk(query.fromWindowMs) },
          // `<window start>#<field>` sorts before `<window start>#\uffff` for any field.
          ':to': { S: `${windowSk(query.toWindowMs)}#\uffff` },
        },
        ExclusiveStartKey: startKey,
      }),
    );
    const sketches: DistinctSketch[] = [];
    for (const item of page.Items ?? []) {
      const sketch = sketchFromItem(item);
      if (sketch) sketches.push(sketch);
    }
    yield sketches;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/** The sketches of one cell (one key, one window) by field; empty when the type counts nothing distinct. */
export async function readCellSketches(
  dynamo: DynamoDBClient,
  table: string,
  cell: { type: string; granularity: string; key: string; windowStartMs: number },
): Promise<Map<string, HyperLogLog>> {
  const byField = new Map<string, HyperLogLog>();
  for await (const page of readDistinctPages(dynamo, table, { ...cell, fromWindowMs: cell.windowStartMs, toWindowMs: cell.windowStartMs }))
    for (const { field, sketch } of page) byField.set(field, sketch);
  return byField;
}

function sketchFromItem(item: Record<string, AttributeValue>): DistinctSketch | undefined {
  const sk = item[A.sk]?.S;
  const bytes = item[M.sketch]?.B;
  if (sk === undefined || bytes === undefined) return undefined;
  // An ISO window start holds no `#`, so the first one ends it; the field is the rest.
  const at = sk.indexOf('#');
  if (at === -1) return undefined;
  return { windowStart: sk.slice(0, at), field: sk.slice(at + 1), sketch: HyperLogLog.fromBytes(bytes) };
}
