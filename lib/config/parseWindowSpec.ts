import { StreamtallyConfigError } from './StreamtallyConfigError';

/** One window granularity of the `windows` setting, e.g. `1m:7d`. */
export interface WindowSpec {
  /** The label as written, e.g. `1m`. */
  readonly granularity: string;
  /** Window length in milliseconds. */
  readonly granularityMs: number;
  /** How long an aggregate item of this granularity is kept (its TTL), in milliseconds. */
  readonly ttlMs: number;
}

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^([1-9][0-9]*)([smhd])$/;

/**
 * Parses the `windows` setting, `granularity:ttl[,granularity:ttl...]`
 * (units s, m, h, d), e.g. `1m:7d,1h:90d,1d:1100d`.
 *
 * The aggregator parses the same string from its WINDOWS variable
 * (lambdas/aggregator/core/granularity.ts); this copy only validates it at synth
 * time and finds the shortest TTL for the exactly-once guard.
 *
 * @throws StreamtallyConfigError with a one-line message on a malformed spec.
 */
export function parseWindowSpec(spec: string): WindowSpec[] {
  const entries = spec.split(',').map((part) => part.trim());
  if (spec.trim() === '' || entries.some((part) => part === '')) {
    throw new StreamtallyConfigError(`windows must be "granularity:ttl[,granularity:ttl...]" such as "1m:7d,1h:90d", got "${spec}"`);
  }
  const windows = entries.map((entry) => {
    const [granularity = '', ttl = '', ...rest] = entry.split(':');
    const granularityMs = durationMs(granularity);
    const ttlMs = durationMs(ttl);
    if (rest.length > 0 || granularityMs === undefined || ttlMs === undefined) {
      throw new StreamtallyConfigError(`windows entry "${entry}" must be "granularity:ttl" with units s, m, h or d, such as "1m:7d"`);
    }
    if (ttlMs <= granularityMs) {
      throw new StreamtallyConfigError(`windows entry "${entry}": the TTL must be longer than the window`);
    }
    return { granularity, granularityMs, ttlMs };
  });
  const labels = new Set(windows.map((w) => w.granularity));
  if (labels.size !== windows.length) {
    throw new StreamtallyConfigError(`windows "${spec}" names a granularity twice`);
  }
  return windows;
}

function durationMs(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}
