import { type MeasuresConfig, parseMeasuresConfig, StreamtallyConfigError } from '../../core';
import { parseWindowSpec } from './parseWindowSpec';
import type { StreamtallyConfig } from './StreamtallyConfig';

/**
 * The most bytes the resolved declaration may take in the consumer's `MEASURES`
 * variable. Lambda allows 4 KB for all of a function's variables together; the
 * others (table and bucket names, windows, numbers) take well under 1 KB.
 */
export const MAX_MEASURES_ENV_BYTES = 3_000;

/**
 * The resolved measures and data alerts of a configuration (docs/measures.md),
 * checked against its windows.
 *
 * @throws StreamtallyConfigError naming the first thing wrong, in one line.
 */
export function measuresOf(config: Pick<StreamtallyConfig, 'measures' | 'alerts' | 'windows'>): MeasuresConfig {
  const labels = parseWindowSpec(config.windows).map((granularity) => granularity.label);
  return parseMeasuresConfig({ measures: config.measures, alerts: config.alerts }, labels);
}

/**
 * The consumer's `MEASURES` value: the resolved declaration as JSON, or undefined
 * when nothing is declared (the consumer then keeps count, sum, min and max only).
 *
 * @throws StreamtallyConfigError when the JSON is over {@link MAX_MEASURES_ENV_BYTES}.
 */
export function consumerMeasuresJson(config: Pick<StreamtallyConfig, 'measures' | 'alerts' | 'windows'>): string | undefined {
  const measures = measuresOf(config);
  if (Object.keys(measures.types).length === 0 && measures.alerts.length === 0) return undefined;
  const json = JSON.stringify(measures);
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > MAX_MEASURES_ENV_BYTES) {
    throw new StreamtallyConfigError(
      `measures and alerts resolve to ${bytes} bytes of JSON, more than the ${MAX_MEASURES_ENV_BYTES} the consumer's environment can hold ` +
        '(Lambda allows 4 KB for all its variables): declare fewer types, fields or alerts, or shorter names',
    );
  }
  return json;
}
