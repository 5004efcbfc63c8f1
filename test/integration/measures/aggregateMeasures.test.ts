import { CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  aggregatePk,
  DEFAULT_TYPE_MEASURES,
  padSequenceNumber,
  quantileBinAttribute,
  toNanos,
  windowSk,
  type DataAlert,
  type ItemDelta,
  type MeasuresConfig,
} from '../../../core';
import { DynamoAggregateStore } from '../../../lambdas/aggregator/store/DynamoAggregateStore';
import { tablesFromTemplate } from '../../../src/local/template/tablesFromTemplate';
import { dynamoClient } from '../../support/clients';
import { outputLogicalId, synthesizedTemplate } from '../../support/synthesizedTemplate';

const WINDOW = Date.parse('2026-12-03T10:00:00.000Z');
const SHARD = 'shardId-000000000000';

const alert: DataAlert = {
  name: 'slow',
  type: 'latency',
  key: '/a',
  window: '1m',
  measure: 'p99',
  comparison: 'above',
  threshold: 1,
  evaluationPeriods: 1,
};
const measures: MeasuresConfig = {
  types: {
    counted: { ...DEFAULT_TYPE_MEASURES, stats: ['count'] },
    latency: { ...DEFAULT_TYPE_MEASURES, quantiles: { relativeAccuracy: 0.01 } },
  },
  alerts: [alert],
};

function delta(type: string, key: string, values: readonly number[], firstSequence = 1): ItemDelta {
  return {
    address: { type, key, granularity: '1m', windowStartMs: WINDOW, windowSizeMs: 60_000, expiresAtSec: 1_900_000_000 },
    shardId: SHARD,
    contributions: values.map((value, i) => ({
      paddedSequence: padSequenceNumber(String(firstSequence + i)),
      value,
      valueNanos: toNanos(value)!,
      event: { id: `e${firstSequence + i}`, type, key, tsMs: WINDOW, value, valueNanos: toNanos(value)! },
    })),
  };
}

describe('declared measures on aggregate items, against dynalite', () => {
  const dynamo = dynamoClient(inject('dynamoEndpoint'));
  const template = synthesizedTemplate();
  const tables = tablesFromTemplate(template, (logicalId) => `${logicalId}-measures-${process.pid}`);
  const aggregates = tables.find((table) => table.logicalId === outputLogicalId(template, 'AggregatesTableName'))!;
  const tableName = aggregates.input.TableName!;
  const store = new DynamoAggregateStore(dynamo, tableName, measures);

  beforeAll(async () => {
    await dynamo.send(new CreateTableCommand(aggregates.input));
  });

  async function item(type: string, key: string) {
    const { Item } = await dynamo.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { pk: { S: aggregatePk(type, '1m', key) }, sk: { S: windowSk(WINDOW) } },
        ConsistentRead: true,
      }),
    );
    return Item!;
  }

  function expectedBins(values: readonly number[]): Record<string, string> {
    const bins: Record<string, number> = {};
    for (const value of values) {
      const bin = quantileBinAttribute(value, 0.01);
      bins[bin] = (bins[bin] ?? 0) + 1;
    }
    return Object.fromEntries(Object.entries(bins).map(([bin, count]) => [bin, String(count)]));
  }

  function binsOfItem(attributes: Record<string, { N?: string }>): Record<string, string> {
    return Object.fromEntries(
      Object.entries(attributes)
        .filter(([name]) => /^q[pnz]/.test(name))
        .map(([name, value]) => [name, value.N!]),
    );
  }

  it('writes only the stats a type keeps, on the first write and on a redelivery', async () => {
    expect(await store.apply(delta('counted', '/a', [5, 7]))).toEqual({ count: 2 });
    // Redelivered with one more: the re-read path adds only the new one.
    expect(await store.apply(delta('counted', '/a', [5, 7, 1]))).toEqual({ count: 3 });
    const written = await item('counted', '/a');
    expect(written.count?.N).toBe('3');
    expect(written.sum).toBeUndefined();
    expect(written.min).toBeUndefined();
    expect(written.max).toBeUndefined();
  });

  it('adds quantile bins under the count condition, in 4 KB chunks, and a redelivery changes nothing', async () => {
    // Prepare: 3,000 integer values over about 1,000 distinct bins, far beyond one expression.
    const values = Array.from({ length: 3000 }, (_, i) => Math.round(100 * 1.02 ** (i % 1500)) * (i % 5 === 0 ? -1 : 1));

    // Act
    await store.apply(delta('latency', '/many', values.slice(0, 1000)));
    await store.apply(delta('latency', '/many', values));
    await store.apply(delta('latency', '/many', values));

    // Assess
    const written = await item('latency', '/many');
    expect(written.count?.N).toBe('3000');
    expect(written.qa?.N).toBe('0.01');
    expect(binsOfItem(written)).toEqual(expectedBins(values));
  });

  it('returns the whole state of a cell a data alert watches', async () => {
    const state = await store.apply(delta('latency', '/a', [10, 20, 0]));
    expect(state).toEqual({ count: 3, sum: 30, min: 0, max: 20, bins: expect.any(Object), relativeAccuracy: 0.01 });
    expect(Object.keys(state.bins!).sort()).toEqual(Object.keys(expectedBins([10, 20, 0])).sort());
    // Everything applied before: the state as found.
    expect((await store.apply(delta('latency', '/a', [10, 20, 0]))).count).toBe(3);
    expect((await store.apply(delta('latency', '/a', [10, 20, 0]))).bins).toEqual(state.bins);
  });
});
