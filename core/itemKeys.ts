/**
 * The DynamoDB item layout, shared by the consumer that writes aggregates and
 * the CLI that queries them, so the two cannot drift apart.
 *
 * Aggregates table: one item per (type, granularity, key, window).
 * - `pk` = `type#granularity#key`. Type and granularity cannot contain `#`
 *   and the key comes last, so any key (even one with `#`) is unambiguous.
 * - `sk` = the window start as an ISO string, so a key's windows sort by time.
 * - GSI `byWindow`: `windowPk` = `type#granularity#windowStartIso#<part>`,
 *   sort key `key`, keys only: every key of one window, spread over
 *   {@link WINDOW_INDEX_PARTS} index partitions by a hash of the key. Its key
 *   attributes never change once an item exists, so DynamoDB writes the index
 *   once per item, not on every count change (an index-key change is billed
 *   as a delete and a put), and no one index partition takes every new key of
 *   a busy window.
 * - `hw#<shardId>`: per shard, the highest sequence number already applied.
 * - Cell pages (cellPages.ts): the first keys of a window packed in one item at
 *   `pk` = `#pg#type#granularity`, `sk` = the window start; a key of a window
 *   has a page cell or a per-key item, never both.
 * - Top keys of one window: a leaderboard item at `pk` = `#top#type#granularity`,
 *   `sk` = the window start (see topKeysBoard.ts). No aggregate `pk` starts
 *   with `#` (a type is never empty), so the two cannot collide.
 *
 * Checkpoint table (`pk`, `sk`): checkpoints at `checkpoint#<consumer>` /
 * shardId; producer-id claims at `claim#<consumer>#<id>` / `claim` (one per
 * event, with a parallelization factor above 1); seen-id ledger entries at
 * `seen#<consumer>#<minute of event time>` / `<shardId>#<last>#<first>`, one
 * per batch and minute, holding digests of the ids the batch counted.
 */

/** Attribute names of aggregate items. */
export const AggregateAttributes = {
  pk: 'pk',
  sk: 'sk',
  /** Partition key of the {@link AggregateIndexes.byWindow} index. */
  windowPk: 'windowPk',
  /** The item's identity, repeated as plain attributes so readers need not parse keys. */
  type: 'type',
  /** The aggregation key; sort key of the {@link AggregateIndexes.byWindow} index. */
  key: 'key',
  granularity: 'granularity',
  /** The window start in ISO form, as in `sk`. */
  windowStart: 'windowStart',
  /** Number of events. */
  count: 'count',
  /** Exact decimal sum of the values (a DynamoDB Number). */
  sum: 'sum',
  min: 'min',
  max: 'max',
  /** DynamoDB TTL attribute, epoch seconds. */
  expiresAt: 'expiresAt',
} as const;

/** Index names of the aggregates table. */
export const AggregateIndexes = {
  /** Every key of one window (keys only), in {@link WINDOW_INDEX_PARTS} partitions. */
  byWindow: 'byWindow',
} as const;

/** Attribute names of checkpoint-table items. */
export const CheckpointAttributes = {
  pk: 'pk',
  sk: 'sk',
} as const;

/** Sort key of every producer-id claim item. */
export const CLAIM_SK = 'claim';

/** `pk` of an aggregate item. @example aggregatePk('page_view', '1m', '/a') // 'page_view#1m#/a' */
export function aggregatePk(type: string, granularity: string, key: string): string {
  return `${type}#${granularity}#${key}`;
}

/** Splits an aggregate `pk` back into its parts (the key may contain `#`). */
export function parseAggregatePk(pk: string): { type: string; granularity: string; key: string } | undefined {
  const first = pk.indexOf('#');
  const second = first === -1 ? -1 : pk.indexOf('#', first + 1);
  if (second === -1) return undefined;
  return { type: pk.slice(0, first), granularity: pk.slice(first + 1, second), key: pk.slice(second + 1) };
}

/** `sk` of an aggregate item: the window start in ISO form, e.g. `2026-11-26T12:34:00.000Z`. */
export function windowSk(windowStartMs: number): string {
  // An adapter asks for the same few window starts over and over (three
  // times per item write), and formatting a Date is the costly part.
  let sk = windowSkCache.get(windowStartMs);
  if (sk === undefined) {
    sk = new Date(windowStartMs).toISOString(); // throws before anything is cached
    if (windowSkCache.size >= WINDOW_SK_CACHE_SIZE) windowSkCache.clear();
    windowSkCache.set(windowStartMs, sk);
  }
  return sk;
}

/** Window starts formatted lately; emptied when full, so it stays small. */
const windowSkCache = new Map<number, string>();
const WINDOW_SK_CACHE_SIZE = 4096;

/**
 * How many index partitions one window's keys are spread over. At 1,000 new
 * keys a second in one window (every event a new key) each part takes about
 * 63 index writes a second, well under a partition's 1,000.
 */
export const WINDOW_INDEX_PARTS = 16;

/** `windowPk` of an aggregate item: the partition key of the `byWindow` index, one of {@link WINDOW_INDEX_PARTS} per window. */
export function windowPk(type: string, granularity: string, windowStartMs: number, key: string): string {
  return windowPartPk(type, granularity, windowStartMs, windowIndexPart(key));
}

/** `windowPk` of one part of a window, for reading the window's keys part by part. */
export function windowPartPk(type: string, granularity: string, windowStartMs: number, part: number): string {
  return `${type}#${granularity}#${windowSk(windowStartMs)}#${part}`;
}

/** Which index part a key's items go to: FNV-1a of its UTF-16 code units, so every reader and writer agrees. */
export function windowIndexPart(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % WINDOW_INDEX_PARTS;
}

/** `pk` of the top-keys leaderboards of one type and granularity; the `sk` is the window start. */
export function topKeysPk(type: string, granularity: string): string {
  return `#top#${type}#${granularity}`;
}

/**
 * `pk` of the cell pages of one type and granularity (core/cellPages.ts); the
 * `sk` is the window start, so a range of windows is one Query.
 */
export function cellPagePk(type: string, granularity: string): string {
  return `#pg#${type}#${granularity}`;
}

/** Whether an aggregates-table `pk` is a cell page's. */
export function isCellPagePk(pk: string): boolean {
  return pk.startsWith('#pg#');
}

/** Whether an aggregates-table `pk` is a leaderboard's rather than an aggregate item's. */
export function isTopKeysPk(pk: string): boolean {
  return pk.startsWith('#top#');
}

/** The attribute holding a shard's high-water mark (padded sequence number) on an aggregate item. */
export function highWaterAttribute(shardId: string): string {
  return `hw#${shardId}`;
}

/** `pk` of a consumer's checkpoint items; the `sk` is the shard id. */
export function checkpointPk(consumer: string): string {
  return `checkpoint#${consumer}`;
}

/** `pk` of the item claiming event `id` for a consumer (cross-batch producer-retry dedup). */
export function claimPk(consumer: string, id: string): string {
  return `claim#${consumer}#${id}`;
}

/** `pk` of the seen-id ledger entries of one minute of event time. */
export function seenIdsPk(consumer: string, bucketStartMs: number): string {
  return `seen#${consumer}#${windowSk(bucketStartMs)}`;
}

/**
 * `sk` of one ledger entry: the shard, then the batch's last and first padded
 * sequence numbers, so a shard's entries sort by how far they reach and a
 * re-written range lands on its own entry.
 */
export function seenIdsSk(shardId: string, lastPaddedSequence: string, firstPaddedSequence: string): string {
  return `${shardId}#${lastPaddedSequence}#${firstPaddedSequence}`;
}
