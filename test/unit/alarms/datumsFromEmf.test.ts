import { describe, expect, it } from 'vitest';
import { datumsFromEmf } from '../../../src/local/alarms';

describe('datumsFromEmf', () => {
  it('turns a Powertools EMF line into one datum per metric and value, with its dimensions', () => {
    const line = {
      _aws: {
        Timestamp: 1_795_000_000_000,
        CloudWatchMetrics: [
          {
            Namespace: 'streamtally',
            Dimensions: [['service']],
            Metrics: [
              { Name: 'RecordsIn', Unit: 'Count' },
              { Name: 'EventFreshnessMs', Unit: 'Milliseconds' },
            ],
          },
        ],
      },
      service: 'aggregator',
      RecordsIn: 500,
      EventFreshnessMs: [120, 340],
    };
    expect(datumsFromEmf(line)).toEqual([
      {
        namespace: 'streamtally',
        metricName: 'RecordsIn',
        dimensions: { service: 'aggregator' },
        timestamp: 1_795_000_000_000,
        value: 500,
      },
      {
        namespace: 'streamtally',
        metricName: 'EventFreshnessMs',
        dimensions: { service: 'aggregator' },
        timestamp: 1_795_000_000_000,
        value: 120,
      },
      {
        namespace: 'streamtally',
        metricName: 'EventFreshnessMs',
        dimensions: { service: 'aggregator' },
        timestamp: 1_795_000_000_000,
        value: 340,
      },
    ]);
  });

  it('ignores anything that is not an EMF document', () => {
    expect(datumsFromEmf({ level: 'INFO', message: 'hello' })).toEqual([]);
    expect(datumsFromEmf('text')).toEqual([]);
    expect(datumsFromEmf(null)).toEqual([]);
  });
});
