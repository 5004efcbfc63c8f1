import { DDSketch } from '@datadog/sketches-js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isQuantileBinAttribute, mergeBins, quantileBinAttribute, quantileFromBins, SketchError } from '../../../../core';

const QUANTILES = [0.5, 0.9, 0.99, 0.999] as const;

/** mulberry32: a small seeded generator, so fast-check's seed decides the whole sample. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Skewed samples as latencies and prices are: lognormal (Box-Muller) or Pareto (inverse CDF). */
function skewed(kind: 'lognormal' | 'pareto', n: number, seed: number): number[] {
  const next = random(seed);
  const uniform = () => 1 - next(); // (0, 1]
  return Array.from({ length: n }, () =>
    kind === 'lognormal'
      ? Math.exp(3 + 1.5 * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * next()))
      : 10 / uniform() ** (1 / 1.2),
  );
}

function binsOf(values: readonly number[], relativeAccuracy: number): Record<string, number> {
  const bins: Record<string, number> = {};
  for (const value of values) {
    const name = quantileBinAttribute(value, relativeAccuracy);
    bins[name] = (bins[name] ?? 0) + 1;
  }
  return bins;
}

/** The library's rank convention (DDSketch.getValueAtQuantile): the value at 0-based rank ⌊q·(n − 1)⌋. */
const valueOfRank = (sorted: readonly number[], q: number) => sorted[Math.floor(q * (sorted.length - 1))]!;

const accuracyArb = fc.constantFrom(0.0001, 0.001, 0.005, 0.01, 0.02, 0.05, 0.1);

describe('quantileFromBins', () => {
  it('is within the relative accuracy of the value of rank ⌊q·(n − 1)⌋ on lognormal and Pareto data, signed, with zeros', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('lognormal' as const, 'pareto' as const),
        fc.integer({ min: 1, max: 3_000 }),
        fc.integer(),
        accuracyArb,
        fc.constantFrom('positive', 'signed', 'with zeros'),
        (kind, n, seed, relativeAccuracy, mix) => {
          // Prepare
          const sign = random(seed ^ 0x5bd1e995);
          const values = skewed(kind, n, seed).map((value) => {
            if (mix === 'positive') return value;
            const u = sign();
            return mix === 'with zeros' && u < 0.2 ? 0 : u < 0.5 ? -value : value;
          });
          const sorted = [...values].sort((a, b) => a - b);
          const bins = binsOf(values, relativeAccuracy);
          for (const q of QUANTILES) {
            // Act
            const estimate = quantileFromBins(bins, q, relativeAccuracy)!;
            // Assess: DDSketch's guarantee, |estimate − x| ≤ α|x| (a few ulps of floating point aside).
            const truth = valueOfRank(sorted, q);
            expect(Math.abs(estimate - truth), `q=${q} truth=${truth} estimate=${estimate}`).toBeLessThanOrEqual(
              relativeAccuracy * Math.abs(truth) * (1 + 1e-12),
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('answers exactly what a DDSketch of the same values answers', () => {
    fc.assert(
      fc.property(
        // Within what the library's own dense store can hold (see sortedStore in quantileBins.ts).
        fc.array(
          fc.oneof(
            fc.double({ min: -1e6, max: 1e6, noNaN: true }).filter((value) => value === 0 || Math.abs(value) >= 1e-6),
            fc.constantFrom(0, 1e-3, -1e-3, 5e-324),
          ),
          {
            minLength: 1,
            maxLength: 300,
          },
        ),
        fc.constantFrom(0.001, 0.005, 0.01, 0.02, 0.05, 0.1),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, relativeAccuracy, q) => {
          const sketch = new DDSketch({ relativeAccuracy });
          for (const value of values) sketch.accept(value);
          expect(quantileFromBins(binsOf(values, relativeAccuracy), q, relativeAccuracy)).toBe(sketch.getValueAtQuantile(q));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('holds over the whole range of event values at the finest accuracy', () => {
    // 1e-9 (nine decimal places) to just below 1e18 (docs/contract.md §1), both signs: 622,000 bins apart at 0.0001.
    const values = [1e-9, 2e-9, 0.5, 1, 3, 1e6, 9.99e17, -1e-9, -7, -9.99e17, 0];
    const sorted = [...values].sort((a, b) => a - b);
    const bins = binsOf(values, 0.0001);
    for (const q of [0, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 1]) {
      const truth = valueOfRank(sorted, q);
      expect(Math.abs(quantileFromBins(bins, q, 0.0001)! - truth), `q=${q}`).toBeLessThanOrEqual(0.0001 * Math.abs(truth) * (1 + 1e-12));
    }
  });

  it('uses the rank ⌊q·(n − 1)⌋, not ⌈q·(n − 1)⌉', () => {
    // Two values: q = 0.5 is rank 0.5, so the lower one.
    expect(quantileFromBins(binsOf([1, 1000], 0.01), 0.5, 0.01)).toBeCloseTo(1, 1);
    // Three values: q = 0.75 is rank 1.5, so the middle one; q = 1 the largest, q = 0 the smallest.
    const bins = binsOf([1, 10, 100], 0.01);
    expect(quantileFromBins(bins, 0.75, 0.01)).toBeCloseTo(10, 0);
    expect(quantileFromBins(bins, 1, 0.01)).toBeCloseTo(100, -1);
    expect(quantileFromBins(bins, 0, 0.01)).toBeCloseTo(1, 1);
  });

  it('clamps to the range when given: the item holds the exact min and max', () => {
    const bins = binsOf([100, 100, 100], 0.05);
    const unclamped = quantileFromBins(bins, 0.5, 0.05)!;
    expect(unclamped).not.toBe(100);
    expect(quantileFromBins(bins, 0.5, 0.05, { min: 100, max: 100 })).toBe(100);
    expect(quantileFromBins(bins, 0.99, 0.05, { min: 0, max: 99 })).toBe(99);
    expect(quantileFromBins(bins, 0.5, 0.05, { min: 0, max: 1_000 })).toBe(unclamped);
  });

  it('answers zero inside the zeros, and negative values below them', () => {
    const bins = binsOf([-50, -5, 0, 0, 0, 7], 0.01);
    expect(quantileFromBins(bins, 0, 0.01)).toBeCloseTo(-50, 0);
    expect(quantileFromBins(bins, 0.2, 0.01)).toBeCloseTo(-5, 1);
    expect(quantileFromBins(bins, 0.5, 0.01)).toBe(0);
    expect(quantileFromBins(bins, 1, 0.01)).toBeCloseTo(7, 1);
  });

  it('is undefined when the bins count nothing, and looks only at bin names', () => {
    expect(quantileFromBins({}, 0.5, 0.01)).toBeUndefined();
    expect(quantileFromBins({ count: 5, sum: 10, qa: 0.01, qp3: 0 }, 0.5, 0.01)).toBeUndefined();
    expect(quantileFromBins({ count: 5, qa: 0.01, qz: 2, 'qp-x': 3 }, 0.9, 0.01)).toBe(0);
  });

  it('refuses a quantile outside 0–1, an accuracy outside (0, 1) and a bin that is not a count', () => {
    expect(() => quantileFromBins({ qz: 1 }, 1.5, 0.01)).toThrow(new SketchError('quantile must be from 0 to 1, got 1.5'));
    expect(() => quantileFromBins({ qz: 1 }, Number.NaN, 0.01)).toThrow(SketchError);
    expect(() => quantileFromBins({ qz: 1 }, 0.5, 0)).toThrow(
      new SketchError('DDSketch relative accuracy must be above 0 and below 1, got 0'),
    );
    expect(() => quantileFromBins({ qz: 1 }, 0.5, 1)).toThrow(SketchError);
    expect(() => quantileFromBins({ qp3: -1 }, 0.5, 0.01)).toThrow(new SketchError('quantile bin qp3 holds -1, not a count'));
    expect(() => quantileFromBins({ qz: Number.NaN }, 0.5, 0.01)).toThrow(SketchError);
  });
});

describe('quantileBinAttribute', () => {
  it('names the DDSketch logarithmic bin: qp<key> for positives, qn<key> of |value| for negatives, qz for zero', () => {
    const mapping = new DDSketch({ relativeAccuracy: 0.01 }).mapping;
    expect(quantileBinAttribute(100, 0.01)).toBe(`qp${mapping.key(100)}`);
    expect(quantileBinAttribute(100, 0.01)).toBe('qp231');
    expect(quantileBinAttribute(-100, 0.01)).toBe('qn231');
    expect(quantileBinAttribute(1, 0.01)).toBe('qp0');
    expect(quantileBinAttribute(0.5, 0.01)).toBe('qp-34');
    expect(quantileBinAttribute(0, 0.01)).toBe('qz');
    expect(quantileBinAttribute(-0, 0.01)).toBe('qz');
    // At or below the smallest indexable value (2^−1023·γ), DDSketch counts a value as zero.
    expect(quantileBinAttribute(1e-308, 0.01)).toBe('qz');
    expect(quantileBinAttribute(-5e-324, 0.01)).toBe('qz');
    expect(quantileBinAttribute(2e-308, 0.01)).toMatch(/^qp-\d+$/);
    // The accuracy is the bin width: a coarser one, fewer bins.
    expect(quantileBinAttribute(100, 0.05)).toBe(`qp${new DDSketch({ relativeAccuracy: 0.05 }).mapping.key(100)}`);
    expect(quantileBinAttribute(100, 0.05)).not.toBe('qp231');
  });

  it('refuses NaN, infinities and a bad accuracy', () => {
    expect(() => quantileBinAttribute(Number.NaN, 0.01)).toThrow(new SketchError('DDSketch value must be a number, got NaN'));
    expect(() => quantileBinAttribute(Number.POSITIVE_INFINITY, 0.01)).toThrow(SketchError);
    expect(() => quantileBinAttribute(Number.NEGATIVE_INFINITY, 0.01)).toThrow(SketchError);
    expect(() => quantileBinAttribute(1, -0.01)).toThrow(
      new SketchError('DDSketch relative accuracy must be above 0 and below 1, got -0.01'),
    );
    expect(() => quantileBinAttribute(1, Number.NaN)).toThrow(SketchError);
  });

  it('gives names that isQuantileBinAttribute recognises, and it recognises nothing else', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e18, max: 1e18, noNaN: true }), accuracyArb, (value, relativeAccuracy) => {
        expect(isQuantileBinAttribute(quantileBinAttribute(value, relativeAccuracy))).toBe(true);
      }),
    );
    for (const name of ['qp0', 'qp12', 'qp-3', 'qn0', 'qn-1036', 'qz']) expect(isQuantileBinAttribute(name), name).toBe(true);
    for (const name of ['qa', 'qp', 'qn', 'qp01', 'qp-0x', 'qp1.5', 'qn--1', 'qp+1', 'qzz', 'count', 'hll', 'Qp1', 'qp1 ']) {
      expect(isQuantileBinAttribute(name), name).toBe(false);
    }
  });
});

describe('mergeBins', () => {
  it('of any partition, in any order, equals the bins of the whole', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.nat({ max: 5 })), { maxLength: 300 }),
        fc.shuffledSubarray([0, 1, 2, 3, 4, 5], { minLength: 6 }),
        accuracyArb,
        (placed, order, relativeAccuracy) => {
          const parts = Array.from({ length: 6 }, (_, part) =>
            binsOf(
              placed.filter(([, at]) => at === part).map(([value]) => value),
              relativeAccuracy,
            ),
          );
          const whole = binsOf(
            placed.map(([value]) => value),
            relativeAccuracy,
          );
          const chained = order.reduce<Record<string, number>>((merged, part) => mergeBins(merged, parts[part]!), {});
          const tree = mergeBins(
            mergeBins(mergeBins(parts[0]!, parts[1]!), mergeBins(parts[2]!, parts[3]!)),
            mergeBins(parts[4]!, parts[5]!),
          );
          expect(chained).toEqual(whole);
          expect(tree).toEqual(whole);
          expect(mergeBins(parts[order[0]!]!, parts[order[1]!]!)).toEqual(mergeBins(parts[order[1]!]!, parts[order[0]!]!));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps only bin attributes, and leaves its inputs alone', () => {
    const a = { qp1: 2, qz: 1, count: 3, qa: 0.01 };
    const b = { qp1: 1, 'qn-2': 4, sum: 9 };
    expect(mergeBins(a, b)).toEqual({ qp1: 3, qz: 1, 'qn-2': 4 });
    expect(a).toEqual({ qp1: 2, qz: 1, count: 3, qa: 0.01 });
    expect(() => mergeBins({ qp1: Number.POSITIVE_INFINITY }, {})).toThrow(new SketchError('quantile bin qp1 holds Infinity, not a count'));
  });
});
