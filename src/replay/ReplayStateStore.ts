import { GetItemCommand, PutItemCommand, QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ReplayManifest, ShardProgress } from './ReplayManifest';

/**
 * Partition keys of the replay's own items in the shadow table. Aggregate
 * items have `type#granularity#key` keys with an ISO window start as sort
 * key, and always a `granularity` attribute, which these items lack; that is
 * how readers tell them apart.
 */
const MANIFEST_PK = 'replay#manifest';
const SHARD_PK = 'replay#shard';

/**
 * The manifest and per-shard progress of a replay, kept in its shadow table
 * as JSON documents: they live and die with the shadow aggregates they
 * describe, so a dropped shadow can never leave a stale manifest behind.
 */
export class ReplayStateStore {
  constructor(
    private readonly dynamo: DynamoDBClient,
    private readonly shadowTable: string,
  ) {}

  async readManifest(): Promise<ReplayManifest | undefined> {
    const { Item } = await this.dynamo.send(
      new GetItemCommand({ TableName: this.shadowTable, Key: key(MANIFEST_PK, 'manifest'), ConsistentRead: true }),
    );
    return Item ? (JSON.parse(Item.doc?.S ?? 'null') as ReplayManifest) : undefined;
  }

  async writeManifest(manifest: ReplayManifest): Promise<void> {
    await this.put(MANIFEST_PK, 'manifest', manifest);
  }

  /** Every shard's progress, by shard id. */
  async readShards(): Promise<Map<string, ShardProgress>> {
    const shards = new Map<string, ShardProgress>();
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.dynamo.send(
        new QueryCommand({
          TableName: this.shadowTable,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: SHARD_PK } },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const progress = JSON.parse(item.doc?.S ?? 'null') as ShardProgress | null;
        if (progress) shards.set(progress.shardId, progress);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return shards;
  }

  async writeShard(progress: ShardProgress): Promise<void> {
    await this.put(SHARD_PK, progress.shardId, progress);
  }

  private async put(pk: string, sk: string, document: unknown): Promise<void> {
    await this.dynamo.send(
      new PutItemCommand({ TableName: this.shadowTable, Item: { ...key(pk, sk), doc: { S: JSON.stringify(document) } } }),
    );
  }
}

function key(pk: string, sk: string): Record<string, AttributeValue> {
  return { pk: { S: pk }, sk: { S: sk } };
}
