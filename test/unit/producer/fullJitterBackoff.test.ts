import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fullJitterBackoff } from '../../../src/producer/fullJitterBackoff';

describe('fullJitterBackoff', () => {
  it('draws from [0, min(cap, base × 2^(retry-1))) over the whole interval', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (retry, u) => {
        const ceiling = Math.min(5_000, 100 * 2 ** (retry - 1));
        const delay = fullJitterBackoff(retry, 100, 5_000, () => u);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(Math.max(ceiling, 1));
        expect(delay).toBe(Math.floor(u * ceiling));
      }),
    );
  });

  it('doubles its ceiling per retry up to the cap', () => {
    const almostOne = () => 0.999_999;
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((retry) => fullJitterBackoff(retry, 100, 5_000, almostOne))).toEqual([
      99, 199, 399, 799, 1599, 3199, 4999, 4999,
    ]);
  });
});
