import { describe, expect, it } from 'vitest';
import { billedFigures } from '../../../bench/cost/billedFigures';

describe('billedFigures', () => {
  it('divides by events, names tables, and rates the hottest partition at 1,000 events/s', () => {
    // Prepare: 2,000 events; the index's partition "w" took 300 of its 400 units.
    const meter = {
      byResource: new Map([
        ['agg-x', { writeUnits: 1_000, readUnits: 10 }],
        ['agg-x/byCount', { writeUnits: 400, readUnits: 0 }],
      ]),
      writeUnitsByPartition: new Map([
        [
          'agg-x',
          new Map([
            ['a', 600],
            ['b', 400],
          ]),
        ],
        [
          'agg-x/byCount',
          new Map([
            ['w', 300],
            ['v', 100],
          ]),
        ],
      ]),
    };
    // Act
    const figures = billedFigures(meter, 2_000, new Map([['agg-x', 'aggregates']]));
    // Assess: 2,000 events at 1,000/s take 2 s.
    expect(figures.writeUnitsPerEvent).toBe(0.7);
    expect(figures.writeUnitsPerEventBy).toEqual({ aggregates: 0.5, 'aggregates/byCount': 0.2 });
    expect(figures.readUnitsPerEventBy).toEqual({ aggregates: 0.005 });
    expect(figures.hottestPartitionBy.aggregates).toEqual({
      partitionKey: 'a',
      writeUnits: 600,
      writeUnitsPerSecondAt1000EventsPerSecond: 300,
    });
    expect(figures.hottestPartitionBy['aggregates/byCount']!.writeUnitsPerSecondAt1000EventsPerSecond).toBe(150);
    expect(figures.hottestPartitionWriteUnitsPerSecond).toBe(300);
  });
});
