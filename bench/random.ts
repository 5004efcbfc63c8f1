/**
 * Seeded randomness for the generated workload, so that every run measures
 * the same events.
 */

// The same seeded generator as the synthetic producer's, so both are repeatable the same way.
export { seededRandom } from '../src/synthetic/seededRandom';

/**
 * Draws ranks 0..n-1 with P(rank r) ∝ 1 / (r + 1)^exponent: a few hot keys
 * and a long tail, as page views and searches have.
 */
export function zipfSampler(n: number, exponent: number, random: () => number): () => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let rank = 0; rank < n; rank++) {
    total += 1 / (rank + 1) ** exponent;
    cumulative[rank] = total;
  }
  return () => {
    const target = random() * total;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (cumulative[mid]! < target) low = mid + 1;
      else high = mid;
    }
    return low;
  };
}
