import { AlarmEvaluationError } from '../errors';

/** A statistic over one period's values; undefined when the period has none. */
export type StatisticFunction = (values: readonly number[]) => number | undefined;

const SIMPLE: Readonly<Record<string, StatisticFunction>> = {
  Sum: (values) => (values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0)),
  Average: (values) => (values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length),
  Minimum: (values) => (values.length === 0 ? undefined : Math.min(...values)),
  Maximum: (values) => (values.length === 0 ? undefined : Math.max(...values)),
  SampleCount: (values) => (values.length === 0 ? undefined : values.length),
};

/**
 * The statistic function for a CloudWatch statistic name: Sum, Average, Minimum,
 * Maximum, SampleCount, or a percentile `pNN` / `pNN.NN` (nearest rank over the
 * period's values: the smallest value with at least NN % of the values at or below it).
 *
 * @throws AlarmEvaluationError for other extended statistics (trimmed means and the like).
 * @example statisticFunction('p99')([...values])
 */
export function statisticFunction(name: string): StatisticFunction {
  const simple = SIMPLE[name];
  if (simple) return simple;
  const percentile = /^p(\d{1,2}(?:\.\d+)?|100)$/.exec(name);
  if (percentile) {
    const p = Number(percentile[1]);
    return (values) => {
      if (values.length === 0) return undefined;
      const sorted = [...values].sort((a, b) => a - b);
      // The epsilon keeps 99.9 % of 1000 at rank 999 despite binary fractions.
      const rank = Math.max(1, Math.ceil((p * sorted.length) / 100 - 1e-9));
      return sorted[Math.min(rank, sorted.length) - 1];
    };
  }
  throw new AlarmEvaluationError(`statistic "${name}" is not supported locally (supported: ${Object.keys(SIMPLE).join(', ')}, pNN)`);
}

/** The percentile of a `pNN` statistic as a fraction (0.99), or undefined for other statistics. */
export function percentileOf(name: string): number | undefined {
  const match = /^p(\d{1,2}(?:\.\d+)?|100)$/.exec(name);
  return match ? Number(match[1]) / 100 : undefined;
}
