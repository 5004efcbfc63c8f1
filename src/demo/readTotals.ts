import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { AggregateAttributes as A, baseType, isCellPagePk } from '../../core';
import { cellsOfPageItem, PageAttributes } from '../../lambdas/aggregator/store/cellPageItem';
import type { InMemoryMetricStore } from '../local/alarms/InMemoryMetricStore';
import { listQuarantined } from '../quarantine/listQuarantined';

/** The consumer's EMF metrics carry this dimension (Powertools' service name). */
export interface ConsumerMetricIdentity {
  readonly namespace: string;
  readonly service: string;
}

/**
 * Events counted in the aggregates: the sum of `count` over the cells (per-key
 * items and page cells) of the coarsest granularity, where every counted event
 * appears exactly once.
 * Derived cells (a dimension's `<type>@<field>`, a total's `<type>@total`,
 * docs/measures.md) count the same events again, so they are left out.
 */
export async function countAggregated(dynamo: DynamoDBClient, table: string, coarsestGranularity: string): Promise<number> {
  let total = 0;
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamo.send(
      new ScanCommand({
        TableName: table,
        ConsistentRead: true,
        FilterExpression: '#gran = :gran',
        ProjectionExpression: '#pk, #count, #type, #cells',
        ExpressionAttributeNames: {
          '#gran': A.granularity,
          '#pk': A.pk,
          '#count': A.count,
          '#type': A.type,
          '#cells': PageAttributes.cells,
        },
        ExpressionAttributeValues: { ':gran': { S: coarsestGranularity } },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const type = item[A.type]?.S;
      if (type !== undefined && baseType(type) !== type) continue;
      // A cell page holds many keys' counts (core/cellPages.ts).
      if (isCellPagePk(item[A.pk]?.S ?? '')) for (const cell of cellsOfPageItem(item).values()) total += cell.count;
      else total += Number(item[A.count]?.N ?? 0);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return total;
}

/** Records in the quarantine, by reason. */
export async function countQuarantined(s3: S3Client, bucket: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = { invalid: 0, late: 0, future: 0 };
  for (const { document } of await listQuarantined(s3, bucket)) counts[document.reason] = (counts[document.reason] ?? 0) + 1;
  return counts;
}

/** The sum of one of the consumer's metrics over a time range. */
export function sumOfMetric(
  metrics: InMemoryMetricStore,
  consumer: ConsumerMetricIdentity,
  metricName: string,
  startMs: number,
  endMs: number,
): number {
  return metrics
    .values({ namespace: consumer.namespace, metricName, dimensions: { service: consumer.service } }, startMs, endMs)
    .reduce((sum, value) => sum + value, 0);
}
