import { ConfigError } from './errors';

/** Milliseconds per duration unit; largest first, for {@link formatDuration}. */
const UNITS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
] as const;

function unitMs(unit: string): number | undefined {
  for (const [name, ms] of UNITS) if (name === unit) return ms;
  return undefined;
}

/**
 * Parses a duration such as `30s`, `5m`, `1h` or `90d` into milliseconds.
 *
 * @returns the duration in milliseconds, or `undefined` when `text` is not a
 *   whole non-negative number followed by one of `s`, `m`, `h`, `d`.
 */
export function tryParseDuration(text: string): number | undefined {
  // Longest sensible input is a handful of digits plus a unit; bounding the
  // length first keeps huge inputs from reaching Number().
  if (text.length < 2 || text.length > 16) return undefined;
  const multiplier = unitMs(text.charAt(text.length - 1));
  if (multiplier === undefined) return undefined;
  const amountText = text.slice(0, -1);
  for (let i = 0; i < amountText.length; i++) {
    const c = amountText.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  const ms = Number(amountText) * multiplier;
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/**
 * Parses a duration such as `30s`, `5m`, `1h` or `90d` into milliseconds.
 *
 * @throws {@link ConfigError} naming the text when it is not a whole
 *   non-negative number followed by `s`, `m`, `h` or `d`.
 * @example parseDuration('90d') // 7_776_000_000
 */
export function parseDuration(text: string): number {
  const ms = tryParseDuration(text);
  if (ms === undefined) {
    throw new ConfigError(`duration ${JSON.stringify(text)} must be a whole number followed by s, m, h or d (e.g. 30s, 5m, 1h, 90d)`);
  }
  return ms;
}

/**
 * Formats milliseconds in the largest whole unit, for messages:
 * `3_600_000` gives `1h`, `90_000` gives `90s`, `1_500` gives `1500ms`.
 */
export function formatDuration(ms: number): string {
  if (ms !== 0 && Number.isInteger(ms)) {
    for (const [name, size] of UNITS) {
      if (ms % size === 0) return `${ms / size}${name}`;
    }
  }
  return `${ms}ms`;
}
