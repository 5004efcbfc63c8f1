/**
 * The delay before a retry: "full jitter" (AWS Architecture Blog, "Exponential
 * Backoff and Jitter"), drawn uniformly from [0, min(cap, base × 2^(retry-1))].
 * Spreading retries over the whole interval is what keeps many producers that
 * were throttled together from coming back together.
 *
 * @param retry 1 for the first retry, 2 for the second, ...
 * @param random a number in [0, 1).
 */
export function fullJitterBackoff(retry: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}
