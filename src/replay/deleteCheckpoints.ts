import { DeleteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { checkpointPk } from '../../core';
import { readCheckpoints } from '../offsets/readCheckpoints';

/**
 * Deletes every checkpoint of one consumer. A replay does this when it
 * starts a fresh shadow: checkpoints left by an earlier replay of the same
 * name would otherwise make it skip records its new shadow never took.
 * @returns how many were deleted
 */
export async function deleteCheckpoints(dynamo: DynamoDBClient, checkpointTable: string, consumer: string): Promise<number> {
  const checkpoints = await readCheckpoints(dynamo, checkpointTable, consumer);
  for (const shardId of checkpoints.keys()) {
    await dynamo.send(
      new DeleteItemCommand({ TableName: checkpointTable, Key: { pk: { S: checkpointPk(consumer) }, sk: { S: shardId } } }),
    );
  }
  return checkpoints.size;
}
