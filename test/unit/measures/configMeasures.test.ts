import { describe, expect, it } from 'vitest';
import { AggregatorConfigError, DEFAULT_TYPE_MEASURES, NO_MEASURES, type MeasuresConfig } from '../../../core';
import { configFromEnv } from '../../../lambdas/aggregator/config';

const BASE = { CONSUMER_NAME: 'c', AGGREGATES_TABLE: 'a', CHECKPOINT_TABLE: 'k', QUARANTINE_BUCKET: 'q' };
const measures: MeasuresConfig = { types: { page_view: { ...DEFAULT_TYPE_MEASURES, total: true } }, alerts: [] };

describe('configFromEnv: MEASURES', () => {
  it('declares nothing when MEASURES is absent', () => {
    expect(configFromEnv(BASE).config.measures).toBe(NO_MEASURES);
  });

  it('reads the resolved declaration the stack wrote', () => {
    expect(configFromEnv({ ...BASE, MEASURES: JSON.stringify(measures) }).config.measures).toEqual(measures);
  });

  it('refuses JSON it cannot parse, in one line', () => {
    expect(() => configFromEnv({ ...BASE, MEASURES: '{"types":' })).toThrow(AggregatorConfigError);
    expect(() => configFromEnv({ ...BASE, MEASURES: '{"types":' })).toThrow(/^MEASURES is not valid JSON: [^\n]+$/);
  });

  it('refuses dimensions or totals with concurrent batches per shard', () => {
    expect(() => configFromEnv({ ...BASE, MEASURES: JSON.stringify(measures), PARALLELIZATION_FACTOR: '2' })).toThrow(
      /PARALLELIZATION_FACTOR above 1 cannot keep dimensions or totals exact/,
    );
  });
});
