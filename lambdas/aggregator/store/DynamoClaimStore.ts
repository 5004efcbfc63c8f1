import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CLAIM_SK, claimPk } from '../../../core';
import { ClaimOutcome, type ClaimStore } from './ports';

/**
 * Producer-id claims in the checkpoint table: one conditional put per event,
 * the cheapest exact way to drop a repeated id (an id list inside aggregate
 * items would be billed at the whole item's size on every update).
 */
export class DynamoClaimStore implements ClaimStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly consumerName: string,
    private readonly now: () => number = Date.now,
  ) {}

  async claim(id: string, owner: string, expiresAtSec: number): Promise<ClaimOutcome> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            pk: { S: claimPk(this.consumerName, id) },
            sk: { S: CLAIM_SK },
            owner: { S: owner },
            expiresAt: { N: String(expiresAtSec) },
          },
          // An expired claim may linger until DynamoDB's TTL sweep removes it;
          // it no longer counts.
          ConditionExpression: 'attribute_not_exists(pk) OR #owner = :owner OR #exp < :nowSec',
          ExpressionAttributeNames: { '#owner': 'owner', '#exp': 'expiresAt' },
          ExpressionAttributeValues: { ':owner': { S: owner }, ':nowSec': { N: String(Math.floor(this.now() / 1000)) } },
        }),
      );
      return ClaimOutcome.owned;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return ClaimOutcome.taken;
      throw error;
    }
  }

  async ownerOf(id: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { pk: { S: claimPk(this.consumerName, id) }, sk: { S: CLAIM_SK } },
        ConsistentRead: true,
      }),
    );
    return Item?.owner?.S;
  }
}
