import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { AggregateAttributes as A, highWaterAttribute } from '../../core';
import { aggregateItemFrom, type AggregateItem } from './AggregateItem';
import { sameValues, type Drift } from './compareAggregates';

/** What repairing one drifted item came to. */
export const RepairOutcome = {
  /** The live item now holds the replay's value. */
  repaired: 'repaired',
  /** On a fresh read the live item already equals the replay's value: nothing written. */
  unchanged: 'unchanged',
  /**
   * The live item has taken a record the replay never read (beyond where the
   * replay stopped on some shard): the replay's value is stale for it, so it
   * is left as it is.
   */
  liveAhead: 'liveAhead',
  /** The item changed under every one of the attempts; left as it is. */
  contended: 'contended',
} as const;
export type RepairOutcome = (typeof RepairOutcome)[keyof typeof RepairOutcome];

/** What a repair needs besides the drift itself. */
export interface RepairContext {
  readonly dynamo: DynamoDBClient;
  readonly liveTable: string;
  /**
   * Per shard, the padded sequence number of the last record the replay read.
   * A live mark above it (or on a shard not listed) means the live item saw
   * something the replay did not.
   */
  readonly replayedUpTo: ReadonlyMap<string, string>;
  /** Reads and conditional writes before giving up on a busy item. @default 8 */
  readonly maxAttempts?: number;
}

/**
 * Replaces one live item's value with the replay's, atomically: one
 * conditional write (UpdateItem, or DeleteItem for an item the replay never
 * produced) whose condition is that the live item still holds exactly what
 * was just read (count, sum, min, max and every high-water mark). A live
 * update in between changes the count and the mark of its shard, so the
 * write fails instead of overwriting it; the item is then read again,
 * compared again, and written again, up to `maxAttempts` times.
 *
 * The high-water marks decide what later live updates add, so they are
 * merged, not copied: each shard's mark becomes the higher of the live one
 * and the replay's. The replay's value includes every record up to its mark,
 * so the live consumer, when it reaches those records, finds them at or below
 * the mark and skips them (no double count); records above both marks are
 * added as usual (no loss). Marks of shards the replay did not touch stay.
 */
export async function repairItem(context: RepairContext, drift: Drift): Promise<RepairOutcome> {
  const maxAttempts = context.maxAttempts ?? 8;
  const key = { pk: { S: drift.pk }, sk: { S: drift.sk } };
  const shadow = drift.shadow;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const { Item } = await context.dynamo.send(new GetItemCommand({ TableName: context.liveTable, Key: key, ConsistentRead: true }));
    const live = Item ? aggregateItemFrom(Item) : undefined;
    if (!live && !shadow) return RepairOutcome.unchanged;
    if (live && shadow && sameValues(live, shadow)) return RepairOutcome.unchanged;
    if (live && isAheadOfReplay(live, context.replayedUpTo)) return RepairOutcome.liveAhead;
    try {
      if (shadow)
        await context.dynamo.send(new UpdateItemCommand({ TableName: context.liveTable, Key: key, ...replaceWith(shadow, live) }));
      else
        await context.dynamo.send(
          new DeleteItemCommand({ TableName: context.liveTable, Key: key, ...unchangedSince(live as AggregateItem, undefined) }),
        );
      return RepairOutcome.repaired;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
  return RepairOutcome.contended;
}

/** Whether a live item holds a record from beyond the replay's stopping point on some shard. */
export function isAheadOfReplay(live: AggregateItem, replayedUpTo: ReadonlyMap<string, string>): boolean {
  return Object.entries(live.highWater).some(([shardId, mark]) => {
    const upTo = replayedUpTo.get(shardId);
    return upTo === undefined || mark > upTo;
  });
}

/**
 * The high-water marks a repaired item gets where they change: the replay's
 * mark for each shard where it is higher than the live one (or the live one
 * has none).
 */
export function raisedHighWater(shadow: AggregateItem, live: AggregateItem | undefined): Record<string, string> {
  const raised: Record<string, string> = {};
  for (const [shardId, mark] of Object.entries(shadow.highWater)) {
    const liveMark = live?.highWater[shardId];
    if (liveMark === undefined || mark > liveMark) raised[shardId] = mark;
  }
  return raised;
}

interface Expression {
  UpdateExpression?: string;
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
}

function replaceWith(shadow: AggregateItem, live: AggregateItem | undefined): Expression {
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  const sets: string[] = [];
  const set = (placeholder: string, attribute: string, value: AttributeValue | undefined) => {
    if (value === undefined) return;
    names[`#${placeholder}`] = attribute;
    values[`:${placeholder}`] = value;
    sets.push(`#${placeholder} = :${placeholder}`);
  };
  set('type', A.type, { S: shadow.type });
  set('key', A.key, { S: shadow.key });
  set('gran', A.granularity, { S: shadow.granularity });
  set('ws', A.windowStart, { S: shadow.windowStart });
  set('wpk', A.windowPk, shadow.windowPk === undefined ? undefined : { S: shadow.windowPk });
  set('exp', A.expiresAt, shadow.expiresAtSec === undefined ? undefined : { N: String(shadow.expiresAtSec) });
  set('count', A.count, number(shadow.count));
  set('sum', A.sum, number(shadow.sum));
  set('min', A.min, number(shadow.min));
  set('max', A.max, number(shadow.max));
  Object.entries(raisedHighWater(shadow, live)).forEach(([shardId, mark], index) => {
    set(`hw${index}`, highWaterAttribute(shardId), { S: mark });
  });
  const condition = unchangedSince(live, shadow);
  return {
    UpdateExpression: `SET ${sets.join(', ')}`,
    ConditionExpression: condition.ConditionExpression,
    ExpressionAttributeNames: { ...names, ...condition.ExpressionAttributeNames },
    ExpressionAttributeValues: { ...values, ...condition.ExpressionAttributeValues },
  };
}

/**
 * The condition "the live item is exactly as read": absent if it was absent;
 * otherwise the same count, sum, min and max (or still without one it lacked)
 * and the same high-water mark on every shard it had, and no mark yet on the
 * shards the replay is about to mark.
 */
function unchangedSince(live: AggregateItem | undefined, shadow: AggregateItem | undefined): Expression {
  if (!live) return { ConditionExpression: 'attribute_not_exists(#rpk)', ExpressionAttributeNames: { '#rpk': A.pk } };
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  const terms: string[] = [];
  const same = (placeholder: string, attribute: string, value: AttributeValue | undefined) => {
    names[`#${placeholder}`] = attribute;
    if (value === undefined) terms.push(`attribute_not_exists(#${placeholder})`);
    else {
      values[`:${placeholder}`] = value;
      terms.push(`#${placeholder} = :${placeholder}`);
    }
  };
  same('rcount', A.count, number(live.count));
  same('rsum', A.sum, number(live.sum));
  same('rmin', A.min, number(live.min));
  same('rmax', A.max, number(live.max));
  const shards = new Set([...Object.keys(live.highWater), ...Object.keys(shadow?.highWater ?? {})]);
  [...shards].forEach((shardId, index) => {
    const mark = live.highWater[shardId];
    same(`rhw${index}`, highWaterAttribute(shardId), mark === undefined ? undefined : { S: mark });
  });
  return {
    ConditionExpression: terms.join(' AND '),
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
  };
}

function number(text: string | undefined): AttributeValue | undefined {
  return text === undefined ? undefined : { N: text };
}
