import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  aggregatePk,
  distinctSketchPk,
  distinctSketchSk,
  HyperLogLog,
  MeasureAttributes,
  windowSk,
  type DataAlert,
  type ItemAddress,
} from '../../../core';
import type { PreviousWindowReader } from '../alerts/alertReadings';
import { measureValue } from '../alerts/measureValue';
import { stateOf } from './aggregateState';
import { LruMap } from './LruMap';
import { readCells } from './readCells';

const DISTINCT_PREFIX = 'distinct:';
/** Previous windows remembered per environment: one per `risesOver` alert is in use at a time. */
const CACHED_WINDOWS = 256;

/**
 * The previous window's value of a `risesOver` alert's cell, read once per
 * execution environment and window: by the time a batch writes the next
 * window, the previous one has (nearly) all its events, and an alarm on a
 * ratio needs no more than that.
 */
export class DynamoPreviousWindowReader implements PreviousWindowReader {
  private readonly cache = new LruMap<string, { value: number | undefined }>(CACHED_WINDOWS);

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async value(alert: DataAlert, address: ItemAddress): Promise<number | undefined> {
    const id = `${alert.name}\u0000${address.windowStartMs}`;
    const cached = this.cache.get(id);
    if (cached !== undefined) return cached.value;
    const value = await this.read(alert, address);
    this.cache.set(id, { value });
    return value;
  }

  private async read(alert: DataAlert, address: ItemAddress): Promise<number | undefined> {
    const window = windowSk(address.windowStartMs);
    if (alert.measure.startsWith(DISTINCT_PREFIX)) {
      const field = alert.measure.slice(DISTINCT_PREFIX.length);
      const { Item } = await this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: distinctSketchPk(address.type, address.granularity, address.key) }, sk: { S: distinctSketchSk(window, field) } },
        }),
      );
      const bytes = Item?.[MeasureAttributes.sketch]?.B;
      return bytes === undefined ? undefined : HyperLogLog.fromBytes(bytes).estimate();
    }
    // The cell is in the window's page or in its per-key item (core/cellPages.ts).
    const cells = await readCells(this.client, this.tableName, [address]);
    const item = cells.get(`${aggregatePk(address.type, address.granularity, address.key)}|${window}`);
    return item === undefined ? undefined : measureValue(alert.measure, stateOf(item, true), () => undefined);
  }
}
