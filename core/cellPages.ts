import { summarizeContributions } from './buildItemDeltas';
import type { ItemDelta } from './types';

/**
 * Cell pages: the cells of one (type, granularity, window) packed into one
 * DynamoDB item, so a batch pays one write for the window's busy keys rather
 * than one per key (docs/cost.md, "The item layout").
 *
 * DynamoDB bills a write by the item's size in 1 KB units, and a per-key item
 * is a few hundred bytes: a batch that touches 70 keys of a window pays 70
 * units for 20 KB it could have written as 3. A page holds the window's first
 * keys until it reaches its byte limit (admissionLimitBytes); from then on it is `full`, takes no
 * new key, and the window's other keys get per-key items as before. So a
 * window with few keys (the common, hot case) costs a write or a few per
 * batch, and a window with a long tail of keys costs what it did, never more.
 *
 * Why it stays exact:
 * - a page keeps, per shard, the highest sequence number it has taken
 *   (`hw#<shardId>`, as a per-key item does), and one batch's contributions to
 *   it are one conditional put: applied all or not at all, so what a shard
 *   applied to a page is a prefix of its contributions, skipped on a retry;
 * - a key's cells are in the page or in its per-key item, never both: a key
 *   gets a per-key item only once the page is stored `full`, a full page never
 *   takes a new key, and the store writes a batch's per-key cells of a window
 *   only after the page's own write (which is what stores `full`) succeeded;
 * - a reader adds a key's page cell and per-key item, of which one exists.
 */

/** One key's aggregates in a page. `sumNanos` is exact (exactDecimal.ts). */
export interface PageCell {
  readonly count: number;
  readonly sumNanos: bigint;
  readonly min: number;
  readonly max: number;
}

/** A window's page as stored (or as it will be once written). */
export interface CellPage {
  /** key → cell, in the order keys were admitted. */
  readonly cells: ReadonlyMap<string, PageCell>;
  /** shardId → padded sequence number of the newest contribution the page took from that shard. */
  readonly marks: ReadonlyMap<string, string>;
  /** Takes no new key. Once set, never cleared. */
  readonly full: boolean;
  /** Incremented by every write; 0: not stored yet. Writes are conditioned on it. */
  readonly version: number;
}

/** A page no write has made yet. */
export const EMPTY_PAGE: CellPage = { cells: new Map(), marks: new Map(), full: false, version: 0 };

/**
 * The most bytes a page may reach before it takes no new key, its cells
 * counted before compression (the adapter stores them deflated): about 4,000
 * cells of keys of a dozen characters. Keys that share text, such as paths,
 * deflate about 5×, so a full page is written for about 25 write units. See
 * {@link admissionLimitBytes} for how far a page grows below that.
 */
export const DEFAULT_PAGE_BUDGET_BYTES = 131_072;

/**
 * The largest budget: a stored page is at most a few bytes larger than its
 * budget even when nothing compresses, and a DynamoDB item is at most 400 KB.
 */
export const MAX_PAGE_BUDGET_BYTES = 393_216;

/** A page always grows this far: a write of it costs at most 4 units. */
export const MIN_PAGE_LIMIT_BYTES = 4_096;

/**
 * How far a batch may grow a window's page: a write costs one unit per KB of
 * the page, and the batch's cells of the window would cost about one unit
 * each as items of their own, so a page grows past 4 KB only by a batch
 * dense enough to pay for it (one KB per cell it writes), never past the
 * budget. A sparse stream's pages stay small; a dense one's fill the budget.
 */
export function admissionLimitBytes(budgetBytes: number, cellsInBatch: number): number {
  return Math.min(budgetBytes, Math.max(MIN_PAGE_LIMIT_BYTES, cellsInBatch * 1_024));
}

/** Where each delta of a window went. */
export const DeltaPlacement = {
  /** Its pending contributions are in the new page. */
  page: 'page',
  /** Every contribution was in the page already (a retry): nothing to write. */
  applied: 'applied',
  /** The key has no place in the page: the delta goes to its per-key item. */
  overflow: 'overflow',
} as const;
export type DeltaPlacement = (typeof DeltaPlacement)[keyof typeof DeltaPlacement];

export interface PagePlan {
  /** The page after the batch; `version` already incremented when {@link changed}. */
  readonly page: CellPage;
  /** Whether the page must be written. */
  readonly changed: boolean;
  /** One per delta, in order. */
  readonly placements: readonly DeltaPlacement[];
}

/**
 * Plans one batch's deltas of one window (same type, granularity and window,
 * one shard) against the page as stored: which go into the page, which are
 * already in it, which overflow to per-key items. Pure; the same page and
 * deltas always give the same plan.
 *
 * @param cellBytes the stored size of a key's cell (the adapter knows the encoding).
 * @param pageBytes the stored size of a whole page.
 */
export function planPage(
  stored: CellPage,
  deltas: readonly ItemDelta[],
  shardId: string,
  budgetBytes: number,
  sizes: { readonly cellBytes: (key: string, cell: PageCell) => number; readonly pageBytes: (page: CellPage) => number },
): PagePlan {
  const mark = stored.marks.get(shardId);
  const cells = new Map(stored.cells);
  let full = stored.full;
  let bytes = full ? 0 : sizes.pageBytes(stored);
  let newMark = mark;
  const limitBytes = admissionLimitBytes(budgetBytes, deltas.length);
  let changed = false;
  const placements: DeltaPlacement[] = [];
  for (const delta of deltas) {
    const key = delta.address.key;
    const known = cells.get(key);
    const pending = mark === undefined ? delta.contributions : delta.contributions.filter((c) => c.paddedSequence > mark);
    if (known === undefined && (full || pending.length === 0)) {
      // Not in the page: a full page takes no new key. (A key with nothing
      // pending was never admitted, or it would be known.)
      placements.push(DeltaPlacement.overflow);
      continue;
    }
    if (pending.length === 0) {
      placements.push(DeltaPlacement.applied);
      continue;
    }
    const summary = summarizeContributions(pending);
    if (known === undefined) {
      const cell: PageCell = { count: summary.count, sumNanos: summary.sumNanos, min: summary.min, max: summary.max };
      const cellBytes = sizes.cellBytes(key, cell);
      if (bytes + cellBytes > limitBytes) {
        full = true;
        changed = true; // `full` must be stored before any per-key item of this window is written
        placements.push(DeltaPlacement.overflow);
        continue;
      }
      bytes += cellBytes;
      cells.set(key, cell);
    } else {
      cells.set(key, {
        count: known.count + summary.count,
        sumNanos: known.sumNanos + summary.sumNanos,
        min: Math.min(known.min, summary.min),
        max: Math.max(known.max, summary.max),
      });
    }
    const last = pending[pending.length - 1]!.paddedSequence;
    if (newMark === undefined || last > newMark) newMark = last;
    changed = true;
    placements.push(DeltaPlacement.page);
  }
  if (!changed) return { page: stored, changed, placements };
  const marks = new Map(stored.marks);
  if (newMark !== undefined) marks.set(shardId, newMark);
  return { page: { cells, marks, full, version: stored.version + 1 }, changed, placements };
}
