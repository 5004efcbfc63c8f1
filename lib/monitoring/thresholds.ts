import { Duration } from 'aws-cdk-lib';

/**
 * Every alarm threshold of streamtally, named with its statistic and unit
 * (as cdk-monitoring-constructs names them). Counts are "more than this many";
 * times and percentages are "more than this".
 */
export interface MonitoringThresholds {
  /** Consumer lag, warning: `IteratorAge` maximum, ms. Records wait longer in the stream than the freshness SLA allows. */
  readonly maxIteratorAgeMsWarning: number;
  /** Consumer lag, critical: `IteratorAge` maximum, ms. Well before records reach the maximum record age or expire. */
  readonly maxIteratorAgeMsCritical: number;
  /** Enhanced fan-out consumers: `SubscribeToShardEvent.MillisBehindLatest` maximum, ms. */
  readonly maxMillisBehindLatestMs: number;
  /** `ReadProvisionedThroughputExceeded` sum per minute. */
  readonly readThrottleCount: number;
  /** `WriteProvisionedThroughputExceeded` sum per minute. */
  readonly writeThrottleCount: number;
  /** `PutRecords.FailedRecords` sum per minute. */
  readonly putRecordsFailedRecordCount: number;
  /** `PutRecords.ThrottledRecords` sum per minute. */
  readonly putRecordsThrottledRecordCount: number;
  /** Consumer `Errors` sum per minute. */
  readonly errorCount: number;
  /** Consumer `Throttles` sum per minute. */
  readonly throttleCount: number;
  /** Consumer `Duration` p99 as a percentage of the function's timeout. */
  readonly p99DurationPercentOfTimeout: number;
  /** `RecordsQuarantined` sum per 5 minutes. */
  readonly quarantinedRecordCount: number;
  /** `OnFailureDestinationDeliveredEventCount` sum per 5 minutes. */
  readonly onFailureRecordCount: number;
  /** `DroppedEventCount` sum per 5 minutes. */
  readonly droppedRecordCount: number;
  /** DynamoDB `ThrottledRequests` summed over the consumer's operations, per minute, per table. */
  readonly dynamoThrottledRequestCount: number;
  /** DynamoDB `SystemErrors` summed over the consumer's operations, per minute, per table. */
  readonly dynamoSystemErrorCount: number;
  /** SLA: `EventFreshnessMs` p99, ms. */
  readonly p99FreshnessMs: number;
  /** SLA: `BatchProcessingMs` p99, ms. */
  readonly p99BatchProcessingMs: number;
  /** SLA: `Errors` per 100 `Invocations`. */
  readonly errorRatePercent: number;
}

/** What the default thresholds are derived from. */
export interface ThresholdInputs {
  /** How long the stream keeps records. */
  readonly streamRetention: Duration;
  /**
   * Records older than this go to the on-failure destination instead of the consumer.
   * @default - a quarter of the retention, at most 7 days (the StreamConsumer default)
   */
  readonly maxRecordAge?: Duration | 'unlimited';
  /** @default DEFAULT_FRESHNESS_SLA_MS */
  readonly freshnessSlaMs?: number;
  /** @default half of freshnessSlaMs */
  readonly processingLatencySlaMs?: number;
  /** @default DEFAULT_ERROR_RATE_SLA_PERCENT */
  readonly errorRateSlaPercent?: number;
}

/** The freshness SLA when none is configured: events aggregated within 5 s, p99. */
export const DEFAULT_FRESHNESS_SLA_MS = 5_000;
/** The error-rate SLA when none is configured. */
export const DEFAULT_ERROR_RATE_SLA_PERCENT = 1;
/** The critical lag level never waits longer than this, however long the retention. */
export const MAX_CRITICAL_ITERATOR_AGE = Duration.hours(24);

const MAX_RECORD_AGE_LIMIT = Duration.days(7);

/**
 * The default thresholds, derived from the stream and the SLA, with `overrides` on top.
 *
 * - lag warning = the freshness SLA: a record that waited that long in the stream is already late;
 * - lag critical = the smallest of a quarter of the retention, half the maximum record age
 *   (past it records skip the consumer for the on-failure destination) and 24 hours,
 *   which leaves at least as long again to act;
 * - duration p99 = 80 % of the timeout; every count alarm fires on the first occurrence.
 *
 * @throws Error when the lag warning level is not below the critical level.
 * @example
 * resolveThresholds({ streamRetention: Duration.hours(24) }).maxIteratorAgeMsCritical // 3 h in ms
 */
export function resolveThresholds(inputs: ThresholdInputs, overrides: Partial<MonitoringThresholds> = {}): MonitoringThresholds {
  const freshnessSlaMs = inputs.freshnessSlaMs ?? DEFAULT_FRESHNESS_SLA_MS;
  const retentionMs = inputs.streamRetention.toMilliseconds();
  const maxRecordAge = inputs.maxRecordAge ?? defaultMaxRecordAge(inputs.streamRetention);
  const criticalCandidates = [retentionMs / 4, MAX_CRITICAL_ITERATOR_AGE.toMilliseconds()];
  if (maxRecordAge !== 'unlimited') criticalCandidates.push(maxRecordAge.toMilliseconds() / 2);

  const thresholds: MonitoringThresholds = {
    maxIteratorAgeMsWarning: freshnessSlaMs,
    maxIteratorAgeMsCritical: Math.floor(Math.min(...criticalCandidates)),
    maxMillisBehindLatestMs: freshnessSlaMs,
    readThrottleCount: 0,
    writeThrottleCount: 0,
    putRecordsFailedRecordCount: 0,
    putRecordsThrottledRecordCount: 0,
    errorCount: 0,
    throttleCount: 0,
    p99DurationPercentOfTimeout: 80,
    quarantinedRecordCount: 0,
    onFailureRecordCount: 0,
    droppedRecordCount: 0,
    dynamoThrottledRequestCount: 0,
    dynamoSystemErrorCount: 0,
    p99FreshnessMs: freshnessSlaMs,
    p99BatchProcessingMs: inputs.processingLatencySlaMs ?? Math.floor(freshnessSlaMs / 2),
    errorRatePercent: inputs.errorRateSlaPercent ?? DEFAULT_ERROR_RATE_SLA_PERCENT,
    ...overrides,
  };
  if (thresholds.maxIteratorAgeMsWarning >= thresholds.maxIteratorAgeMsCritical) {
    throw new Error(
      `Monitoring: the consumer-lag warning level (${thresholds.maxIteratorAgeMsWarning} ms) must be below the critical level ` +
        `(${thresholds.maxIteratorAgeMsCritical} ms, from the retention and the maximum record age): lower freshnessSlaMs or raise maxRecordAgeHours`,
    );
  }
  return thresholds;
}

function defaultMaxRecordAge(retention: Duration): Duration {
  const quarterSeconds = Math.floor(retention.toSeconds() / 4);
  return Duration.seconds(Math.min(quarterSeconds, MAX_RECORD_AGE_LIMIT.toSeconds()));
}

/** How long and how often a condition must hold before an alarm fires. */
export interface AlarmWindow {
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
}

/** The two evaluation windows the alarms use. */
export const AlarmWindows = {
  /**
   * A condition that must persist: 3 of the last 5 one-minute periods. Rides out a
   * one-minute blip (a cold start, one retried batch) and still fires within 3 minutes.
   */
  sustained: { period: Duration.minutes(1), evaluationPeriods: 5, datapointsToAlarm: 3 },
  /**
   * Something a person must look at however rare: any occurrence in a 5-minute period.
   * The longer period keeps one incident to one notification.
   */
  anyOccurrence: { period: Duration.minutes(5), evaluationPeriods: 1, datapointsToAlarm: 1 },
} as const satisfies Record<string, AlarmWindow>;
