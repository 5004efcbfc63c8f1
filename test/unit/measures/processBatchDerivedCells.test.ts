import { describe, expect, it } from 'vitest';
import { DEFAULT_TYPE_MEASURES, type ItemDelta, type MeasuresConfig, type StreamRecord } from '../../../core';
import type { AggregatorConfig } from '../../../lambdas/aggregator/config';
import { processBatch, type BatchPorts } from '../../../lambdas/aggregator/processBatch';
import type { DimensionAdmission } from '../../../lambdas/aggregator/store/ports';
import { eventBytes, MINUTE } from '../core/factories';

const SHARD = 'shardId-000000000001';
const T = Date.parse('2026-11-26T12:34:56.789Z');

const measures: MeasuresConfig = {
  types: { page_view: { ...DEFAULT_TYPE_MEASURES, dimensions: [{ field: 'attrs.country', cap: 1 }], total: true } },
  alerts: [],
};

const config: AggregatorConfig = {
  granularities: [MINUTE],
  allowedLatenessMs: 3_600_000,
  maxClockSkewMs: 300_000,
  consumerName: 'test',
  dedupProducerIds: false,
  dedupRetentionMs: 7 * 86_400_000,
  parallelizationFactor: 1,
  maxRecordBytes: 1_048_576,
  writeConcurrency: 4,
  measures,
};

function record(sequence: number, fields: Record<string, unknown>): StreamRecord {
  return {
    shardId: SHARD,
    sequenceNumber: String(sequence),
    partitionKey: 'k',
    arrivalMs: T + 1000,
    data: eventBytes({ id: `e${sequence}`, ts: new Date(T).toISOString(), ...fields }),
  };
}

/** Ports that keep the deltas applied and admit the first `cap` values they are asked about. */
function memoryPorts(failAdmission = false) {
  const applied: ItemDelta[] = [];
  const admissions: DimensionAdmission[] = [];
  const admitted = new Set<string>();
  const ports: BatchPorts = {
    aggregates: { apply: async (delta) => void applied.push(delta) },
    checkpoints: { read: async () => undefined, advance: async () => undefined },
    quarantine: { put: async () => undefined },
    dimensions: {
      admit: async (admission) => {
        admissions.push(admission);
        if (failAdmission) throw new Error('throttled');
        return admission.values.map((value) => {
          if (admitted.size < admission.cap) admitted.add(value);
          return admitted.has(value);
        });
      },
    },
  };
  return { ports, applied, admissions };
}

function cells(applied: readonly ItemDelta[]): Record<string, string[]> {
  const byCell: Record<string, string[]> = {};
  for (const delta of applied) byCell[`${delta.address.type}|${delta.address.key}`] = delta.contributions.map((c) => c.event.id);
  return byCell;
}

describe('processBatch: dimension and total cells', () => {
  it('writes each counted event to its dimension bucket and to the total, as ordinary cells', async () => {
    // Prepare
    const { ports, applied, admissions } = memoryPorts();
    const records = [
      record(1, { key: '/a', attrs: { country: 'DE' } }),
      record(2, { key: '/b', attrs: { country: 'FR' } }),
      record(3, { key: '/a' }),
      record(4, { type: 'search', key: 'q', attrs: { country: 'DE' } }),
    ];

    // Act
    const outcome = await processBatch(records, ports, config, () => T + 2000);

    // Assess
    expect(outcome.failedFrom.size).toBe(0);
    expect(cells(applied)).toEqual({
      'page_view|/a': ['e1', 'e3'],
      'page_view|/b': ['e2'],
      'search|q': ['e4'],
      'page_view@attrs.country|DE': ['e1'],
      'page_view@attrs.country|(other)': ['e2'],
      'page_view@attrs.country|(missing)': ['e3'],
      'page_view@total|all': ['e1', 'e2', 'e3'],
    });
    // One request for the day, its expiry after the day's last window has expired.
    expect(admissions).toEqual([
      {
        type: 'page_view',
        field: 'attrs.country',
        day: '2026-11-26',
        cap: 1,
        values: ['DE', 'FR'],
        expiresAtSec: (Date.parse('2026-11-27T00:00:00Z') + 60_000 + 7 * 86_400_000) / 1000,
      },
    ]);
  });

  it('retries the events whose bucket could not be decided, and everything after the first of them', async () => {
    // Prepare
    const { ports, applied } = memoryPorts(true);
    const records = [
      record(1, { type: 'search', key: 'q' }),
      record(2, { key: '/a', attrs: { country: 'DE' } }),
      record(3, { type: 'search', key: 'q' }),
    ];

    // Act
    const outcome = await processBatch(records, ports, config, () => T + 2000);

    // Assess: the first record is final; Lambda re-delivers from the second.
    expect(outcome.failedFrom.get(SHARD)).toBe('2');
    expect(cells(applied)).toEqual({ 'search|q': ['e1'] });
  });
});
