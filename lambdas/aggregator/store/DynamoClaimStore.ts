import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CLAIM_SK, claimPk } from '../../../core';
import { ClaimOutcome, type ClaimStore } from './ports';

/**
 * The time, in epoch seconds, at which a claim's expiry is judged, given the
 * expiry the new claim would carry (processBatch's ceil((arrival + retention) / 1000)).
 */
export type ClaimClock = (expiresAtSec: number) => number;

/** The live consumer's clock: a claim has expired if it has by now (about when the claiming record arrived). */
export function wallClock(now: () => number = Date.now): ClaimClock {
  return () => Math.floor(now() / 1000);
}

/**
 * A replay's clock: a claim has expired only if it had when the claiming
 * record arrived, recovered from the new claim's expiry to within a second.
 * A replay runs days or months after the records arrived, when on the wall
 * clock every old claim would look expired and every producer retry would
 * count again; so the dedup horizon (`DEDUP_RETENTION_MS`) is measured in
 * the stream's time, as the live consumer measured it.
 */
export function arrivalClock(dedupRetentionMs: number): ClaimClock {
  const retentionSec = Math.ceil(dedupRetentionMs / 1000);
  return (expiresAtSec) => expiresAtSec - retentionSec;
}

/**
 * Producer-id claims: one conditional put per event, the cheapest exact way
 * to drop a repeated id (an id list inside aggregate items would be billed at
 * the whole item's size on every update). The live consumer keeps them in the
 * checkpoint table on the wall clock; a replay in its shadow table on the
 * arrival clock (src/replay/replayPorts.ts).
 */
export class DynamoClaimStore implements ClaimStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly consumerName: string,
    private readonly clock: ClaimClock = wallClock(),
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
          // An expired claim may linger until DynamoDB's TTL sweep removes it
          // (or, in a replay's shadow table, which has no TTL, for good); it no longer counts.
          ConditionExpression: 'attribute_not_exists(pk) OR #owner = :owner OR #exp < :judgedAtSec',
          ExpressionAttributeNames: { '#owner': 'owner', '#exp': 'expiresAt' },
          ExpressionAttributeValues: { ':owner': { S: owner }, ':judgedAtSec': { N: String(this.clock(expiresAtSec)) } },
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
