import {
  ConditionalCheckFailedException,
  GetItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { checkpointPk } from '../../../core';
import type { Checkpoint, CheckpointStore } from './ports';

/**
 * Checkpoints per consumer and shard, like a KCL lease table. The sequence
 * number and the watermark each only move forward, even when batches of one
 * shard commit out of order (parallelization factor above 1).
 */
export class DynamoCheckpointStore implements CheckpointStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly consumerName: string,
  ) {}

  async read(shardId: string): Promise<Checkpoint | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: this.key(shardId), ConsistentRead: true }),
    );
    return Item ? checkpointFromItem(shardId, Item) : undefined;
  }

  async advance(checkpoint: Checkpoint): Promise<void> {
    const position = {
      ':seq': { S: checkpoint.paddedSequence },
      ':arrival': { N: String(checkpoint.arrivalMs) },
      ':updated': { N: String(checkpoint.updatedMs) },
    };
    const names = { '#seq': 'sequence', '#arrival': 'arrivalMs', '#updated': 'updatedMs' };
    const moveSequence = '(attribute_not_exists(#seq) OR #seq < :seq)';
    if (checkpoint.watermarkMs === undefined) {
      await this.updateIgnoringStale(
        'SET #seq = :seq, #arrival = :arrival, #updated = :updated',
        moveSequence,
        names,
        position,
        checkpoint.shardId,
      );
      return;
    }
    const watermark = { ':wm': { N: String(checkpoint.watermarkMs) } };
    const raiseWatermark = '(attribute_not_exists(#wm) OR #wm <= :wm)';
    // The usual case moves both in one write; if only one may move, move it alone.
    const both = await this.updateIgnoringStale(
      'SET #seq = :seq, #arrival = :arrival, #updated = :updated, #wm = :wm',
      `${moveSequence} AND ${raiseWatermark}`,
      { ...names, '#wm': 'watermarkMs' },
      { ...position, ...watermark },
      checkpoint.shardId,
    );
    if (both) return;
    await this.updateIgnoringStale(
      'SET #seq = :seq, #arrival = :arrival, #updated = :updated',
      moveSequence,
      names,
      position,
      checkpoint.shardId,
    );
    await this.updateIgnoringStale('SET #wm = :wm', raiseWatermark, { '#wm': 'watermarkMs' }, watermark, checkpoint.shardId);
  }

  /** Returns false when the condition failed, i.e. the stored value is already ahead. */
  private async updateIgnoringStale(
    update: string,
    condition: string,
    names: Record<string, string>,
    values: Record<string, AttributeValue>,
    shardId: string,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: this.key(shardId),
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private key(shardId: string): Record<string, AttributeValue> {
    return { pk: { S: checkpointPk(this.consumerName) }, sk: { S: shardId } };
  }
}

/** Reads a checkpoint item; shared with the CLI's `offsets`. */
export function checkpointFromItem(shardId: string, item: Record<string, AttributeValue>): Checkpoint {
  return {
    shardId,
    paddedSequence: item.sequence?.S ?? '',
    arrivalMs: Number(item.arrivalMs?.N ?? 0),
    watermarkMs: item.watermarkMs?.N === undefined ? undefined : Number(item.watermarkMs.N),
    updatedMs: Number(item.updatedMs?.N ?? 0),
  };
}
