import { createHash } from 'node:crypto';
import { PutItemCommand, QueryCommand, type AttributeValue, type DynamoDBClient, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { checkpointPk, seenIdsPk, seenIdsSk } from '../../../core';
import type { Checkpoint, SeenIdLedger, SeenIdProbe } from './ports';

/** Event time per ledger partition: a producer retry repeats `ts`, so it probes one minute. */
const BUCKET_MS = 60_000;
const DIGEST_BYTES = 16;
/** Sorts after every character of a padded sequence number. */
const AFTER_DIGITS = '~';

/** What one execution environment knows of one minute of event time. */
interface BucketCache {
  readonly digests: Set<string>;
  /** This shard's entries reaching up to here are in `digests` (those of parents were read on load). */
  ownUpTo: string;
}

/** What one execution environment knows of one shard. */
interface ShardCache {
  /** The checkpoint the cache stands at: padded sequence number, '' before any. */
  position: string;
  readonly buckets: Map<number, BucketCache>;
}

/**
 * The seen-id ledger in the checkpoint table: per batch and minute of event
 * time, one item with a 16-byte digest of each id the batch counted. That is
 * one write of about 8 KB per 500 events, where a claim per event costs a
 * billed write per event and lives for days.
 *
 * Reads are what this environment does not know yet. It keeps the digests of
 * the minutes it has probed, valid as of the checkpoint it last wrote; a batch
 * that starts from that checkpoint reads nothing. When another environment
 * moved the checkpoint on, it reads only this shard's entries beyond what it
 * has; a minute it never saw is read whole (with entries of other shards: a
 * child shard must see its parents'). An entry beyond its shard's checkpoint
 * belongs to a batch that did not commit and is not used.
 *
 * Digests are MD5 (a digest, not a security measure): 128 bits, so two of a
 * million ids in one minute collide with a chance below 10^-26.
 */
export class DynamoSeenIdLedger implements SeenIdLedger {
  private readonly shards = new Map<string, ShardCache>();

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly consumerName: string,
    /** The allowed lateness: minutes further behind the watermark than this can no longer be probed. */
    private readonly allowedLatenessMs: number,
  ) {}

  async seen(shardId: string, checkpoint: Checkpoint | undefined, probes: readonly SeenIdProbe[]): Promise<boolean[]> {
    const position = checkpoint?.paddedSequence ?? '';
    let shard = this.shards.get(shardId);
    // A cache ahead of the checkpoint holds a batch that did not commit.
    if (shard === undefined || shard.position > position) {
      shard = { position, buckets: new Map() };
      this.shards.set(shardId, shard);
    }
    shard.position = position;
    if (checkpoint?.watermarkMs !== undefined) this.forgetBefore(shard, checkpoint.watermarkMs - this.allowedLatenessMs);

    let otherCheckpoints: Map<string, string> | undefined;
    const buckets = new Set(probes.map((probe) => bucketOf(probe.tsMs)));
    for (const bucketStartMs of buckets) {
      const known = shard.buckets.get(bucketStartMs);
      if (known === undefined) {
        otherCheckpoints ??= await this.readCheckpoints();
        shard.buckets.set(bucketStartMs, await this.loadBucket(shardId, position, bucketStartMs, otherCheckpoints));
      } else if (known.ownUpTo < position) {
        await this.readOwnEntries(shardId, bucketStartMs, known, position);
      }
    }
    return probes.map((probe) => shard.buckets.get(bucketOf(probe.tsMs))!.digests.has(digestOf(probe.id)));
  }

  async record(
    shardId: string,
    range: { readonly firstPaddedSequence: string; readonly lastPaddedSequence: string },
    ids: readonly SeenIdProbe[],
    expiresAtSec: number,
  ): Promise<void> {
    const byBucket = new Map<number, string[]>();
    for (const { id, tsMs } of ids) {
      const bucket = bucketOf(tsMs);
      const digests = byBucket.get(bucket);
      if (digests) digests.push(digestOf(id));
      else byBucket.set(bucket, [digestOf(id)]);
    }
    await Promise.all(
      [...byBucket].map(([bucketStartMs, digests]) =>
        this.client.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: {
              pk: { S: seenIdsPk(this.consumerName, bucketStartMs) },
              sk: { S: seenIdsSk(shardId, range.lastPaddedSequence, range.firstPaddedSequence) },
              ids: { B: Buffer.from(digests.join(''), 'latin1') },
              expiresAt: { N: String(expiresAtSec) },
            },
          }),
        ),
      ),
    );
    const shard = this.shards.get(shardId);
    if (shard === undefined) return;
    for (const [bucketStartMs, bucket] of shard.buckets) {
      const digests = byBucket.get(bucketStartMs);
      if (digests) for (const digest of digests) bucket.digests.add(digest);
      // Complete up to the new position only if it was complete up to the old one.
      if (bucket.ownUpTo === shard.position) bucket.ownUpTo = range.lastPaddedSequence;
    }
    shard.position = range.lastPaddedSequence;
  }

  private forgetBefore(shard: ShardCache, oldestProbeMs: number): void {
    for (const bucketStartMs of shard.buckets.keys()) if (bucketStartMs + BUCKET_MS <= oldestProbeMs) shard.buckets.delete(bucketStartMs);
  }

  private async loadBucket(
    shardId: string,
    position: string,
    bucketStartMs: number,
    checkpoints: ReadonlyMap<string, string>,
  ): Promise<BucketCache> {
    const digests = new Set<string>();
    await this.queryEntries(
      {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: seenIdsPk(this.consumerName, bucketStartMs) } },
      },
      (entryShard, last, ids) => {
        const committed = entryShard === shardId ? position : checkpoints.get(entryShard);
        if (committed !== undefined && last <= committed) addDigests(digests, ids);
      },
    );
    return { digests, ownUpTo: position };
  }

  private async readOwnEntries(shardId: string, bucketStartMs: number, bucket: BucketCache, position: string): Promise<void> {
    await this.queryEntries(
      {
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': { S: seenIdsPk(this.consumerName, bucketStartMs) },
          ':from': { S: `${shardId}#${bucket.ownUpTo}` },
          ':to': { S: `${shardId}#${position}#${AFTER_DIGITS}` },
        },
      },
      (_shard, last, ids) => {
        if (last <= position) addDigests(bucket.digests, ids);
      },
    );
    bucket.ownUpTo = position;
  }

  private async queryEntries(
    input: Pick<QueryCommandInput, 'KeyConditionExpression' | 'ExpressionAttributeValues'>,
    onEntry: (shardId: string, lastPaddedSequence: string, ids: Uint8Array) => void,
  ): Promise<void> {
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({ TableName: this.tableName, ConsistentRead: true, ExclusiveStartKey: startKey, ...input }),
      );
      for (const item of page.Items ?? []) {
        const [entryShard, last] = (item.sk?.S ?? '').split('#');
        if (entryShard && last && item.ids?.B) onEntry(entryShard, last, item.ids.B);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  /** Every shard's checkpoint of this consumer: which entries of other shards committed. */
  private async readCheckpoints(): Promise<Map<string, string>> {
    const checkpoints = new Map<string, string>();
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          ConsistentRead: true,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: checkpointPk(this.consumerName) } },
          ProjectionExpression: 'sk, #seq',
          ExpressionAttributeNames: { '#seq': 'sequence' },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) if (item.sk?.S && item.sequence?.S) checkpoints.set(item.sk.S, item.sequence.S);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return checkpoints;
  }
}

function bucketOf(tsMs: number): number {
  return Math.floor(tsMs / BUCKET_MS) * BUCKET_MS;
}

function digestOf(id: string): string {
  return createHash('md5').update(id).digest('binary');
}

function addDigests(digests: Set<string>, ids: Uint8Array): void {
  const text = Buffer.from(ids.buffer, ids.byteOffset, ids.byteLength).toString('latin1');
  for (let i = 0; i + DIGEST_BYTES <= text.length; i += DIGEST_BYTES) digests.add(text.slice(i, i + DIGEST_BYTES));
}
