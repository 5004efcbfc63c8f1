/**
 * Draws ranks 1..n with probability proportional to 1 / rank^exponent, the
 * skew of real traffic: a few hot keys and a long tail. Sampling is a binary
 * search over the cumulative distribution, O(log n).
 */
export class ZipfSampler {
  private readonly cumulative: Float64Array;

  constructor(
    readonly n: number,
    readonly exponent = 1,
  ) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`ZipfSampler: n must be a whole number >= 1, got ${n}`);
    this.cumulative = new Float64Array(n);
    let total = 0;
    for (let rank = 1; rank <= n; rank++) {
      total += 1 / rank ** exponent;
      this.cumulative[rank - 1] = total;
    }
    for (let i = 0; i < n; i++) this.cumulative[i]! /= total;
  }

  /** A rank from 1 (the most frequent) to n. */
  sample(random: () => number): number {
    const u = random();
    let low = 0;
    let high = this.n - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.cumulative[middle]! < u) low = middle + 1;
      else high = middle;
    }
    return low + 1;
  }
}
