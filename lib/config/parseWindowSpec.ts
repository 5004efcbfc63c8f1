import { parseGranularities, type Granularity, StreamtallyConfigError } from '../../core';

/**
 * Validates the `windows` setting at synth time with the very parser the
 * aggregator runs on its WINDOWS variable, so a spec that synthesizes is a
 * spec the consumer accepts.
 *
 * @throws StreamtallyConfigError with a one-line message on a malformed spec.
 * @example parseWindowSpec('1m:7d,1h:90d') // [{ label: '1m', … }, { label: '1h', … }]
 */
export function parseWindowSpec(spec: string): Granularity[] {
  try {
    return parseGranularities(spec);
  } catch (error) {
    throw new StreamtallyConfigError(`windows: ${(error as Error).message}`, { cause: error });
  }
}
