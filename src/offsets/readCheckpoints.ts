import { QueryCommand, ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { checkpointPk } from '../../core';
import { checkpointFromItem } from '../../lambdas/aggregator/store/DynamoCheckpointStore';
import type { Checkpoint } from '../../lambdas/aggregator/store/ports';

const CHECKPOINT_PREFIX = checkpointPk('');

/** A consumer's checkpoints by shard id, read with one Query on its partition (`checkpoint#<consumer>`). */
export async function readCheckpoints(dynamo: DynamoDBClient, table: string, consumer: string): Promise<Map<string, Checkpoint>> {
  const checkpoints = new Map<string, Checkpoint>();
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: checkpointPk(consumer) } },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const shardId = item.sk?.S;
      if (shardId !== undefined) checkpoints.set(shardId, checkpointFromItem(shardId, item));
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return checkpoints;
}

/**
 * The names of every consumer with a checkpoint in the table. The checkpoint table has
 * no index on its partition keys, so this is a Scan with a filter, and a Scan reads
 * every item: the producer-id claims too (one per event id for the claim retention,
 * 7 days by default). Cheap on a local or small table; on a busy one, name the
 * consumers instead (`--consumer`) and each costs one Query.
 */
export async function discoverConsumers(dynamo: DynamoDBClient, table: string): Promise<string[]> {
  const consumers = new Set<string>();
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamo.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: 'begins_with(pk, :prefix)',
        ExpressionAttributeValues: { ':prefix': { S: CHECKPOINT_PREFIX } },
        ProjectionExpression: 'pk',
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const pk = item.pk?.S;
      if (pk?.startsWith(CHECKPOINT_PREFIX)) consumers.add(pk.slice(CHECKPOINT_PREFIX.length));
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return [...consumers].sort();
}
