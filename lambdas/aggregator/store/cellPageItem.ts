import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  cellPagePk,
  decimalStringToNanos,
  highWaterAttribute,
  nanosToDecimalString,
  windowSk,
  MeasureAttributes,
  type CellPage,
  type PageCell,
} from '../../../core';
import { itemSizeBytes, valueSizeBytes, type DynamoItem } from './itemSize';

/**
 * A cell page as a DynamoDB item (core/cellPages.ts):
 * - `pk` = `#pg#<type>#<granularity>`, `sk` = the window start;
 * - `type`, `granularity`, `windowStart`, `expiresAt` as on a per-key item;
 * - `cells`: a List of [key, count, sum, min, max], a stat the type does not
 *   keep as NULL (docs/measures.md);
 * - `hw#<shardId>` per shard, `full` once the page takes no new key, `v` the
 *   version every write is conditioned on, `qd` the type's distinct fields,
 *   `depth` the leaderboards' depth (what a top-N read may ask for).
 * A List, not a Map keyed by the event keys: the AWS SDK builds a Map's
 * entries as properties of a plain object, where the key `__proto__` sets the
 * object's prototype instead and the cell is silently lost, on write and on read.
 */
export const PageAttributes = {
  cells: 'cells',
  full: 'full',
  version: 'v',
  depth: 'depth',
} as const;

/** Which plain stats a page's cells keep; count always. */
export interface PageStats {
  readonly sum: boolean;
  readonly min: boolean;
  readonly max: boolean;
}

/** What a page item says besides its cells. */
export interface PageIdentity {
  readonly type: string;
  readonly granularity: string;
  readonly windowStartMs: number;
  readonly expiresAtSec: number;
  readonly distinctFields: string | undefined;
  /**
   * The consumer's leaderboard depth (`topKeysDepth`): the most keys a top-N
   * read may ask for, also of a window that has only a page and no board.
   */
  readonly topKeysDepth?: number;
}

export function cellPageKey(type: string, granularity: string, windowStartMs: number): { pk: { S: string }; sk: { S: string } } {
  return { pk: { S: cellPagePk(type, granularity) }, sk: { S: windowSk(windowStartMs) } };
}

const NULL: AttributeValue = { NULL: true };

/** A cell as its List entry: [key, count, sum, min, max]. */
export function cellValue(key: string, cell: PageCell, stats: PageStats): AttributeValue {
  return {
    L: [
      { S: key },
      { N: String(cell.count) },
      stats.sum ? { N: nanosToDecimalString(cell.sumNanos) } : NULL,
      stats.min ? { N: String(cell.min) } : NULL,
      stats.max ? { N: String(cell.max) } : NULL,
    ],
  };
}

/** The bytes a cell adds to its page: its List entry (1 byte) and the entry itself. */
export function cellBytes(key: string, cell: PageCell, stats: PageStats): number {
  return 1 + valueSizeBytes(cellValue(key, cell, stats));
}

export function pageToItem(page: CellPage, identity: PageIdentity, stats: PageStats): DynamoItem {
  const cells = [...page.cells].map(([key, cell]) => cellValue(key, cell, stats));
  const item: DynamoItem = {
    ...cellPageKey(identity.type, identity.granularity, identity.windowStartMs),
    type: { S: identity.type },
    granularity: { S: identity.granularity },
    windowStart: { S: windowSk(identity.windowStartMs) },
    expiresAt: { N: String(identity.expiresAtSec) },
    [PageAttributes.cells]: { L: cells },
    [PageAttributes.version]: { N: String(page.version) },
  };
  if (page.full) item[PageAttributes.full] = { BOOL: true };
  if (identity.distinctFields !== undefined) item[MeasureAttributes.distinctFields] = { S: identity.distinctFields };
  if (identity.topKeysDepth !== undefined) item[PageAttributes.depth] = { N: String(identity.topKeysDepth) };
  for (const [shardId, mark] of page.marks) item[highWaterAttribute(shardId)] = { S: mark };
  return item;
}

/** The stored size of a page as {@link pageToItem} writes it. */
export function pageBytes(page: CellPage, identity: PageIdentity, stats: PageStats): number {
  return itemSizeBytes(pageToItem(page, identity, stats));
}

const HW_PREFIX = highWaterAttribute('');

/** A page as the writer plans with it; a stat the page does not keep reads as 0. */
export function pageFromItem(item: DynamoItem): CellPage {
  const cells = new Map<string, PageCell>();
  for (const [key, cell] of cellsOfPageItem(item)) {
    cells.set(key, {
      count: cell.count,
      sumNanos: cell.sum === undefined ? 0n : decimalStringToNanos(cell.sum)!,
      min: cell.min ?? 0,
      max: cell.max ?? 0,
    });
  }
  const marks = new Map<string, string>();
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith(HW_PREFIX) && value.S !== undefined) marks.set(name.slice(HW_PREFIX.length), value.S);
  }
  return { cells, marks, full: item[PageAttributes.full]?.BOOL === true, version: Number(item[PageAttributes.version]?.N ?? 0) };
}

/** One cell as a reader wants it: the stats the page keeps (sum as its exact decimal text). */
export interface StoredCell {
  readonly count: number;
  readonly sum?: string;
  readonly min?: number;
  readonly max?: number;
}

/** One List entry of `cells`: its key and stats. */
export function readCell(value: AttributeValue): { readonly key: string; readonly cell: StoredCell } {
  const [key, count, sum, min, max] = value.L ?? [];
  return {
    key: key?.S ?? '',
    cell: {
      count: Number(count?.N ?? 0),
      ...(sum?.N !== undefined ? { sum: sum.N } : {}),
      ...(min?.N !== undefined ? { min: Number(min.N) } : {}),
      ...(max?.N !== undefined ? { max: Number(max.N) } : {}),
    },
  };
}

/** Every cell of a page item by key, for readers. */
export function cellsOfPageItem(item: DynamoItem): Map<string, StoredCell> {
  const cells = new Map<string, StoredCell>();
  for (const value of item[PageAttributes.cells]?.L ?? []) {
    const { key, cell } = readCell(value);
    cells.set(key, cell);
  }
  return cells;
}
