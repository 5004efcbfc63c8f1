import { deflateRawSync, inflateRawSync } from 'node:zlib';
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
import { itemSizeBytes, type DynamoItem } from './itemSize';

/**
 * A cell page as a DynamoDB item (core/cellPages.ts):
 * - `pk` = `#pg#<type>#<granularity>`, `sk` = the window start;
 * - `type`, `granularity`, `windowStart`, `expiresAt` as on a per-key item;
 * - `cells`: Binary, the page's cells compressed (see {@link encodeCells});
 * - `hw#<shardId>` per shard, `full` once the page takes no new key, `v` the
 *   version every write is conditioned on, `qd` the type's distinct fields,
 *   `depth` the leaderboards' depth (what a top-N read may ask for).
 *
 * Why compressed: DynamoDB bills a write by the whole item's size, and a page
 * is rewritten by every batch that touches its window. Keys of one type share
 * much of their text (paths, search terms, sensor names), so the cells
 * deflate to a fifth of their size or less, and each page write costs that
 * much fewer units. The DynamoDB developer guide recommends the same for
 * large attribute values ("Best practices for storing large items and
 * attributes": compress them and store them as Binary). The budget a page
 * grows to is counted before compression ({@link pageBytes}), so how many
 * keys a page takes does not depend on how well they compress.
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

/**
 * One cell as its entry in the encoded cells: [key, count, sum, min, max],
 * a stat the type does not keep as null, trailing nulls left out. JSON: it
 * carries any key text, the sum as its exact decimal text and min/max as
 * numbers exactly (a double round-trips through JSON), and no entry name
 * such as `__proto__` can become an object property, as it would in a Map
 * attribute the AWS SDK builds into a plain object.
 */
type CellEntry = [key: string, count: number, sum?: string | null, min?: number | null, max?: number | null];

function entryOf(key: string, cell: StoredCell): CellEntry {
  const entry: CellEntry = [key, cell.count, cell.sum ?? null, cell.min ?? null, cell.max ?? null];
  while (entry.length > 2 && entry[entry.length - 1] === null) entry.pop();
  return entry;
}

/** A planned cell as a reader sees it: only the stats the type keeps. */
function storedCellOf(cell: PageCell, stats: PageStats): StoredCell {
  return {
    count: cell.count,
    ...(stats.sum ? { sum: nanosToDecimalString(cell.sumNanos) } : {}),
    ...(stats.min ? { min: cell.min } : {}),
    ...(stats.max ? { max: cell.max } : {}),
  };
}

/** The `cells` attribute: a JSON array of entries, deflated (raw deflate, no header). */
export function encodeCells(cells: Iterable<readonly [string, StoredCell]>): AttributeValue {
  const entries = [...cells].map(([key, cell]) => entryOf(key, cell));
  return { B: deflateRawSync(JSON.stringify(entries)) };
}

/** The cells of a `cells` attribute by key, in the order they are stored. */
export function decodeCells(value: AttributeValue | undefined): Map<string, StoredCell> {
  const cells = new Map<string, StoredCell>();
  if (value?.B === undefined) return cells;
  const entries = JSON.parse(inflateRawSync(value.B).toString('utf8')) as CellEntry[];
  for (const [key, count, sum, min, max] of entries) {
    cells.set(key, {
      count,
      ...(typeof sum === 'string' ? { sum } : {}),
      ...(typeof min === 'number' ? { min } : {}),
      ...(typeof max === 'number' ? { max } : {}),
    });
  }
  return cells;
}

/** The bytes a cell adds to its page before compression: its entry and a comma. */
export function cellBytes(key: string, cell: PageCell, stats: PageStats): number {
  return 1 + Buffer.byteLength(JSON.stringify(entryOf(key, storedCellOf(cell, stats))), 'utf8');
}

/** A page as an item, all but its cells. */
function pageItemWithoutCells(page: CellPage, identity: PageIdentity): DynamoItem {
  const item: DynamoItem = {
    ...cellPageKey(identity.type, identity.granularity, identity.windowStartMs),
    type: { S: identity.type },
    granularity: { S: identity.granularity },
    windowStart: { S: windowSk(identity.windowStartMs) },
    expiresAt: { N: String(identity.expiresAtSec) },
    [PageAttributes.version]: { N: String(page.version) },
  };
  if (page.full) item[PageAttributes.full] = { BOOL: true };
  if (identity.distinctFields !== undefined) item[MeasureAttributes.distinctFields] = { S: identity.distinctFields };
  if (identity.topKeysDepth !== undefined) item[PageAttributes.depth] = { N: String(identity.topKeysDepth) };
  for (const [shardId, mark] of page.marks) item[highWaterAttribute(shardId)] = { S: mark };
  return item;
}

export function pageToItem(page: CellPage, identity: PageIdentity, stats: PageStats): DynamoItem {
  const cells = [...page.cells].map(([key, cell]): [string, StoredCell] => [key, storedCellOf(cell, stats)]);
  return { ...pageItemWithoutCells(page, identity), [PageAttributes.cells]: encodeCells(cells) };
}

/**
 * A page's size as its budget counts it: the item with its cells as they are
 * before compression (the array's brackets and each cell's {@link cellBytes}).
 * It bounds the stored size, which compression makes smaller.
 */
export function pageBytes(page: CellPage, identity: PageIdentity, stats: PageStats): number {
  let cellsBytes = 2;
  for (const [key, cell] of page.cells) cellsBytes += cellBytes(key, cell, stats);
  return itemSizeBytes(pageItemWithoutCells(page, identity)) + PageAttributes.cells.length + cellsBytes;
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

/** Every cell of a page item by key, for readers. */
export function cellsOfPageItem(item: DynamoItem): Map<string, StoredCell> {
  return decodeCells(item[PageAttributes.cells]);
}
