import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { distinctSketchPk, distinctSketchSk, HyperLogLog, MeasureAttributes, windowSk, type ItemAddress } from '../../../core';
import { DistinctSketchContentionError } from './errors';
import { LruMap } from './LruMap';
import type { DistinctSketchStore } from './ports';

/** Sketch items remembered per execution environment (at precision 12 at most about 3 KB each). */
export const DEFAULT_SKETCH_CACHE_ITEMS = 10_000;
const MAX_ATTEMPTS = 8;

interface Known {
  readonly sketch: HyperLogLog;
  /** The item's version `v` when it held `sketch`. */
  readonly version: number;
}

/**
 * Distinct-count sketch items in the aggregates table (docs/measures.md, item
 * layout), written with optimistic concurrency: each write puts the merged
 * sketch conditioned on the version it was merged from, and bumps it.
 *
 * No high-water mark: a merge is a register-wise maximum, so merging values
 * the item holds already changes nothing, and a redelivery or a retry after
 * a partial failure can only bring the item to the same bytes. The cache
 * holds, per item, the sketch and version this environment last wrote or
 * read: the stored sketch only grows, so when the batch's values change
 * nothing in the cached sketch they are in the stored one too, and nothing
 * is written. A stale or missing cache entry shows as a failed condition:
 * the item is then read consistently, merged and written again.
 */
export class DynamoDistinctSketchStore implements DistinctSketchStore {
  private readonly known: LruMap<string, Known>;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    cacheItems = DEFAULT_SKETCH_CACHE_ITEMS,
  ) {
    this.known = new LruMap(cacheItems);
  }

  async merge(address: ItemAddress, field: string, precision: number, updates: readonly number[]): Promise<HyperLogLog> {
    const key = {
      pk: { S: distinctSketchPk(address.type, address.granularity, address.key) },
      sk: { S: distinctSketchSk(windowSk(address.windowStartMs), field) },
    };
    const id = `${key.pk.S}\u0000${key.sk.S}`;
    let known = this.known.get(id);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      // The cached sketch is raised in place (no copy of its registers per
      // batch): if the write then fails in any way, the entry is dropped
      // below, so the cache never holds values the item does not.
      let merged: HyperLogLog;
      if (known === undefined) merged = HyperLogLog.fromUpdates(precision, updates);
      else {
        if (known.sketch.precision !== precision) {
          throw new DistinctSketchContentionError(
            `sketch ${key.pk.S} ${key.sk.S} has precision ${known.sketch.precision}, the declaration ${precision}`,
          );
        }
        merged = known.sketch;
        if (!merged.apply(updates)) return merged;
      }
      const version = (known?.version ?? 0) + 1;
      try {
        await this.client.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: {
              ...key,
              [MeasureAttributes.sketch]: { B: merged.toBytes() },
              [MeasureAttributes.version]: { N: String(version) },
              expiresAt: { N: String(address.expiresAtSec) },
            },
            ConditionExpression: known === undefined ? 'attribute_not_exists(pk)' : '#v = :v',
            ...(known === undefined
              ? {}
              : {
                  ExpressionAttributeNames: { '#v': MeasureAttributes.version },
                  ExpressionAttributeValues: { ':v': { N: String(known.version) } },
                }),
          }),
        );
        this.known.set(id, { sketch: merged, version });
        return merged;
      } catch (error) {
        this.known.delete(id);
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      // Another writer, or nothing cached for an item that exists: start from what is stored.
      known = await this.read(key);
      if (known !== undefined) this.known.set(id, known);
    }
    throw new DistinctSketchContentionError(`sketch ${key.pk.S} ${key.sk.S} changed on every one of ${MAX_ATTEMPTS} attempts`);
  }

  private async read(key: Record<string, { S: string }>): Promise<Known | undefined> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    const bytes = Item?.[MeasureAttributes.sketch]?.B;
    if (Item === undefined || bytes === undefined) return undefined;
    return { sketch: HyperLogLog.fromBytes(bytes), version: Number(Item[MeasureAttributes.version]?.N ?? 0) };
  }
}
