import { AlarmState } from './AlarmState';
import { AlarmEvaluationError } from '../errors';

/** How an alarm treats a period without data (CloudWatch's TreatMissingData). */
export const TreatMissingData = {
  missing: 'missing',
  ignore: 'ignore',
  breaching: 'breaching',
  notBreaching: 'notBreaching',
} as const;
export type TreatMissingData = (typeof TreatMissingData)[keyof typeof TreatMissingData];

/** The comparisons of a static-threshold alarm. */
export const ComparisonOperator = {
  greaterThan: 'GreaterThanThreshold',
  greaterThanOrEqual: 'GreaterThanOrEqualToThreshold',
  lessThan: 'LessThanThreshold',
  lessThanOrEqual: 'LessThanOrEqualToThreshold',
} as const;
export type ComparisonOperator = (typeof ComparisonOperator)[keyof typeof ComparisonOperator];

/** One period of the evaluation range: its start and its value, if it has one. */
export interface Datapoint {
  /** Start of the period, epoch ms. */
  readonly timestamp: number;
  readonly value: number | undefined;
}

/** What decides an alarm's state from its datapoints. */
export interface ThresholdRule {
  readonly threshold: number;
  readonly comparisonOperator: ComparisonOperator;
  /** N: how many datapoints are evaluated. */
  readonly evaluationPeriods: number;
  /** M: how many of them must breach for ALARM. */
  readonly datapointsToAlarm: number;
  readonly treatMissingData: TreatMissingData;
}

/** The outcome of one evaluation. */
export interface DatapointVerdict {
  readonly state: AlarmState;
  /** Why, in CloudWatch's manner: how many of which datapoints breached what. */
  readonly reason: string;
}

/**
 * Decides an alarm's state from the datapoints of its evaluation range (oldest
 * first; CloudWatch reads more periods than it evaluates), by CloudWatch's documented
 * rules ("How alarm state is evaluated when data is missing"):
 *
 * 1. With at least N real datapoints in the range, the N most recent real ones are
 *    evaluated and missing periods play no part, whatever TreatMissingData says.
 * 2. With none: `missing` gives INSUFFICIENT_DATA, `ignore` keeps the state,
 *    `breaching` ALARM, `notBreaching` OK.
 * 3. With fewer than N, every real datapoint counts and as few missing ones as
 *    needed make up N: `breaching` counts them as breaching, `notBreaching` as not.
 *    Under `missing` and `ignore`, M real breaching datapoints give ALARM; any real
 *    non-breaching one gives OK; if the few real ones all breach, `ignore` keeps the
 *    state and `missing` gives INSUFFICIENT_DATA, unless the oldest period of the
 *    range breaches (the AWS table's row `X - - - -`, ALARM under `missing`).
 *
 * In every case ALARM needs at least M breaching datapoints among the N evaluated.
 */
export function evaluateDatapoints(range: readonly Datapoint[], rule: ThresholdRule, currentState: AlarmState): DatapointVerdict {
  const n = rule.evaluationPeriods;
  const m = rule.datapointsToAlarm;
  if (!(Number.isInteger(n) && Number.isInteger(m) && m >= 1 && m <= n)) {
    throw new AlarmEvaluationError(`DatapointsToAlarm (${m}) must be from 1 to EvaluationPeriods (${n})`);
  }
  const breaches = breachTest(rule);
  const real = range.filter((point): point is { timestamp: number; value: number } => point.value !== undefined);
  const comparison = describeComparison(rule);

  if (real.length >= n) {
    const evaluated = real.slice(-n);
    const breaching = evaluated.filter((point) => breaches(point.value)).length;
    const state = breaching >= m ? AlarmState.alarm : AlarmState.ok;
    return {
      state,
      reason: `${breaching} of the ${n} most recent datapoints ${list(evaluated)} ${comparison} (${m} needed for ALARM)`,
    };
  }

  const missing = n - real.length;
  const breaching = real.filter((point) => breaches(point.value)).length;
  const seen =
    real.length === 0
      ? 'no datapoint in the evaluation range'
      : `only ${real.length} datapoint(s) ${list(real)}, ${breaching} ${comparison}`;
  switch (rule.treatMissingData) {
    case TreatMissingData.breaching: {
      const total = breaching + missing;
      return verdict(total >= m, `${seen}; ${missing} missing treated as breaching: ${total} of ${n} breaching (${m} needed for ALARM)`);
    }
    case TreatMissingData.notBreaching:
      return verdict(
        breaching >= m,
        `${seen}; ${missing} missing treated as not breaching: ${breaching} of ${n} breaching (${m} needed for ALARM)`,
      );
    case TreatMissingData.missing:
    case TreatMissingData.ignore: {
      if (breaching >= m) return verdict(true, `${seen} (${m} needed for ALARM)`);
      if (real.length > breaching)
        return verdict(false, `${seen}: a real datapoint within the threshold, and ${m} breaching needed for ALARM`);
      if (rule.treatMissingData === TreatMissingData.ignore) {
        return { state: currentState, reason: `${seen}; missing data ignored: the state stays ${currentState}` };
      }
      const oldest = range[0];
      if (real.length > 0 && oldest?.value !== undefined && breaches(oldest.value)) {
        return verdict(true, `${seen}; the oldest datapoint of the range breaches and none is within the threshold`);
      }
      return { state: AlarmState.insufficientData, reason: `${seen}; missing data treated as missing: not enough data` };
    }
  }
}

function verdict(alarm: boolean, reason: string): DatapointVerdict {
  return { state: alarm ? AlarmState.alarm : AlarmState.ok, reason };
}

function breachTest(rule: ThresholdRule): (value: number) => boolean {
  const t = rule.threshold;
  switch (rule.comparisonOperator) {
    case ComparisonOperator.greaterThan:
      return (v) => v > t;
    case ComparisonOperator.greaterThanOrEqual:
      return (v) => v >= t;
    case ComparisonOperator.lessThan:
      return (v) => v < t;
    case ComparisonOperator.lessThanOrEqual:
      return (v) => v <= t;
    default:
      throw new AlarmEvaluationError(`ComparisonOperator "${String(rule.comparisonOperator)}" is not supported locally`);
  }
}

function describeComparison(rule: ThresholdRule): string {
  const words: Record<ComparisonOperator, string> = {
    GreaterThanThreshold: 'greater than',
    GreaterThanOrEqualToThreshold: 'greater than or equal to',
    LessThanThreshold: 'less than',
    LessThanOrEqualToThreshold: 'less than or equal to',
  };
  return `breaching (${words[rule.comparisonOperator]} the threshold ${rule.threshold})`;
}

function list(points: readonly { timestamp: number; value: number }[]): string {
  return `[${points.map((point) => `${round(point.value)} (${new Date(point.timestamp).toISOString()})`).join(', ')}]`;
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(3).replace(/0+$/, '');
}
