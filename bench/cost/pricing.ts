import { itemSizeBytes, type DynamoItem } from '../../lambdas/aggregator/store/itemSize';

/**
 * DynamoDB's on-demand billing rules, as pure functions of the items before
 * and after a request. Sources (DynamoDB Developer Guide):
 * - "DynamoDB item sizes and formats" (CapacityUnitCalculations.html) and
 *   "DynamoDB read/write capacity mode" / on-demand pricing: a write request unit
 *   covers 1 KB (1,024 bytes) of item, a read request unit 4 KB; an
 *   eventually consistent read costs half a strongly consistent one.
 * - "PutItem / UpdateItem / DeleteItem": the size billed is the larger of the
 *   item before and after the write; a write whose condition fails still
 *   consumes write units (at least 1, by the existing item's size).
 * - "Global secondary indexes – provisioned throughput considerations"
 *   (GSI.html#GSI.ThroughputConsiderations.Writes): a write that adds an item
 *   to an index is 1 index write, one that removes it is 1, one that changes
 *   an index key attribute is 2 (delete + put), one that changes only
 *   projected attributes is 1; each sized by the index entry (index keys +
 *   table keys + projected attributes). The 100 bytes per index entry the
 *   guide adds are a storage overhead ("Storage considerations"), so they
 *   are not added to the entry size billed for writes here.
 */

const WRITE_UNIT_BYTES = 1_024;
const READ_UNIT_BYTES = 4_096;

/** How an index is laid out, as DescribeTable reports it. */
export interface IndexLayout {
  readonly name: string;
  /** The index's partition key then (optionally) sort key attribute names. */
  readonly keyAttributes: readonly string[];
  /** The table's primary key attribute names (always projected). */
  readonly tableKeyAttributes: readonly string[];
  readonly projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  /** For INCLUDE: the non-key attributes projected. */
  readonly nonKeyAttributes: readonly string[];
}

/** The write units of one index change and the partition keys they land on. */
export interface IndexWrite {
  readonly units: number;
  /** Partition-key value (index's) each part of the write landed on, with its units. */
  readonly partitions: readonly { readonly partitionKey: string; readonly units: number }[];
}

/** Write units for `bytes` of item: ceil(bytes / 1 KB), at least 1. */
export function writeUnitsForBytes(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / WRITE_UNIT_BYTES));
}

/**
 * A table write's units: by the larger of the item before and after
 * (`undefined` = no item). A failed condition is billed by the existing item.
 */
export function tableWriteUnits(before: DynamoItem | undefined, after: DynamoItem | undefined): number {
  return writeUnitsForBytes(Math.max(before ? itemSizeBytes(before) : 0, after ? itemSizeBytes(after) : 0));
}

/** The item's entry in the index, or undefined when it lacks an index key attribute (a sparse index skips it). */
export function indexEntry(index: IndexLayout, item: DynamoItem | undefined): DynamoItem | undefined {
  if (!item || index.keyAttributes.some((name) => item[name] === undefined)) return undefined;
  if (index.projection === 'ALL') return item;
  const names = new Set([
    ...index.keyAttributes,
    ...index.tableKeyAttributes,
    ...(index.projection === 'INCLUDE' ? index.nonKeyAttributes : []),
  ]);
  const entry: DynamoItem = {};
  for (const name of names) if (item[name] !== undefined) entry[name] = item[name];
  return entry;
}

/** The index writes a table write from `before` to `after` causes, by the GSI rules above. */
export function indexWriteUnits(index: IndexLayout, before: DynamoItem | undefined, after: DynamoItem | undefined): IndexWrite {
  const old = indexEntry(index, before);
  const next = indexEntry(index, after);
  const partitionOf = (entry: DynamoItem) => attributeText(entry[index.keyAttributes[0]!]);
  const part = (entry: DynamoItem, units = writeUnitsForBytes(itemSizeBytes(entry))) => ({ partitionKey: partitionOf(entry), units });
  let parts: { partitionKey: string; units: number }[];
  if (!old && !next) parts = [];
  else if (!old) parts = [part(next!)];
  else if (!next) parts = [part(old)];
  else if (index.keyAttributes.some((name) => attributeText(old[name]) !== attributeText(next[name]))) parts = [part(old), part(next)];
  else if (sameEntry(old, next)) parts = [];
  // Only projected attributes changed: one write, sized like a table write by the larger entry.
  else parts = [part(next, writeUnitsForBytes(Math.max(itemSizeBytes(old), itemSizeBytes(next))))];
  return { units: parts.reduce((sum, entry) => sum + entry.units, 0), partitions: parts };
}

/**
 * Read units for a request that read `bytes` in all (one item for GetItem,
 * the sum of the items for Query and Scan): ceil(bytes / 4 KB), at least 1,
 * halved when eventually consistent.
 */
export function readUnitsForBytes(bytes: number, consistentRead: boolean): number {
  const units = Math.max(1, Math.ceil(bytes / READ_UNIT_BYTES));
  return consistentRead ? units : units / 2;
}

/** A stable text of an attribute value, to compare values and name partitions. */
export function attributeText(value: DynamoItem[string] | undefined): string {
  if (value === undefined) return '';
  return JSON.stringify(value, (_key, inner: unknown) => (inner instanceof Uint8Array ? Buffer.from(inner).toString('base64') : inner));
}

function sameEntry(a: DynamoItem, b: DynamoItem): boolean {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const name of names) if (attributeText(a[name]) !== attributeText(b[name])) return false;
  return true;
}
