import { DescribeTableCommand, GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoItem } from '../../lambdas/aggregator/store/itemSize';
import { itemSizeBytes } from '../../lambdas/aggregator/store/itemSize';
import { attributeText, indexWriteUnits, readUnitsForBytes, tableWriteUnits, type IndexLayout } from './pricing';

/** Billed units summed for one table or one of its indexes (named `table/index`). */
export interface BilledUnits {
  writeUnits: number;
  readUnits: number;
}

interface TableLayout {
  readonly keyAttributes: readonly string[];
  readonly indexes: readonly IndexLayout[];
}

type Input = Record<string, unknown> & { TableName?: string };
type WriteRequest = { PutRequest?: { Item: DynamoItem }; DeleteRequest?: { Key: DynamoItem } };

/**
 * Prices every request sent through the DynamoDB clients it is attached to,
 * by the rules in ./pricing.ts, per table and per index, and per partition
 * key value (to find the hottest one). It learns each table's keys and
 * indexes with DescribeTable and the item before a write from its own
 * records of what it has seen written (one consistent GetItem the first time
 * it meets a key); the item after from the write's own input (PutItem,
 * DeleteItem) or by asking UpdateItem for ALL_NEW when the caller asked for
 * nothing. Its own requests go through `probe`, an unmetered client, and are
 * not billed. Writes to one item are serialized so before/after stay exact.
 * Correct only while every write to the metered tables goes through it.
 */
export class BillingMeter {
  /** Units by `table` or `table/index`. */
  readonly byResource = new Map<string, BilledUnits>();
  /** Write units by `table` or `table/index`, then by partition-key value. */
  readonly writeUnitsByPartition = new Map<string, Map<string, number>>();
  private readonly layouts = new Map<string, Promise<TableLayout>>();
  private readonly items = new Map<string, DynamoItem | undefined>();
  private readonly itemLocks = new Map<string, Promise<unknown>>();

  constructor(private readonly probe: DynamoDBClient) {}

  /** Adds the pricing middleware to `client` (once per command, outside the SDK's retries). */
  attach(client: DynamoDBClient): void {
    client.middlewareStack.add(
      ((next: (args: { input: Input }) => Promise<{ output: Record<string, unknown> }>, context: { commandName?: string }) =>
        (args: { input: Input }) =>
          this.price(context.commandName ?? '', args, next)) as never,
      { step: 'initialize', name: 'streamtallyBillingMeter' },
    );
  }

  /** Forgets every figure (not the items it has seen): call between measured runs. */
  resetFigures(): void {
    this.byResource.clear();
    this.writeUnitsByPartition.clear();
  }

  private async price(
    command: string,
    args: { input: Input },
    next: (args: { input: Input }) => Promise<{ output: Record<string, unknown> }>,
  ): Promise<{ output: Record<string, unknown> }> {
    const input = args.input;
    switch (command) {
      case 'PutItemCommand':
      case 'DeleteItemCommand':
      case 'UpdateItemCommand':
        return this.priceSingleWrite(command, input, next, args);
      case 'BatchWriteItemCommand':
        return this.priceBatchWrite(input, next, args);
      case 'TransactWriteItemsCommand':
      case 'ExecuteStatementCommand':
      case 'BatchExecuteStatementCommand':
      case 'ExecuteTransactionCommand':
        // Not sent by today's adapters (dynalite has none of them); refuse rather than under-count.
        throw new Error(`the billing meter does not price ${command}`);
      default: {
        const result = await next(args);
        this.priceRead(command, input, result.output);
        return result;
      }
    }
  }

  private async priceSingleWrite(
    command: string,
    input: Input,
    next: (args: { input: Input }) => Promise<{ output: Record<string, unknown> }>,
    args: { input: Input },
  ): Promise<{ output: Record<string, unknown> }> {
    const table = input.TableName!;
    const layout = await this.layout(table);
    const key = command === 'PutItemCommand' ? pick(input.Item as DynamoItem, layout.keyAttributes) : (input.Key as DynamoItem);
    return this.serialized(table, key, async () => {
      const before = await this.itemBefore(table, key);
      const askForNew = command === 'UpdateItemCommand' && (input.ReturnValues === undefined || input.ReturnValues === 'NONE');
      let result;
      try {
        result = await next(askForNew ? { ...args, input: { ...input, ReturnValues: 'ALL_NEW' } } : args);
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') this.recordWrite(table, layout, key, before, before, true);
        throw error;
      }
      let after: DynamoItem | undefined;
      if (command === 'PutItemCommand') after = input.Item as DynamoItem;
      else if (command === 'DeleteItemCommand') after = undefined;
      else if (input.ReturnValues === 'ALL_NEW' || askForNew) after = result.output.Attributes as DynamoItem | undefined;
      else after = await this.getItem(table, key);
      this.recordWrite(table, layout, key, before, after, false);
      if (askForNew) {
        const { Attributes: _dropped, ...output } = result.output;
        return { ...result, output };
      }
      return result;
    });
  }

  private async priceBatchWrite(
    input: Input,
    next: (args: { input: Input }) => Promise<{ output: Record<string, unknown> }>,
    args: { input: Input },
  ): Promise<{ output: Record<string, unknown> }> {
    const requestItems = input.RequestItems as Record<string, WriteRequest[]>;
    const writes: { table: string; layout: TableLayout; key: DynamoItem; after: DynamoItem | undefined; before: DynamoItem | undefined }[] =
      [];
    for (const [table, requests] of Object.entries(requestItems)) {
      const layout = await this.layout(table);
      for (const request of requests) {
        const key = request.PutRequest ? pick(request.PutRequest.Item, layout.keyAttributes) : request.DeleteRequest!.Key;
        writes.push({ table, layout, key, after: request.PutRequest?.Item, before: await this.itemBefore(table, key) });
      }
    }
    const result = await next(args);
    const unprocessed = new Set<string>();
    for (const [table, requests] of Object.entries((result.output.UnprocessedItems ?? {}) as Record<string, WriteRequest[]>)) {
      const layout = await this.layout(table);
      for (const request of requests) {
        const key = request.PutRequest ? pick(request.PutRequest.Item, layout.keyAttributes) : request.DeleteRequest!.Key;
        unprocessed.add(itemId(table, key));
      }
    }
    // Each item of a batch write is billed as its own PutItem or DeleteItem; unprocessed ones are not written.
    for (const write of writes) {
      if (!unprocessed.has(itemId(write.table, write.key)))
        this.recordWrite(write.table, write.layout, write.key, write.before, write.after, false);
    }
    return result;
  }

  private priceRead(command: string, input: Input, output: Record<string, unknown>): void {
    const consistent = input.ConsistentRead === true;
    if (command === 'GetItemCommand') {
      const item = output.Item as DynamoItem | undefined;
      this.addRead(input.TableName!, readUnitsForBytes(item ? itemSizeBytes(item) : 0, consistent));
    } else if (command === 'BatchGetItemCommand') {
      const requested = input.RequestItems as Record<string, { ConsistentRead?: boolean }>;
      for (const [table, items] of Object.entries((output.Responses ?? {}) as Record<string, DynamoItem[]>)) {
        const strong = requested[table]?.ConsistentRead === true;
        // BatchGetItem bills each item as its own GetItem.
        for (const item of items) this.addRead(table, readUnitsForBytes(itemSizeBytes(item), strong));
      }
    } else if (command === 'QueryCommand' || command === 'ScanCommand') {
      // Query and Scan round the sum of the items read up to 4 KB once per request.
      // The sizes are of the items returned: a ProjectionExpression would make this an under-count.
      const bytes = ((output.Items ?? []) as DynamoItem[]).reduce((sum, item) => sum + itemSizeBytes(item), 0);
      const resource = typeof input.IndexName === 'string' ? `${input.TableName}/${input.IndexName}` : input.TableName!;
      this.addRead(resource, readUnitsForBytes(bytes, consistent));
    }
  }

  private recordWrite(
    table: string,
    layout: TableLayout,
    key: DynamoItem,
    before: DynamoItem | undefined,
    after: DynamoItem | undefined,
    failed: boolean,
  ): void {
    this.items.set(itemId(table, key), after);
    const units = tableWriteUnits(before, after);
    this.addWrite(table, attributeText(key[layout.keyAttributes[0]!]), units);
    if (failed) return; // a failed condition writes nothing, so no index changes
    for (const index of layout.indexes) {
      for (const part of indexWriteUnits(index, before, after).partitions)
        this.addWrite(`${table}/${index.name}`, part.partitionKey, part.units);
    }
  }

  private addWrite(resource: string, partitionKey: string, units: number): void {
    this.units(resource).writeUnits += units;
    let partitions = this.writeUnitsByPartition.get(resource);
    if (!partitions) this.writeUnitsByPartition.set(resource, (partitions = new Map()));
    partitions.set(partitionKey, (partitions.get(partitionKey) ?? 0) + units);
  }

  private addRead(resource: string, units: number): void {
    this.units(resource).readUnits += units;
  }

  private units(resource: string): BilledUnits {
    let units = this.byResource.get(resource);
    if (!units) this.byResource.set(resource, (units = { writeUnits: 0, readUnits: 0 }));
    return units;
  }

  private async itemBefore(table: string, key: DynamoItem): Promise<DynamoItem | undefined> {
    const id = itemId(table, key);
    if (this.items.has(id)) return this.items.get(id);
    const item = await this.getItem(table, key);
    this.items.set(id, item);
    return item;
  }

  private async getItem(table: string, key: DynamoItem): Promise<DynamoItem | undefined> {
    const { Item } = await this.probe.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }));
    return Item;
  }

  private async serialized<T>(table: string, key: DynamoItem, work: () => Promise<T>): Promise<T> {
    const id = itemId(table, key);
    const previous = this.itemLocks.get(id) ?? Promise.resolve();
    const run = previous.then(work, work);
    const settled = run.catch(() => undefined);
    this.itemLocks.set(id, settled);
    try {
      return await run;
    } finally {
      if (this.itemLocks.get(id) === settled) this.itemLocks.delete(id);
    }
  }

  private layout(table: string): Promise<TableLayout> {
    let layout = this.layouts.get(table);
    if (!layout) this.layouts.set(table, (layout = describeLayout(this.probe, table)));
    return layout;
  }
}

async function describeLayout(client: DynamoDBClient, table: string): Promise<TableLayout> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
  const keys = (schema: { AttributeName?: string; KeyType?: string }[] | undefined) =>
    [...(schema ?? [])].sort((a, b) => (a.KeyType === 'HASH' ? -1 : b.KeyType === 'HASH' ? 1 : 0)).map((element) => element.AttributeName!);
  const keyAttributes = keys(Table?.KeySchema);
  const indexes = [...(Table?.GlobalSecondaryIndexes ?? []), ...(Table?.LocalSecondaryIndexes ?? [])].map(
    (index): IndexLayout => ({
      name: index.IndexName!,
      keyAttributes: keys(index.KeySchema),
      tableKeyAttributes: keyAttributes,
      projection: (index.Projection?.ProjectionType ?? 'KEYS_ONLY') as IndexLayout['projection'],
      nonKeyAttributes: index.Projection?.NonKeyAttributes ?? [],
    }),
  );
  return { keyAttributes, indexes };
}

function pick(item: DynamoItem, names: readonly string[]): DynamoItem {
  return Object.fromEntries(names.map((name) => [name, item[name]!]));
}

function itemId(table: string, key: DynamoItem): string {
  return `${table}\u0000${Object.keys(key)
    .sort()
    .map((name) => `${name}=${attributeText(key[name])}`)
    .join('\u0000')}`;
}
