import { CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { distinctSketchPk, distinctSketchSk, HyperLogLog, windowSk, type ItemAddress } from '../../../core';
import { DynamoDistinctSketchStore } from '../../../lambdas/aggregator/store/DynamoDistinctSketchStore';
import { tablesFromTemplate } from '../../../src/local/template/tablesFromTemplate';
import { dynamoClient } from '../../support/clients';
import { outputLogicalId, synthesizedTemplate } from '../../support/synthesizedTemplate';

const WINDOW = Date.parse('2026-12-03T10:00:00.000Z');

function sketchOf(values: readonly string[]): HyperLogLog {
  const sketch = HyperLogLog.create(12);
  for (const value of values) sketch.add(value);
  return sketch;
}

describe('distinct-count sketch items against dynalite', () => {
  const dynamo = dynamoClient(inject('dynamoEndpoint'));
  const template = synthesizedTemplate();
  const tables = tablesFromTemplate(template, (logicalId) => `${logicalId}-sketches-${process.pid}`);
  const aggregates = tables.find((table) => table.logicalId === outputLogicalId(template, 'AggregatesTableName'))!;
  const tableName = aggregates.input.TableName!;
  let cell = 0;

  beforeAll(async () => {
    await dynamo.send(new CreateTableCommand(aggregates.input));
  });

  const address = (): ItemAddress => ({
    type: 'page_view',
    key: `/k${++cell}`,
    granularity: '1m',
    windowStartMs: WINDOW,
    windowSizeMs: 60_000,
    expiresAtSec: 1_900_000_000,
  });

  async function stored(at: ItemAddress) {
    const { Item } = await dynamo.send(
      new GetItemCommand({
        TableName: tableName,
        Key: {
          pk: { S: distinctSketchPk(at.type, at.granularity, at.key) },
          sk: { S: distinctSketchSk(windowSk(at.windowStartMs), 'attrs.user') },
        },
        ConsistentRead: true,
      }),
    );
    return Item;
  }

  it('merges batches from several environments, cold and stale caches included, into the sketch of all values', async () => {
    // Prepare
    const at = address();
    const first = new DynamoDistinctSketchStore(dynamo, tableName);
    const second = new DynamoDistinctSketchStore(dynamo, tableName);

    // Act
    expect(await first.merge(at, 'attrs.user', sketchOf(['u1', 'u2']))).toBe(2);
    // Cold cache: the conditional put fails, the item is read and merged.
    expect(await second.merge(at, 'attrs.user', sketchOf(['u2', 'u3']))).toBe(3);
    // Stale cache: `first` still has version 1.
    expect(await first.merge(at, 'attrs.user', sketchOf(['u4']))).toBe(4);
    // A redelivery: nothing new for `first`'s cache, so nothing written.
    expect(await first.merge(at, 'attrs.user', sketchOf(['u1', 'u4']))).toBe(4);

    // Assess
    const item = await stored(at);
    expect(item?.v?.N).toBe('3');
    expect(Buffer.from(item!.hll!.B!)).toEqual(Buffer.from(sketchOf(['u1', 'u2', 'u3', 'u4']).toBytes()));
    expect(item?.expiresAt?.N).toBe('1900000000');
  });

  it('keeps bounded memory and still merges correctly after an entry is evicted', async () => {
    const store = new DynamoDistinctSketchStore(dynamo, tableName, 1);
    const a = address();
    const b = address();
    await store.merge(a, 'attrs.user', sketchOf(['x']));
    await store.merge(b, 'attrs.user', sketchOf(['y']));
    expect(await store.merge(a, 'attrs.user', sketchOf(['z']))).toBe(2);
    expect(Buffer.from((await stored(a))!.hll!.B!)).toEqual(Buffer.from(sketchOf(['x', 'z']).toBytes()));
  });
});
