import { AlertComparison, type DataAlert } from '../../core';

/** Longest key quoted in a description; CloudWatch takes 1,024 characters of description in all. */
const MAX_QUOTED_KEY_CHARS = 80;

/**
 * What a data alert's alarm means, in words, for its description:
 * `few-purchases: the count of purchase events (all keys) per 1m window is below 10, in 1 window in a row.`
 */
export function dataAlertMeaning(alert: DataAlert): string {
  const series = `the ${measureInWords(alert.measure)} of ${alert.type} events ${keyInWords(alert.key)} per ${alert.window} window`;
  const condition =
    alert.comparison === AlertComparison.above
      ? `is above ${alert.threshold}`
      : alert.comparison === AlertComparison.below
        ? `is below ${alert.threshold} (no events at all counts as below)`
        : `is more than ${alert.threshold} times the previous window's (taken as at least 1)`;
  const windows = alert.evaluationPeriods === 1 ? '1 window' : `${alert.evaluationPeriods} windows in a row`;
  return `${alert.name}: ${series} ${condition}, for ${windows}.`;
}

function measureInWords(measure: string): string {
  if (measure.startsWith('distinct:')) return `distinct count of ${measure.slice('distinct:'.length)}`;
  if (/^p\d/.test(measure)) return `${measure} of value`;
  if (measure === 'count') return 'count';
  return `${measure} of value`;
}

function keyInWords(key: string | undefined): string {
  if (key === undefined) return '(all keys)';
  const quoted = key.length > MAX_QUOTED_KEY_CHARS ? `${key.slice(0, MAX_QUOTED_KEY_CHARS)}...` : key;
  return `with key ${JSON.stringify(quoted)}`;
}
