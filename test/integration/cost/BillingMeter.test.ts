import { randomUUID } from 'node:crypto';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { BillingMeter } from '../../../bench/cost/BillingMeter';
import { dynamoClient } from '../../support/clients';

const endpoint = inject('dynamoEndpoint');
const probe = dynamoClient(endpoint);

/** A metered client and a fresh table: pk/sk, GSI byCount (windowPk, count) projecting sum. */
async function meteredTable() {
  const table = `meter-${randomUUID()}`;
  await probe.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'windowPk', AttributeType: 'S' },
        { AttributeName: 'count', AttributeType: 'N' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byCount',
          KeySchema: [
            { AttributeName: 'windowPk', KeyType: 'HASH' },
            { AttributeName: 'count', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['sum'] },
        },
      ],
    }),
  );
  const client = dynamoClient(endpoint);
  const meter = new BillingMeter(probe);
  meter.attach(client);
  const units = (resource: string) => meter.byResource.get(resource) ?? { writeUnits: 0, readUnits: 0 };
  return { table, client, meter, units };
}

const increment = (table: string, pk: string, by = 1) =>
  new UpdateItemCommand({
    TableName: table,
    Key: { pk: { S: pk }, sk: { S: 'w' } },
    UpdateExpression: 'ADD #count :one, #sum :one SET windowPk = :window',
    ExpressionAttributeNames: { '#count': 'count', '#sum': 'sum' },
    ExpressionAttributeValues: { ':one': { N: String(by) }, ':window': { S: 'page_view#1m#0' } },
  });

describe('BillingMeter against dynalite', () => {
  let setup: Awaited<ReturnType<typeof meteredTable>>;
  beforeEach(async () => {
    setup = await meteredTable();
  });

  it('bills a first increment as 1 table write and 1 index put, a second as 1 + delete + put', async () => {
    // Act
    await setup.client.send(increment(setup.table, 'a'));
    const afterFirst = { ...setup.units(setup.table) };
    const indexAfterFirst = { ...setup.units(`${setup.table}/byCount`) };
    await setup.client.send(increment(setup.table, 'a'));
    // Assess
    expect(afterFirst.writeUnits).toBe(1);
    expect(indexAfterFirst.writeUnits).toBe(1);
    expect(setup.units(setup.table).writeUnits).toBe(2);
    expect(setup.units(`${setup.table}/byCount`).writeUnits).toBe(3);
  });

  it('hands the caller the response it asked for, not the ALL_NEW it asked DynamoDB for', async () => {
    const output = await setup.client.send(increment(setup.table, 'a'));
    expect(output.Attributes).toBeUndefined();
  });

  it('bills a put by the larger item and a failed condition by the existing item, with no index write', async () => {
    // Prepare: a 2,000-byte item (2 units), not in the index (no count).
    const big = { pk: { S: 'b' }, sk: { S: 'w' }, blob: { S: 'z'.repeat(2_000 - 9) } };
    await setup.client.send(new PutItemCommand({ TableName: setup.table, Item: big }));
    // Act: the same put, conditional on no item, fails.
    const failed = setup.client.send(
      new PutItemCommand({ TableName: setup.table, Item: big, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    await expect(failed).rejects.toThrow(/conditional/i);
    // Assess
    expect(setup.units(setup.table).writeUnits).toBe(2 + 2);
    expect(setup.units(`${setup.table}/byCount`).writeUnits).toBe(0);
  });

  it('bills each item of a batch write, and tracks write units per partition key', async () => {
    const item = (pk: string) => ({ PutRequest: { Item: { pk: { S: pk }, sk: { S: 'w' }, windowPk: { S: 'hot' }, count: { N: '1' } } } });
    await setup.client.send(new BatchWriteItemCommand({ RequestItems: { [setup.table]: [item('c'), item('d')] } }));
    await setup.client.send(increment(setup.table, 'c'));
    expect(setup.units(setup.table).writeUnits).toBe(3);
    expect(setup.meter.writeUnitsByPartition.get(setup.table)?.get(JSON.stringify({ S: 'c' }))).toBe(2);
    // The puts enter partition "hot" (1 each); the increment moves c to page_view#1m#0: a delete on "hot", a put there.
    const index = setup.meter.writeUnitsByPartition.get(`${setup.table}/byCount`)!;
    expect(index.get(JSON.stringify({ S: 'hot' }))).toBe(3);
    expect(index.get(JSON.stringify({ S: 'page_view#1m#0' }))).toBe(1);
  });

  it('bills a query of 3 items by their summed size in 4 KB units, eventually consistent at half', async () => {
    // Prepare: 3 items of 2,000 bytes under one partition key (written through the probe, unbilled).
    for (const sk of ['1', '2', '3']) {
      await probe.send(
        new PutItemCommand({ TableName: setup.table, Item: { pk: { S: 'q' }, sk: { S: sk }, blob: { S: 'z'.repeat(2_000 - 8) } } }),
      );
    }
    const query = (consistent: boolean) =>
      new QueryCommand({
        TableName: setup.table,
        KeyConditionExpression: 'pk = :q',
        ExpressionAttributeValues: { ':q': { S: 'q' } },
        ConsistentRead: consistent,
      });
    // Act
    await setup.client.send(query(false));
    const eventual = setup.units(setup.table).readUnits;
    await setup.client.send(query(true));
    // Assess: 6,000 bytes = 2 units strong, 1 eventual.
    expect(eventual).toBe(1);
    expect(setup.units(setup.table).readUnits).toBe(1 + 2);
  });

  it('bills a GetItem of a missing item as the minimum read', async () => {
    await setup.client.send(new GetItemCommand({ TableName: setup.table, Key: { pk: { S: 'none' }, sk: { S: 'w' } } }));
    expect(setup.units(setup.table).readUnits).toBe(0.5);
  });
});
