import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CLAIM_SK, claimPk } from '../../core';
import { ClaimOutcome, type ClaimStore } from '../../lambdas/aggregator/store/ports';

/**
 * Producer-id claims of a replay, in its shadow table: the replay counts
 * each id once within its own namespace, never consulting (or writing) the
 * live consumer's claims, which name other records' owners and may have
 * expired.
 *
 * The one difference from DynamoClaimStore is the clock that decides whether
 * a claim has expired. The live consumer asks "has the claim expired now?",
 * and now is about when the claiming record arrived. A replay runs days or
 * months later, when every old claim would look expired and every producer
 * retry would count again. So here a claim has expired only if it had by the
 * time the claiming record arrived: the dedup horizon (`DEDUP_RETENTION_MS`)
 * is measured in the stream's time, as the live consumer measured it.
 *
 * The arrival time comes from `expiresAtSec`, which processBatch computes as
 * ceil((arrival + retention) / 1000): right to within a second.
 *
 * The shadow table has no TTL, so claims stay until the shadow is dropped:
 * a claim expired by DynamoDB's sweep mid-replay would let a retry count twice.
 */
export class ReplayClaimStore implements ClaimStore {
  private readonly retentionSec: number;

  constructor(
    private readonly dynamo: DynamoDBClient,
    private readonly shadowTable: string,
    private readonly consumerName: string,
    dedupRetentionMs: number,
  ) {
    this.retentionSec = Math.ceil(dedupRetentionMs / 1000);
  }

  async claim(id: string, owner: string, expiresAtSec: number): Promise<ClaimOutcome> {
    const arrivalSec = expiresAtSec - this.retentionSec;
    try {
      await this.dynamo.send(
        new PutItemCommand({
          TableName: this.shadowTable,
          Item: {
            pk: { S: claimPk(this.consumerName, id) },
            sk: { S: CLAIM_SK },
            owner: { S: owner },
            expiresAt: { N: String(expiresAtSec) },
          },
          ConditionExpression: 'attribute_not_exists(pk) OR #owner = :owner OR #exp < :arrivalSec',
          ExpressionAttributeNames: { '#owner': 'owner', '#exp': 'expiresAt' },
          ExpressionAttributeValues: { ':owner': { S: owner }, ':arrivalSec': { N: String(arrivalSec) } },
        }),
      );
      return ClaimOutcome.owned;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return ClaimOutcome.taken;
      throw error;
    }
  }

  async ownerOf(id: string): Promise<string | undefined> {
    const { Item } = await this.dynamo.send(
      new GetItemCommand({
        TableName: this.shadowTable,
        Key: { pk: { S: claimPk(this.consumerName, id) }, sk: { S: CLAIM_SK } },
        ConsistentRead: true,
      }),
    );
    return Item?.owner?.S;
  }
}
