import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { topKeysPk, windowSk, mergeTopKeys, type KeyCount } from '../../../core';
import { TopKeysContentionError } from './errors';
import type { TopKeysOffer, TopKeysStore } from './ports';

const MAX_ATTEMPTS = 10;
/** Leaderboards remembered per execution environment; emptied when full, so memory stays small. */
const CACHE_SIZE = 512;

interface Board {
  readonly version: number;
  readonly entries: readonly KeyCount[];
}

/**
 * Top keys of each window as one leaderboard item per (type, granularity,
 * window), in the aggregates table: one conditional put per window a batch
 * touches, instead of an index whose sort key (the count) changes on every
 * update, which DynamoDB bills as an index delete and put per update.
 *
 * The last board written or read is kept per window, so the usual write needs
 * no read; the put is conditioned on the board's version, and a put that lost
 * a race reads the board and merges again.
 */
export class DynamoTopKeysStore implements TopKeysStore {
  private readonly boards = new Map<string, Board>();

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    /** How many keys each board keeps: the largest N a top-N query can ask for. */
    private readonly depth: number,
  ) {}

  async offer(offer: TopKeysOffer): Promise<void> {
    const key = { pk: { S: topKeysPk(offer.type, offer.granularity) }, sk: { S: windowSk(offer.windowStartMs) } };
    const cacheKey = `${key.pk.S}|${key.sk.S}`;
    let known = this.boards.get(cacheKey);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const base = known ?? { version: 0, entries: [] };
      const merged = mergeTopKeys(base.entries, offer.counts, this.depth);
      // Unchanged against a board read earlier means unchanged against the
      // board now: entries only grow and the last entry only ranks higher.
      if (!merged.changed) return;
      const version = base.version + 1;
      try {
        await this.client.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: {
              // No type/granularity/windowStart attributes: readers that scan for
              // aggregate items tell them by those, and a leaderboard is none.
              ...key,
              depth: { N: String(this.depth) },
              // A List of [key, count]: as a Map's entry the key `__proto__` would be lost by the AWS SDK.
              top: { L: merged.entries.map((entry) => ({ L: [{ S: entry.key }, { N: String(entry.count) }] })) },
              version: { N: String(version) },
              expiresAt: { N: String(offer.expiresAtSec) },
            },
            ConditionExpression: known === undefined ? 'attribute_not_exists(pk)' : '#version = :version',
            ExpressionAttributeNames: known === undefined ? undefined : { '#version': 'version' },
            ExpressionAttributeValues: known === undefined ? undefined : { ':version': { N: String(base.version) } },
          }),
        );
        this.remember(cacheKey, { version, entries: merged.entries });
        return;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
      known = Item ? boardFromItem(Item) : undefined;
    }
    throw new TopKeysContentionError(`leaderboard ${key.pk.S} ${key.sk.S} changed on every one of ${MAX_ATTEMPTS} attempts`);
  }

  private remember(cacheKey: string, board: Board): void {
    if (this.boards.size >= CACHE_SIZE) this.boards.clear();
    this.boards.set(cacheKey, board);
  }
}

/** Reads a leaderboard item: its version and entries in rank order. Shared with the CLI's `query --top`. */
export function boardFromItem(item: Record<string, AttributeValue>): Board & { readonly depth: number } {
  // A board written before the List form holds a Map of key → count.
  const entries =
    item.top?.L !== undefined
      ? item.top.L.map((entry) => ({ key: entry.L?.[0]?.S ?? '', count: Number(entry.L?.[1]?.N ?? 0) }))
      : Object.entries(item.top?.M ?? {}).map(([key, value]) => ({ key, count: Number(value.N) }));
  return {
    version: Number(item.version?.N ?? 0),
    depth: Number(item.depth?.N ?? 0),
    entries: mergeTopKeys([], entries, entries.length).entries,
  };
}
