import { configFromEnv, type AggregatorConfig } from '../../lambdas/aggregator/config';
import { DEFAULT_GRANULARITIES_SPEC } from '../../core';

/**
 * The consumer settings a replay recomputes with. They must be the live
 * consumer's (the same windows, lateness, clock skew and dedup), or the
 * shadow would differ from the live aggregates for reasons that are not
 * drift. Kept as the consumer's environment values, so that they are
 * validated by the consumer's own configFromEnv and stored in the replay's
 * manifest as they are.
 */
export interface ReplaySettings {
  /** `WINDOWS`, e.g. `1m:7d,1h:90d,1d:1100d`. */
  readonly windows: string;
  readonly allowedLatenessMs: number;
  readonly maxClockSkewMs: number;
  readonly dedupProducerIds: boolean;
  readonly dedupRetentionMs: number;
  readonly maxRecordBytes: number;
  readonly writeConcurrency: number;
  /**
   * `MEASURES`: the declared measures and data alerts as the stack gave them to the
   * consumer (core/measures.ts), so that a replay recomputes them too. Absent: none declared.
   */
  readonly measures?: string;
}

/** The consumer's environment variables a replay takes its settings from. */
export const SETTING_VARIABLES = [
  'WINDOWS',
  'ALLOWED_LATENESS_MS',
  'MAX_CLOCK_SKEW_MS',
  'DEDUP_PRODUCER_IDS',
  'DEDUP_RETENTION_MS',
  'MAX_RECORD_BYTES',
  'WRITE_CONCURRENCY',
  'MEASURES',
] as const;

/** Placeholders for the variables configFromEnv requires but a replay's settings do not include. */
const UNUSED_RESOURCES = { AGGREGATES_TABLE: '-', CHECKPOINT_TABLE: '-', QUARANTINE_BUCKET: '-' };

/**
 * Reads settings from consumer environment variables (absent ones take the
 * consumer's defaults).
 * @throws AggregatorConfigError naming the variable when one is malformed.
 */
export function settingsFromEnvironment(env: Readonly<Record<string, string | undefined>>): ReplaySettings {
  const { config } = configFromEnv({ ...env, ...UNUSED_RESOURCES, CONSUMER_NAME: 'replay' });
  return {
    windows: env.WINDOWS ?? DEFAULT_GRANULARITIES_SPEC,
    allowedLatenessMs: config.allowedLatenessMs,
    maxClockSkewMs: config.maxClockSkewMs,
    dedupProducerIds: config.dedupProducerIds,
    dedupRetentionMs: config.dedupRetentionMs,
    maxRecordBytes: config.maxRecordBytes,
    writeConcurrency: config.writeConcurrency,
    ...(env.MEASURES === undefined ? {} : { measures: env.MEASURES }),
  };
}

/**
 * The consumer configuration a replay runs processBatch with: the settings,
 * and a parallelization factor of 1 whatever the live mapping uses. The
 * replay reads each shard in order, one batch at a time, so every record is
 * judged against the watermark of exactly the records before it: the
 * verdict the consumer gives with a factor of 1, and the one a factor above
 * 1 approximates.
 */
export function replayAggregatorConfig(settings: ReplaySettings, consumerName: string): AggregatorConfig {
  const { config } = configFromEnv({
    ...UNUSED_RESOURCES,
    CONSUMER_NAME: consumerName,
    WINDOWS: settings.windows,
    ALLOWED_LATENESS_MS: String(settings.allowedLatenessMs),
    MAX_CLOCK_SKEW_MS: String(settings.maxClockSkewMs),
    DEDUP_PRODUCER_IDS: String(settings.dedupProducerIds),
    DEDUP_RETENTION_MS: String(settings.dedupRetentionMs),
    MAX_RECORD_BYTES: String(settings.maxRecordBytes),
    WRITE_CONCURRENCY: String(settings.writeConcurrency),
    PARALLELIZATION_FACTOR: '1',
    ...(settings.measures === undefined ? {} : { MEASURES: settings.measures }),
  });
  return config;
}

/** Whether two settings would compute the same aggregates (a resumed replay must not change them). */
export function sameSettings(a: ReplaySettings, b: ReplaySettings): boolean {
  return (
    a.windows === b.windows &&
    a.allowedLatenessMs === b.allowedLatenessMs &&
    a.maxClockSkewMs === b.maxClockSkewMs &&
    a.dedupProducerIds === b.dedupProducerIds &&
    a.dedupRetentionMs === b.dedupRetentionMs &&
    a.maxRecordBytes === b.maxRecordBytes &&
    a.measures === b.measures
  );
}
