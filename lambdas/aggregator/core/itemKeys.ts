/**
 * The DynamoDB item layout, shared by the consumer that writes aggregates and
 * the CLI that queries them, so the two cannot drift apart.
 *
 * Aggregates table: one item per (type, granularity, key, window).
 * - `pk` = `type#granularity#key`. Type and granularity cannot contain `#`
 *   and the key comes last, so any key (even one with `#`) is unambiguous.
 * - `sk` = the window start as an ISO string, so a key's windows sort by time.
 * - GSI `byWindowCount`: `windowPk` = `type#granularity#windowStartIso`,
 *   sort key `count`, for the top N keys of one window.
 * - `hw#<shardId>`: per shard, the highest sequence number already applied.
 *
 * Checkpoint table (`pk`, `sk`): checkpoints at `checkpoint#<consumer>` /
 * shardId; producer-id claims at `claim#<consumer>#<id>` / `claim`.
 */

/** Attribute names of aggregate items. */
export const AggregateAttributes = {
  pk: 'pk',
  sk: 'sk',
  /** Partition key of the {@link AggregateIndexes.byWindowCount} index. */
  windowPk: 'windowPk',
  /** The item's identity, repeated as plain attributes so readers need not parse keys. */
  type: 'type',
  key: 'key',
  granularity: 'granularity',
  /** The window start in ISO form, as in `sk`. */
  windowStart: 'windowStart',
  /** Number of events; sort key of the {@link AggregateIndexes.byWindowCount} index. */
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
  /** Top N keys of one window by count. */
  byWindowCount: 'byWindowCount',
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

/** `windowPk` of an aggregate item, the partition key of the top-N index. */
export function windowPk(type: string, granularity: string, windowStartMs: number): string {
  return `${type}#${granularity}#${windowSk(windowStartMs)}`;
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
