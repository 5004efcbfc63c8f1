import { describe, expect, it } from 'vitest';
import { quantileBinAttribute, type Contribution } from '../../../core';
import { binTerm, binsOf, chunkByBins, MAX_EXPRESSION_BYTES, maxBinsAfter } from '../../../lambdas/aggregator/store/chunkContributions';
import { padded, streamEvent } from '../core/factories';

const ACCURACY = 0.01;

function contributions(values: readonly number[]): Contribution[] {
  return values.map((value, i) => ({ paddedSequence: padded(i + 1), value, valueNanos: 0n, event: streamEvent({ value: 1 }) }));
}

describe('chunkByBins', () => {
  it('keeps a delta whose bins fit in one chunk whole', () => {
    const all = contributions([1, 2, 2, 3, 1]);
    const chunks = chunkByBins(all, ACCURACY, 10);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.contributions).toBe(all);
    expect(Object.fromEntries(chunks[0]!.bins)).toEqual(Object.fromEntries(binsOf(all, ACCURACY)));
  });

  it('splits a delta with thousands of distinct bins into consecutive chunks whose expressions fit in 4 KB', () => {
    // Prepare: 5,000 values spread over many bins, repeats mixed in.
    const values = Array.from({ length: 5000 }, (_, i) => (i % 7 === 0 ? 1 : 1.03 ** (i % 2500)) * (i % 11 === 0 ? -1 : 1));
    const all = contributions(values);
    const base = 'SET '.padEnd(300, 'x');
    const maxBins = maxBinsAfter(base.length);

    // Act
    const chunks = chunkByBins(all, ACCURACY, maxBins);

    // Assess: in order, nothing lost, each within the bin budget, bins counted right.
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.flatMap((chunk) => chunk.contributions)).toEqual(all);
    let total = 0;
    for (const chunk of chunks) {
      expect(chunk.bins.size).toBeLessThanOrEqual(maxBins);
      const expression = base + Array.from({ length: chunk.bins.size }, (_, i) => binTerm(i)).join('');
      expect(expression.length).toBeLessThanOrEqual(MAX_EXPRESSION_BYTES);
      const expected = new Map<string, number>();
      for (const { value } of chunk.contributions) {
        const bin = quantileBinAttribute(value, ACCURACY);
        expected.set(bin, (expected.get(bin) ?? 0) + 1);
      }
      expect(chunk.bins).toEqual(expected);
      total += [...chunk.bins.values()].reduce((a, b) => a + b, 0);
    }
    expect(total).toBe(all.length);
    // A chunk closes only when the next contribution needs a bin beyond the budget.
    for (let i = 0; i + 1 < chunks.length; i++) {
      expect(chunks[i]!.bins.size).toBe(maxBins);
      expect(chunks[i]!.bins.has(quantileBinAttribute(chunks[i + 1]!.contributions[0]!.value, ACCURACY))).toBe(false);
    }
  });

  it('fills the expression budget exactly', () => {
    const base = 200;
    const bins = maxBinsAfter(base);
    const length = (n: number) => base + Array.from({ length: n }, (_, i) => binTerm(i).length).reduce((a, b) => a + b, 0);
    expect(length(bins)).toBeLessThanOrEqual(MAX_EXPRESSION_BYTES);
    expect(length(bins + 1)).toBeGreaterThan(MAX_EXPRESSION_BYTES);
  });

  it('refuses a budget of no bins', () => {
    expect(() => chunkByBins(contributions([1]), ACCURACY, 0)).toThrow();
  });
});
