import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { AggregateAttributes as A, cellPagePk, highWaterAttribute, windowSk } from '../../core';
import { decodeCells, encodeCells, PageAttributes, type StoredCell } from '../../lambdas/aggregator/store/cellPageItem';
import type { AggregateItem } from './AggregateItem';
import { DriftKind, type Drift } from './compareAggregates';
import { isAheadOfReplay, raisedHighWater, repairItem, RepairOutcome, type RepairContext } from './repairItem';

/**
 * Repairs the drift of one window whose cells live in a cell page, or that
 * lacks cells the replay has (core/cellPages.ts), keeping the layout's rule
 * that a key's cell is in the page or in a per-key item, never both:
 * - cells of the page that drifted take the replay's values (an extra one is
 *   removed) in one conditional write of the page, which also raises the
 *   page's marks to the replayed cells' marks, so the live consumer skips what
 *   the replay counted;
 * - a missing cell gets a per-key item (repairItem), but only after the page
 *   is stored `full`, which the same write does (creating an empty page if
 *   the window has none): a full page never takes a new key, so the live
 *   consumer cannot later give that key a page cell too.
 * A page whose marks are beyond the replay on some shard has taken records
 * the replay did not read: its cells are left as they are (`liveAhead`), as
 * repairItem does for an item.
 */
export async function repairPageWindow(context: RepairContext, drifts: readonly Drift[]): Promise<Map<Drift, RepairOutcome>> {
  const outcomes = new Map<Drift, RepairOutcome>();
  const first = drifts[0]!;
  const key = { pk: { S: cellPagePk(first.type, first.granularity) }, sk: { S: windowSk(Date.parse(first.windowStart)) } };
  const inPage = drifts.filter((drift) => drift.live?.page !== undefined);
  const missing = drifts.filter((drift) => drift.kind === DriftKind.missing);
  const maxAttempts = context.maxAttempts ?? 8;
  // What became of the page: written, or nothing to write; undefined: it changed under every attempt.
  let result: { readonly ahead: boolean } | undefined;
  for (let attempt = 0; attempt < maxAttempts && result === undefined; attempt++) {
    const { Item } = await context.dynamo.send(new GetItemCommand({ TableName: context.liveTable, Key: key, ConsistentRead: true }));
    const marks = Item === undefined ? {} : marksOf(Item);
    const ahead = isAheadOfReplay({ highWater: marks } as AggregateItem, context.replayedUpTo);
    const fixes = ahead ? [] : inPage;
    const needsFull = missing.length > 0 && Item?.[PageAttributes.full]?.BOOL !== true;
    if (fixes.length === 0 && !needsFull) {
      result = { ahead };
      break;
    }
    const page: Record<string, AttributeValue> = Item ? { ...Item } : newPage(key, first);
    const cells = decodeCells(page[PageAttributes.cells]);
    for (const drift of fixes) {
      if (drift.shadow) cells.set(drift.key, cellOf(drift.shadow));
      else cells.delete(drift.key);
      for (const [shardId, mark] of Object.entries(
        raisedHighWater(drift.shadow ?? drift.live!, { highWater: marksOf(page) } as AggregateItem),
      )) {
        page[highWaterAttribute(shardId)] = { S: mark };
      }
    }
    page[PageAttributes.cells] = encodeCells(cells);
    if (missing.length > 0) page[PageAttributes.full] = { BOOL: true };
    const version = Number(Item?.[PageAttributes.version]?.N ?? 0);
    page[PageAttributes.version] = { N: String(version + 1) };
    try {
      await context.dynamo.send(
        new PutItemCommand({
          TableName: context.liveTable,
          Item: page,
          ...(Item === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: '#v = :v',
                ExpressionAttributeNames: { '#v': PageAttributes.version },
                ExpressionAttributeValues: { ':v': { N: String(version) } },
              }),
        }),
      );
      result = { ahead };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
  if (result === undefined) {
    for (const drift of drifts) outcomes.set(drift, RepairOutcome.contended);
    return outcomes;
  }
  // Nothing to write leaves page cells only when the page is ahead of the replay.
  for (const drift of inPage) outcomes.set(drift, result.ahead ? RepairOutcome.liveAhead : RepairOutcome.repaired);
  // The page is stored full now: the missing cells' per-key items cannot meet a page cell.
  for (const drift of missing) outcomes.set(drift, await repairItem(context, drift));
  return outcomes;
}

function marksOf(item: Record<string, AttributeValue>): Record<string, string> {
  const prefix = highWaterAttribute('');
  const marks: Record<string, string> = {};
  for (const [name, value] of Object.entries(item))
    if (name.startsWith(prefix) && value.S !== undefined) marks[name.slice(prefix.length)] = value.S;
  return marks;
}

function newPage(key: { pk: AttributeValue; sk: AttributeValue }, drift: Drift): Record<string, AttributeValue> {
  const expiresAtSec = drift.shadow?.expiresAtSec ?? drift.live?.expiresAtSec;
  return {
    ...key,
    [A.type]: { S: drift.type },
    [A.granularity]: { S: drift.granularity },
    [A.windowStart]: { S: drift.windowStart },
    ...(expiresAtSec === undefined ? {} : { [A.expiresAt]: { N: String(expiresAtSec) } }),
  };
}

/** A page cell from the replay's item, with the stats it keeps. */
function cellOf(item: AggregateItem): StoredCell {
  return {
    count: Number(item.count ?? '0'),
    ...(item.sum === undefined ? {} : { sum: item.sum }),
    ...(item.min === undefined ? {} : { min: Number(item.min) }),
    ...(item.max === undefined ? {} : { max: Number(item.max) }),
  };
}
