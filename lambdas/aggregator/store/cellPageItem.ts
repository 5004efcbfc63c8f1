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
 * - `cells`: a Map of key → List [count, sum, min, max], a stat the type does
 *   not keep as NULL (docs/measures.md);
 * - `hw#<shardId>` per shard, `full` once the page takes no new key, `v` the
 *   version every write is conditioned on, `qd` the type's distinct fields.
 * A Map rather than a packed string so the page reads as what it is in the
 * console and in an export; it costs about 8 bytes a cell more.
 */
export const PageAttributes = {
  cells: 'cells',
  full: 'full',
  version: 'v',
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
}

export function cellPageKey(type: string, granularity: string, windowStartMs: number): { pk: { S: string }; sk: { S: string } } {
  return { pk: { S: cellPagePk(type, granularity) }, sk: { S: windowSk(windowStartMs) } };
}

const NULL: AttributeValue = { NULL: true };

/** A cell as its List value. */
export function cellValue(cell: PageCell, stats: PageStats): AttributeValue {
  return {
    L: [
      { N: String(cell.count) },
      stats.sum ? { N: nanosToDecimalString(cell.sumNanos) } : NULL,
      stats.min ? { N: String(cell.min) } : NULL,
      stats.max ? { N: String(cell.max) } : NULL,
    ],
  };
}

/** The bytes a cell adds to its page: its Map entry (1 byte, the key, the List). */
export function cellBytes(key: string, cell: PageCell, stats: PageStats): number {
  return 1 + Buffer.byteLength(key, 'utf8') + valueSizeBytes(cellValue(cell, stats));
}

export function pageToItem(page: CellPage, identity: PageIdentity, stats: PageStats): DynamoItem {
  // fromEntries defines each key as its own property: assigning would make `__proto__` the object's prototype.
  const cells: Record<string, AttributeValue> = Object.fromEntries([...page.cells].map(([key, cell]) => [key, cellValue(cell, stats)]));
  const item: DynamoItem = {
    ...cellPageKey(identity.type, identity.granularity, identity.windowStartMs),
    type: { S: identity.type },
    granularity: { S: identity.granularity },
    windowStart: { S: windowSk(identity.windowStartMs) },
    expiresAt: { N: String(identity.expiresAtSec) },
    [PageAttributes.cells]: { M: cells },
    [PageAttributes.version]: { N: String(page.version) },
  };
  if (page.full) item[PageAttributes.full] = { BOOL: true };
  if (identity.distinctFields !== undefined) item[MeasureAttributes.distinctFields] = { S: identity.distinctFields };
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
  for (const [key, value] of Object.entries(item[PageAttributes.cells]?.M ?? {})) {
    const cell = readCell(value);
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

export function readCell(value: AttributeValue): StoredCell {
  const [count, sum, min, max] = value.L ?? [];
  return {
    count: Number(count?.N ?? 0),
    ...(sum?.N !== undefined ? { sum: sum.N } : {}),
    ...(min?.N !== undefined ? { min: Number(min.N) } : {}),
    ...(max?.N !== undefined ? { max: Number(max.N) } : {}),
  };
}

/** Every cell of a page item by key, for readers. */
export function cellsOfPageItem(item: DynamoItem): Map<string, StoredCell> {
  const cells = new Map<string, StoredCell>();
  for (const [key, value] of Object.entries(item[PageAttributes.cells]?.M ?? {})) cells.set(key, readCell(value));
  return cells;
}
