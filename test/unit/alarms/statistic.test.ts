import { describe, expect, it } from 'vitest';
import { percentileOf, statisticFunction } from '../../../src/local/alarms';

describe('statisticFunction', () => {
  const values = [5, 1, 4, 2, 3];

  it.each([
    ['Sum', 15],
    ['Average', 3],
    ['Minimum', 1],
    ['Maximum', 5],
    ['SampleCount', 5],
    ['p50', 3],
    ['p100', 5],
  ])('%s of 1..5 is %d', (name, expected) => {
    expect(statisticFunction(name)(values)).toBe(expected);
  });

  it('gives p99 by nearest rank: of 1..100 it is 99, of 1..1000 it is 990, of ten values the largest', () => {
    const upTo = (n: number) => Array.from({ length: n }, (_, i) => n - i);
    expect(statisticFunction('p99')(upTo(100))).toBe(99);
    expect(statisticFunction('p99')(upTo(1000))).toBe(990);
    expect(statisticFunction('p99.9')(upTo(1000))).toBe(999);
    expect(statisticFunction('p99')(upTo(10))).toBe(10);
  });

  it('has no value for a period without values', () => {
    for (const name of ['Sum', 'Average', 'Minimum', 'Maximum', 'SampleCount', 'p99']) expect(statisticFunction(name)([])).toBeUndefined();
  });

  it('refuses statistics it cannot compute', () => {
    expect(() => statisticFunction('tm99')).toThrow(/statistic "tm99" is not supported locally/);
  });

  it('knows the fraction of a percentile statistic', () => {
    expect(percentileOf('p99')).toBe(0.99);
    expect(percentileOf('Maximum')).toBeUndefined();
  });
});
