import { CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { distinctSketchPk, distinctSketchSk, HyperLogLog, windowSk, type ItemAddress } from '../../../core';
import { DynamoDistinctSketchStore } from '../../../lambdas/aggregator/store/DynamoDistinctSketchStore';
import { tablesFromTemplate } from '../../../src/local/template/tablesFromTemplate';
import { dynamoClient } from '../../support/clients';
import { outputLogicalId, synthesizedTemplate } from '../../support/synthesizedTemplate';

const WINDOW = Date.parse('2026-12-03T10:00:00.000Z');

/** The batch's values as the consumer hands them to the store. */
function updatesOf(values: readonly string[]): number[] {
  return values.map((value) => HyperLogLog.updateOf(value, 12));
}

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
    expect((await first.merge(at, 'attrs.user', 12, updatesOf(['u1', 'u2']))).estimate()).toBe(2);
    // Cold cache: the conditional put fails, the item is read and merged.
    expect((await second.merge(at, 'attrs.user', 12, updatesOf(['u2', 'u3']))).estimate()).toBe(3);
    // Stale cache: `first` still has version 1.
    expect((await first.merge(at, 'attrs.user', 12, updatesOf(['u4']))).estimate()).toBe(4);
    // A redelivery: nothing new for `first`'s cache, so nothing written.
    expect((await first.merge(at, 'attrs.user', 12, updatesOf(['u1', 'u4']))).estimate()).toBe(4);

    // Assess
    const item = await stored(at);
    expect(item?.v?.N).toBe('3');
    expect(Buffer.from(item!.hll!.B!)).toEqual(Buffer.from(sketchOf(['u1', 'u2', 'u3', 'u4']).toBytes()));
    expect(item?.expiresAt?.N).toBe('1900000000');
  });

  it('drops its cached sketch when a write fails, so a retry writes the values again', async () => {
    const at = address();
    let failNext = false;
    const flaky = {
      send: (command: unknown) => {
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error('throttled'));
        }
        return dynamo.send(command as never);
      },
    } as unknown as typeof dynamo;
    const store = new DynamoDistinctSketchStore(flaky, tableName);
    await store.merge(at, 'attrs.user', 12, updatesOf(['u1']));
    failNext = true;
    await expect(store.merge(at, 'attrs.user', 12, updatesOf(['u2']))).rejects.toThrow('throttled');
    // The retry of the batch: the cache must not claim u2 is stored.
    expect((await store.merge(at, 'attrs.user', 12, updatesOf(['u2']))).estimate()).toBe(2);
    expect(Buffer.from((await stored(at))!.hll!.B!)).toEqual(Buffer.from(sketchOf(['u1', 'u2']).toBytes()));
  });

  it('keeps bounded memory and still merges correctly after an entry is evicted', async () => {
    const store = new DynamoDistinctSketchStore(dynamo, tableName, 1);
    const a = address();
    const b = address();
    await store.merge(a, 'attrs.user', 12, updatesOf(['x']));
    await store.merge(b, 'attrs.user', 12, updatesOf(['y']));
    expect((await store.merge(a, 'attrs.user', 12, updatesOf(['z']))).estimate()).toBe(2);
    expect(Buffer.from((await stored(a))!.hll!.B!)).toEqual(Buffer.from(sketchOf(['x', 'z']).toBytes()));
  });
});
