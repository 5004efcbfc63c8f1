import { itemId, type AggregateItem } from './AggregateItem';
import { sameDecimal } from './canonicalDecimal';
import type { WindowVerdict } from './reconcileScope';

/** How a live item differs from the replay's recomputation. */
export const DriftKind = {
  /** The replay has the item, the live table does not. */
  missing: 'missing',
  /** The live table has an item the replay never produced. */
  extra: 'extra',
  /** Both have it, with a different count, sum, min or max. */
  different: 'different',
} as const;
export type DriftKind = (typeof DriftKind)[keyof typeof DriftKind];

/** One drifted item, with both sides as read. */
export interface Drift {
  readonly kind: DriftKind;
  readonly pk: string;
  readonly sk: string;
  readonly type: string;
  readonly key: string;
  readonly granularity: string;
  readonly windowStart: string;
  readonly live?: AggregateItem;
  readonly shadow?: AggregateItem;
}

/** The outcome of a comparison. */
export interface Comparison {
  /** Drifted items, ordered by granularity, window, type and key. */
  readonly drift: readonly Drift[];
  /** Items compared (in scope on either side). */
  readonly compared: number;
  /** Items left alone because their window's TTL has passed. */
  readonly expired: number;
}

/**
 * Compares live and shadow aggregates item by item over the windows `judge`
 * puts in scope. Values are compared as exact decimals; high-water marks are
 * not compared (they differ legitimately: the live item also remembers
 * records from before the replay's range, in other windows' shards).
 */
export function compareAggregates(
  live: readonly AggregateItem[],
  shadow: readonly AggregateItem[],
  judge: (item: AggregateItem) => WindowVerdict,
): Comparison {
  const liveById = new Map(live.map((item) => [itemId(item), item]));
  const shadowById = new Map(shadow.map((item) => [itemId(item), item]));
  const drift: Drift[] = [];
  let compared = 0;
  let expired = 0;
  for (const id of new Set([...liveById.keys(), ...shadowById.keys()])) {
    const liveItem = liveById.get(id);
    const shadowItem = shadowById.get(id);
    const item = (shadowItem ?? liveItem) as AggregateItem;
    const verdict = judge(item);
    if (verdict === 'expired') expired += 1;
    if (verdict !== 'in') continue;
    compared += 1;
    const kind = !liveItem
      ? DriftKind.missing
      : !shadowItem
        ? DriftKind.extra
        : sameValues(liveItem, shadowItem)
          ? undefined
          : DriftKind.different;
    if (kind === undefined) continue;
    drift.push({
      kind,
      pk: item.pk,
      sk: item.sk,
      type: item.type,
      key: item.key,
      granularity: item.granularity,
      windowStart: item.windowStart,
      ...(liveItem ? { live: liveItem } : {}),
      ...(shadowItem ? { shadow: shadowItem } : {}),
    });
  }
  drift.sort(
    (a, b) =>
      compareText(a.granularity, b.granularity) ||
      compareText(a.windowStart, b.windowStart) ||
      compareText(a.type, b.type) ||
      compareText(a.key, b.key),
  );
  return { drift, compared, expired };
}

/** Whether two items hold the same aggregate (count, sum, min, max). */
export function sameValues(a: AggregateItem, b: AggregateItem): boolean {
  return sameDecimal(a.count, b.count) && sameDecimal(a.sum, b.sum) && sameDecimal(a.min, b.min) && sameDecimal(a.max, b.max);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
