import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { AggregateAttributes as A, highWaterAttribute, isCellPagePk } from '../../core';
import { pageCellItems } from '../../lambdas/aggregator/store/readCells';

/** The prefix of a per-shard high-water attribute, `hw#<shardId>`. */
const HIGH_WATER_PREFIX = highWaterAttribute('');

/**
 * One aggregate item as reconcile reads it. Values are kept as DynamoDB's
 * Number texts, never parsed to floats: they are compared exactly and written
 * back into conditions as they were read.
 */
export interface AggregateItem {
  readonly pk: string;
  readonly sk: string;
  readonly type: string;
  readonly key: string;
  readonly granularity: string;
  /** The window start, ISO, as in `sk`. */
  readonly windowStart: string;
  readonly windowStartMs: number;
  readonly count?: string;
  readonly sum?: string;
  readonly min?: string;
  readonly max?: string;
  /** Per shard, the padded sequence number of the newest record the item took. */
  readonly highWater: Readonly<Record<string, string>>;
  readonly windowPk?: string;
  readonly expiresAtSec?: number;
  /**
   * Set for a cell of a cell page (core/cellPages.ts): the page's key. Its
   * `pk`/`sk` are then the per-key item's it stands for, and `highWater` the
   * page's marks.
   */
  readonly page?: { readonly pk: string; readonly sk: string };
}

/**
 * The cells an item holds as reconcile compares them: an aggregate item's one,
 * a cell page's each (with the page's marks), none for anything else.
 */
export function aggregateItemsFrom(item: Record<string, AttributeValue>): AggregateItem[] {
  const pk = item[A.pk]?.S;
  if (pk === undefined || !isCellPagePk(pk)) {
    const single = aggregateItemFrom(item);
    return single === undefined ? [] : [single];
  }
  const page = { pk, sk: item[A.sk]!.S! };
  return pageCellItems(item).map((cell) => ({ ...aggregateItemFrom({ ...cell, ...highWaterOf(item), ...expiry(item) })!, page }));
}

function highWaterOf(item: Record<string, AttributeValue>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(item).filter(([name]) => name.startsWith(HIGH_WATER_PREFIX)));
}

function expiry(item: Record<string, AttributeValue>): Record<string, AttributeValue> {
  return item[A.expiresAt] === undefined ? {} : { [A.expiresAt]: item[A.expiresAt] };
}

/**
 * Reads an aggregate item, or `undefined` for anything else in the table (a
 * replay's manifest, shard progress and claims share its shadow table; none
 * has a `granularity`).
 */
export function aggregateItemFrom(item: Record<string, AttributeValue>): AggregateItem | undefined {
  const granularity = item[A.granularity]?.S;
  const pk = item[A.pk]?.S;
  const sk = item[A.sk]?.S;
  if (granularity === undefined || pk === undefined || sk === undefined) return undefined;
  const highWater: Record<string, string> = {};
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith(HIGH_WATER_PREFIX) && value.S !== undefined) highWater[name.slice(HIGH_WATER_PREFIX.length)] = value.S;
  }
  const windowStart = item[A.windowStart]?.S ?? sk;
  return {
    pk,
    sk,
    type: item[A.type]?.S ?? '',
    key: item[A.key]?.S ?? '',
    granularity,
    windowStart,
    windowStartMs: Date.parse(windowStart),
    ...optional('count', item[A.count]?.N),
    ...optional('sum', item[A.sum]?.N),
    ...optional('min', item[A.min]?.N),
    ...optional('max', item[A.max]?.N),
    highWater,
    ...optional('windowPk', item[A.windowPk]?.S),
    ...(item[A.expiresAt]?.N !== undefined ? { expiresAtSec: Number(item[A.expiresAt]!.N) } : {}),
  };
}

/** The identity `pk|sk` of an item, for maps. */
export function itemId(item: Pick<AggregateItem, 'pk' | 'sk'>): string {
  return `${item.pk}|${item.sk}`;
}

function optional<K extends string>(name: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [name]: value } as Record<K, string>);
}
