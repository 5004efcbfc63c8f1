import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { QuarantineDocument } from '../../../lambdas/aggregator/store/S3QuarantineSink';
import { isCellPagePk, isDistinctSketchPk, isQuantileBinAttribute, isTopKeysPk, topKeysPk } from '../../../core';
import { cellsOfPageItem } from '../../../lambdas/aggregator/store/cellPageItem';
import { pageCellItems } from '../../../lambdas/aggregator/store/readCells';
import { boardFromItem } from '../../../lambdas/aggregator/store/DynamoTopKeysStore';
import type { AggregateRow } from './expectedAggregates';

/** Every aggregate item of a table (not the leaderboards nor the distinct-count sketches), keyed `pk|sk`. */
export async function scanAggregates(client: DynamoDBClient, tableName: string): Promise<Map<string, AggregateRow>> {
  const rows = new Map<string, AggregateRow>();
  let startKey: Record<string, any> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey, ConsistentRead: true }));
    for (const item of page.Items ?? []) {
      if (isTopKeysPk(item.pk.S!) || isDistinctSketchPk(item.pk.S!)) continue;
      // A page's cells read as the per-key items they stand for (core/cellPages.ts).
      for (const cell of isCellPagePk(item.pk.S!) ? pageCellItems(item) : [item]) {
        const id = `${cell.pk!.S}|${cell.sk!.S}`;
        // The layout's invariant: a key's cell of a window is in its page or its own item, never both.
        if (rows.has(id)) throw new Error(`cell ${id} is both in a page and in a per-key item`);
        rows.set(id, { count: Number(cell.count!.N), sum: cell.sum!.N!, min: Number(cell.min!.N), max: Number(cell.max!.N) });
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return rows;
}

/** How a quarantined record is keyed here: its sequence number, and `.<sub-sequence number>` for a user record of a KPL aggregate. */
export function quarantineId(sequenceNumber: string, subSequenceNumber: number | undefined): string {
  return subSequenceNumber === undefined ? sequenceNumber : `${sequenceNumber}.${subSequenceNumber}`;
}

/** Every quarantined record under a prefix, keyed by {@link quarantineId}. */
export async function listQuarantined(client: S3Client, bucket: string, prefix: string): Promise<Map<string, QuarantineDocument>> {
  const documents = new Map<string, QuarantineDocument>();
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) {
      const body = await client.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }));
      const document = JSON.parse(await body.Body!.transformToString()) as QuarantineDocument;
      const id = quarantineId(document.sequenceNumber, document.subSequenceNumber);
      if (documents.has(id)) throw new Error(`record ${id} quarantined twice`);
      documents.set(id, document);
    }
    token = page.NextContinuationToken;
  } while (token);
  return documents;
}

/**
 * The top `depth` keys of every window as readers rank them (src/query/readAggregates.ts):
 * the window's cell page and its leaderboard together, keyed by the
 * leaderboard's `pk|sk`, entries in rank order.
 */
export async function scanTopKeys(
  client: DynamoDBClient,
  tableName: string,
  depth: number,
): Promise<Map<string, { key: string; count: number }[]>> {
  const counts = new Map<string, Map<string, number>>();
  const add = (boardId: string, key: string, count: number) => {
    let window = counts.get(boardId);
    if (window === undefined) counts.set(boardId, (window = new Map()));
    window.set(key, Math.max(count, window.get(key) ?? 0));
  };
  await scanAll(client, tableName, (item) => {
    const pk = item.pk!.S!;
    if (isTopKeysPk(pk)) for (const entry of boardFromItem(item).entries) add(`${pk}|${item.sk!.S}`, entry.key, entry.count);
    if (isCellPagePk(pk)) {
      const boardId = `${topKeysPk(item.type!.S!, item.granularity!.S!)}|${item.sk!.S}`;
      for (const [key, cell] of cellsOfPageItem(item)) add(boardId, key, cell.count);
    }
  });
  return new Map(
    [...counts].map(([boardId, window]) => [
      boardId,
      [...window]
        .map(([key, count]) => ({ key, count }))
        .sort((a, b) => (a.count !== b.count ? b.count - a.count : a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
        .slice(0, depth),
    ]),
  );
}

/** The quantile bins of every aggregate item that has any, keyed `pk|sk`. */
export async function scanBins(client: DynamoDBClient, tableName: string): Promise<Map<string, Record<string, number>>> {
  const items = new Map<string, Record<string, number>>();
  await scanAll(client, tableName, (item) => {
    const bins: Record<string, number> = {};
    for (const [name, value] of Object.entries(item)) if (isQuantileBinAttribute(name)) bins[name] = Number(value.N);
    if (Object.keys(bins).length > 0) items.set(`${item.pk!.S}|${item.sk!.S}`, bins);
  });
  return items;
}

/** The bytes (hex) of every distinct-count sketch item, keyed `pk|sk`. */
export async function scanSketches(client: DynamoDBClient, tableName: string): Promise<Map<string, string>> {
  const sketches = new Map<string, string>();
  await scanAll(client, tableName, (item) => {
    if (isDistinctSketchPk(item.pk!.S!)) sketches.set(`${item.pk!.S}|${item.sk!.S}`, Buffer.from(item.hll!.B!).toString('hex'));
  });
  return sketches;
}

async function scanAll(client: DynamoDBClient, tableName: string, visit: (item: Record<string, AttributeValue>) => void): Promise<void> {
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey, ConsistentRead: true }));
    for (const item of page.Items ?? []) visit(item);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}
