import { GranularityConfigError } from './errors';
import { tryParseDuration } from './duration';
import type { Granularity } from './types';

/**
 * The default window granularities: minutes kept a week, hours kept 90 days,
 * days kept a little over three years.
 */
export const DEFAULT_GRANULARITIES_SPEC = '1m:7d,1h:90d,1d:1100d';

const DAY_MS = 86_400_000;

/**
 * Parses a granularity specification: comma-separated `label:ttl` pairs where
 * the label is itself a duration (the window size) and `ttl` is how long its
 * aggregates are kept, e.g. `1m:7d,1h:90d,1d:1100d`.
 *
 * Window sizes must divide a day exactly so that windows of every granularity
 * line up with UTC midnight and with each other (a 1h window is exactly 60
 * 1m windows); they must be at least 1s; labels and sizes must be unique; a
 * ttl must be at least its window size so an item cannot expire before its
 * window closes.
 *
 * @returns the granularities sorted by window size, smallest first.
 * @throws {@link GranularityConfigError} with a one-line message naming the bad part.
 * @example parseGranularities('1h:90d,1m:7d') // [{label:'1m',…}, {label:'1h',…}]
 */
export function parseGranularities(spec: string): Granularity[] {
  function fail(message: string): never {
    throw new GranularityConfigError(`granularities ${JSON.stringify(spec)}: ${message}`, spec);
  }
  if (spec.trim() === '') fail('no granularity given; expected e.g. "1m:7d,1h:90d"');

  const result: Granularity[] = [];
  for (const rawPart of spec.split(',')) {
    const part = rawPart.trim();
    const colon = part.indexOf(':');
    if (colon === -1) fail(`"${part}" must be label:ttl, e.g. "1m:7d"`);
    const label = part.slice(0, colon).trim();
    const ttlText = part.slice(colon + 1).trim();

    const size = tryParseDuration(label);
    if (size === undefined) fail(`label "${label}" must be a duration such as 1m, 1h or 1d`);
    const ttl = tryParseDuration(ttlText);
    if (ttl === undefined) fail(`ttl "${ttlText}" of "${label}" must be a duration such as 7d or 90d`);

    if (size < 1_000) fail(`window "${label}" must be at least 1s`);
    if (DAY_MS % size !== 0) fail(`window "${label}" must divide a day exactly (e.g. 1m, 5m, 15m, 1h, 6h, 1d)`);
    if (ttl < size) fail(`ttl "${ttlText}" of "${label}" must be at least the window size`);
    for (const other of result) {
      if (other.label === label) fail(`label "${label}" appears twice`);
      if (other.sizeMs === size) fail(`"${other.label}" and "${label}" are the same window size`);
    }
    result.push({ label, sizeMs: size, ttlMs: ttl });
  }
  return result.sort((a, b) => a.sizeMs - b.sizeMs);
}

/**
 * The start of the window of `sizeMs` that contains `tsMs`: the largest
 * multiple of `sizeMs` not after `tsMs`. Correct for negative (pre-1970)
 * times too, where `%` alone would round towards zero.
 *
 * Uses the remainder rather than `Math.floor(tsMs / sizeMs)`: `%` is exact on
 * integers, while the division can round up to the next window near 8.64e15.
 *
 * @example windowStartMs(90_000, 60_000) // 60_000
 * @example windowStartMs(-1, 60_000) // -60_000
 */
export function windowStartMs(tsMs: number, sizeMs: number): number {
  const remainder = tsMs % sizeMs;
  // `+ 0` turns -0 (from tsMs = -0) into 0 so keys never read "-0".
  return (remainder < 0 ? tsMs - remainder - sizeMs : tsMs - remainder) + 0;
}
