import { ConsumerEnv, parseGranularities, parseMeasuresConfig, DEFAULT_GRANULARITIES_SPEC, type MeasuresConfig } from '../../core';

/** The workload's event types (bench/workload.ts), each declaring the same measures below. */
const TYPES = ['page_view', 'search', 'add_to_cart', 'purchase'] as const;

/**
 * What the bench declares to price the measures: on every event type a distinct
 * count of users (HyperLogLog, p = 12), quantiles of `value` (DDSketch, 1 %), a
 * country dimension (cap 100) and a total, in the form users write
 * (docs/measures.md). The workload's events carry those attributes when
 * generated with `measureAttrs` (bench/workload.ts).
 */
export const MEASURED_DECLARATION = {
  measures: Object.fromEntries(
    TYPES.map((type) => [
      type,
      {
        distinct: [{ field: 'attrs.user', precision: 12 }],
        quantiles: { relativeAccuracy: 0.01 },
        dimensions: [{ field: 'attrs.country', cap: 100 }],
        total: true,
      },
    ]),
  ),
} as const;

/** The declaration in words, for reports. */
export const MEASURED_DECLARATION_TEXT =
  'every type: distinct attrs.user (p 12), quantiles of value (1 %), dimension attrs.country (cap 100), total';

/** The declaration resolved, as the stack hands it to the consumer. */
export function measuredConfig(): MeasuresConfig {
  const labels = parseGranularities(DEFAULT_GRANULARITIES_SPEC).map((granularity) => granularity.label);
  return parseMeasuresConfig(MEASURED_DECLARATION, labels);
}

/** The consumer's environment variable that carries the declaration (as lib/StreamtallyStack.ts sets it). */
export function measuredEnv(): Record<string, string> {
  return { [ConsumerEnv.measures]: JSON.stringify(measuredConfig()) };
}
