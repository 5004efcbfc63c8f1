import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_TYPE_MEASURES, parseGranularities, type DataAlert, type MeasuresConfig, type StreamRecord } from '../../../core';
import type { AggregatorConfig } from '../../../lambdas/aggregator/config';
import { processBatch } from '../../../lambdas/aggregator/processBatch';
import { createBatchPorts } from '../../../lambdas/aggregator/store/createBatchPorts';
import { tablesFromTemplate } from '../../../src/local/template/tablesFromTemplate';
import { dynamoClient, s3Client } from '../../support/clients';
import { outputLogicalId, synthesizedTemplate } from '../../support/synthesizedTemplate';

const MINUTE = Date.parse('2026-12-03T10:00:00.000Z');
const SHARD = 'shardId-000000000000';

const base = { window: '1m', comparison: 'above', threshold: 1, evaluationPeriods: 1 } as const;
const alerts: DataAlert[] = [
  { ...base, name: 'views', type: 'page_view', measure: 'count' },
  { ...base, name: 'users', type: 'page_view', measure: 'distinct:attrs.user' },
  { ...base, name: 'slow', type: 'page_view', key: '/a', measure: 'p99' },
  { ...base, name: 'spike', type: 'page_view', key: '/a', measure: 'count', comparison: 'risesOver', threshold: 2 },
];
const measures: MeasuresConfig = {
  types: {
    page_view: {
      ...DEFAULT_TYPE_MEASURES,
      distinct: [{ field: 'attrs.user', precision: 12 }],
      quantiles: { relativeAccuracy: 0.01 },
      total: true,
    },
  },
  alerts,
};

describe('data alerts read the cells a batch wrote, against dynalite', () => {
  const dynamo = dynamoClient(inject('dynamoEndpoint'));
  const template = synthesizedTemplate();
  const tables = tablesFromTemplate(template, (logicalId) => `${logicalId}-alerts-${process.pid}`);
  const table = (output: string) => tables.find((t) => t.logicalId === outputLogicalId(template, output))!.input.TableName!;

  beforeAll(async () => {
    await Promise.all(tables.map((t) => dynamo.send(new CreateTableCommand(t.input))));
  });

  it('publishes count, distinct, p99 and a rise over the previous window, as the items hold them after the write', async () => {
    // Prepare
    const config: AggregatorConfig = {
      granularities: parseGranularities('1m:7d,1h:90d'),
      allowedLatenessMs: 3_600_000,
      maxClockSkewMs: 300_000,
      consumerName: 'alerts',
      dedupProducerIds: true,
      dedupRetentionMs: 7 * 86_400_000,
      parallelizationFactor: 1,
      maxRecordBytes: 1_048_576,
      writeConcurrency: 4,
      measures,
    };
    const resources = {
      aggregatesTable: table('AggregatesTableName'),
      checkpointTable: table('CheckpointTableName'),
      quarantineBucket: 'unused',
    };
    const ports = createBatchPorts({ dynamo, s3: s3Client(inject('s3Endpoint')) }, config, resources, () => MINUTE + 180_000);
    let sequence = 0;
    const record = (key: string, user: string, value: number, tsMs: number): StreamRecord => {
      sequence += 1;
      const event = { id: `e${sequence}`, type: 'page_view', key, ts: new Date(tsMs).toISOString(), value, attrs: { user } };
      return {
        shardId: SHARD,
        sequenceNumber: String(sequence),
        partitionKey: key,
        arrivalMs: tsMs + 1000,
        data: Buffer.from(JSON.stringify(event)),
      };
    };
    const now = () => MINUTE + 180_000;

    // Act: one batch in the first minute, one spanning both minutes.
    const first = await processBatch([record('/a', 'u1', 10, MINUTE + 1000), record('/b', 'u2', 20, MINUTE + 2000)], ports, config, now);
    const second = await processBatch(
      [
        record('/a', 'u1', 30, MINUTE + 3000),
        record('/a', 'u3', 100, MINUTE + 61_000),
        record('/a', 'u3', 200, MINUTE + 62_000),
        record('/a', 'u4', 300, MINUTE + 63_000),
        record('/a', 'u4', 400, MINUTE + 64_000),
        record('/a', 'u5', 500, MINUTE + 65_000),
      ],
      ports,
      config,
      now,
    );

    // Assess
    expect(first.failedFrom.size).toBe(0);
    expect(second.failedFrom.size).toBe(0);
    const byName = (readings: readonly { alert: string; value: number }[]) => Object.fromEntries(readings.map((r) => [r.alert, r.value]));
    const firstReadings = byName(first.dataAlerts);
    expect(firstReadings).toMatchObject({ views: 2, users: 2, spike: 1 });
    expect(Math.abs(firstReadings.slow! - 10) / 10).toBeLessThanOrEqual(0.01);
    // The newest window the second batch wrote is the second minute.
    const secondReadings = byName(second.dataAlerts);
    expect(secondReadings).toMatchObject({ views: 5, users: 3 });
    // DDSketch's p99 of five values is the fourth (rank 0.99 × 4, rounded down).
    expect(Math.abs(secondReadings.slow! - 400) / 400).toBeLessThanOrEqual(0.01);
    // Five views of /a now, two in the minute before: 5 / 2.
    expect(secondReadings.spike).toBe(2.5);
    expect(second.alertErrors).toEqual([]);
  });
});
