import { describe, expect, it } from 'vitest';
import { assertExactlyOnce } from '../../lib/assertExactlyOnce';
import { resolveConfig, type StreamtallyConfig } from '../../lib/config/StreamtallyConfig';
import { synthStack } from './synthStack';
import { StreamtallyConfigError } from '../../core';

describe('assertExactlyOnce', () => {
  it('accepts the defaults and a parallelized consumer of key-partitioned events', () => {
    expect(() => assertExactlyOnce(resolveConfig())).not.toThrow();
    expect(() => assertExactlyOnce(resolveConfig({ parallelizationFactor: 10, eventsPartitionedByKey: true }))).not.toThrow();
    // Measures of a (type, key) cell stay within one partition key's lane.
    expect(() =>
      assertExactlyOnce(
        resolveConfig({
          parallelizationFactor: 2,
          eventsPartitionedByKey: true,
          measures: { page_view: { distinct: ['attrs.user'], quantiles: true } },
        }),
      ),
    ).not.toThrow();
    expect(() => assertExactlyOnce(resolveConfig({ retryAttempts: -1 }))).not.toThrow();
    expect(() => assertExactlyOnce(resolveConfig({ maxRecordAgeHours: -1 }))).not.toThrow();
  });

  it.each<[string, Partial<StreamtallyConfig>, RegExp]>([
    [
      'parallelization without key partitioning',
      { parallelizationFactor: 2, eventsPartitionedByKey: false },
      /^parallelizationFactor 2 needs eventsPartitionedByKey true: Lambda keeps order only per partition key.*set parallelizationFactor 1$/,
    ],
    [
      'parallelization without producer-id claims',
      { parallelizationFactor: 3, dedupProducerIds: false },
      /^parallelizationFactor 3 needs dedupProducerIds true: .*enable dedupProducerIds or set parallelizationFactor 1$/,
    ],
    [
      'parallelization with a total',
      { parallelizationFactor: 2, eventsPartitionedByKey: true, measures: { page_view: { total: true } } },
      /^parallelizationFactor 2 cannot keep dimensions or totals exact: .*or set parallelizationFactor 1$/,
    ],
    [
      'parallelization with a keyless alert (a total)',
      {
        parallelizationFactor: 2,
        eventsPartitionedByKey: true,
        alerts: [{ name: 'few', type: 'purchase', window: '1m', measure: 'count', below: 10 }],
      },
      /^parallelizationFactor 2 cannot keep dimensions or totals exact: /,
    ],
    [
      'a maximum record age not below the retention',
      { retentionHours: 24, maxRecordAgeHours: 24 },
      /^maxRecordAgeHours \(24\) must be below retentionHours \(24\).*lower maxRecordAgeHours or raise retentionHours$/,
    ],
    [
      'endless retries with no maximum record age',
      { retryAttempts: -1, maxRecordAgeHours: -1 },
      /^retryAttempts -1 with maxRecordAgeHours -1 lets one poison batch block its shard.*set retryAttempts to 0 or more, or a maxRecordAgeHours$/,
    ],
    [
      'a lateness beyond the shortest window TTL',
      { windows: '1m:30m,1h:90d', allowedLatenessMs: 3_600_000 },
      /^allowedLatenessMs \(3600000\) exceeds the shortest window TTL \(1m: 1800000 ms\).*lower allowedLatenessMs or lengthen that TTL$/,
    ],
  ])('refuses %s, saying what to change', (_name, partial, message) => {
    const config = resolveConfig(partial);
    expect(() => assertExactlyOnce(config)).toThrow(StreamtallyConfigError);
    expect(() => assertExactlyOnce(config)).toThrow(message);
  });

  it('guards the stack', () => {
    expect(() => synthStack({ parallelizationFactor: 4, eventsPartitionedByKey: false })).toThrow(/needs eventsPartitionedByKey true/);
  });
});
