/**
 * The cardinality estimate of a HyperLogLog's registers: Otmar Ertl's
 * "improved raw estimator", Algorithm 6 of O. Ertl, "New cardinality
 * estimation algorithms for HyperLogLog sketches", arXiv:1702.01284 (2017).
 *
 * Why this one: it is accurate over the whole range from 0 to far beyond
 * 2^p without the bias-correction tables and empirical switch-over
 * thresholds of HyperLogLog++ (Heule et al.), which would be data to keep
 * right; it needs only the histogram of register values.
 */

/** α∞ = 1 / (2 ln 2), the asymptotic bias constant of the estimator. */
const ALPHA_INFINITY = 1 / (2 * Math.log(2));

/** σ(x) = x + Σ_{k≥1} x^(2^k) 2^(k−1) (Ertl, eq. 19): the small-range correction. */
function sigma(x: number): number {
  if (x === 1) return Number.POSITIVE_INFINITY;
  let y = 1;
  let z = x;
  let previous: number;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (z !== previous);
  return z;
}

/** τ(x) = (1/3)(1 − x − Σ_{k≥1} (1 − x^(2^−k))² 2^−k) (Ertl, eq. 22): the large-range correction. */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let previous: number;
  do {
    x = Math.sqrt(x);
    previous = z;
    y *= 0.5;
    z -= (1 - x) ** 2 * y;
  } while (z !== previous);
  return z / 3;
}

/**
 * The estimate from the register histogram: `histogram[k]` is how many of the
 * `m` registers hold k, for k = 0 … q + 1 where q = 64 − p is the number of
 * hash bits left after the index. Not rounded.
 */
export function ertlEstimate(histogram: ArrayLike<number>, m: number, q: number): number {
  let z = m * tau(1 - histogram[q + 1]! / m);
  for (let k = q; k >= 1; k--) z = 0.5 * (z + histogram[k]!);
  z += m * sigma(histogram[0]! / m);
  return (ALPHA_INFINITY * m * m) / z;
}
