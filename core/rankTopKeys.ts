/** One key's count in a window, as a leaderboard holds it. */
export interface KeyCount {
  readonly key: string;
  readonly count: number;
}

/**
 * The ranking every top-N answer uses: highest count first, ties broken by
 * key in ascending UTF-16 order (JavaScript's string order), so any two
 * readers agree on one order.
 */
export function compareKeyCounts(a: KeyCount, b: KeyCount): number {
  if (a.count !== b.count) return b.count - a.count;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/**
 * Merges counts just written into a window's leaderboard, kept `depth` deep.
 *
 * Why it stays exact without reading every key: a window's counts only grow,
 * and every count a batch writes is offered here afterwards. A key's entry
 * takes the larger of the two counts it is offered (offers from several
 * shards may arrive out of order). A key falls off only when `depth` others
 * rank above it; its count then is at most the board's last, and the last
 * entry only ever ranks higher, so a key off the board can come back only by
 * a new count, which will be offered. Hence after every offer has landed the
 * board holds exactly the top `depth` keys with their counts.
 *
 * @returns the new entries in rank order, and whether anything changed.
 */
export function mergeTopKeys(
  board: readonly KeyCount[],
  offers: readonly KeyCount[],
  depth: number,
): { entries: KeyCount[]; changed: boolean } {
  const byKey = new Map<string, number>();
  for (const entry of board) byKey.set(entry.key, entry.count);
  let changed = false;
  for (const offer of offers) {
    const current = byKey.get(offer.key);
    if (current === undefined || offer.count > current) {
      byKey.set(offer.key, offer.count);
      changed = true;
    }
  }
  if (!changed) return { entries: [...board], changed: false };
  const ranked = [...byKey].map(([key, count]) => ({ key, count })).sort(compareKeyCounts);
  const entries = ranked.slice(0, depth);
  // An offer that ranks below a full board leaves it as it was.
  const same =
    entries.length === board.length && entries.every((entry, i) => entry.key === board[i]!.key && entry.count === board[i]!.count);
  return { entries, changed: !same };
}
