import { ScanCommand, type AttributeValue, type DynamoDBClient, type ScanCommandInput } from '@aws-sdk/client-dynamodb';
import { AggregateAttributes as A } from '../../core';
import { aggregateItemsFrom, type AggregateItem } from './AggregateItem';

/** Parallel Scan segments: a few at once finish sooner without hogging the table. */
const SEGMENTS = 4;

/**
 * Every aggregate cell of a table whose window starts between two ISO
 * times (per-key items, and the cells of cell pages), with a consistent,
 * parallel Scan. A Scan because drift can sit in
 * any item, also one of a type or key the replay never saw (an extra item),
 * and the table has no index over all windows; it reads the whole table,
 * which reconcile, an occasional batch job, can afford.
 */
export async function scanAggregateItems(
  dynamo: DynamoDBClient,
  tableName: string,
  windowStarts?: { readonly from: string; readonly to: string },
): Promise<AggregateItem[]> {
  const input: ScanCommandInput = {
    TableName: tableName,
    ConsistentRead: true,
    FilterExpression: windowStarts ? 'attribute_exists(#gran) AND #ws BETWEEN :from AND :to' : 'attribute_exists(#gran)',
    ExpressionAttributeNames: windowStarts ? { '#gran': A.granularity, '#ws': A.windowStart } : { '#gran': A.granularity },
    ...(windowStarts ? { ExpressionAttributeValues: { ':from': { S: windowStarts.from }, ':to': { S: windowStarts.to } } } : {}),
  };
  const segments = await Promise.all(
    Array.from({ length: SEGMENTS }, async (_, segment) => {
      const items: AggregateItem[] = [];
      let startKey: Record<string, AttributeValue> | undefined;
      do {
        const page = await dynamo.send(
          new ScanCommand({ ...input, Segment: segment, TotalSegments: SEGMENTS, ExclusiveStartKey: startKey }),
        );
        for (const raw of page.Items ?? []) items.push(...aggregateItemsFrom(raw));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return items;
    }),
  );
  return segments.flat();
}
