import {
  AggregatorConfigError,
  ConsumerEnv,
  DEFAULT_GRANULARITIES_SPEC,
  DEFAULT_PAGE_BUDGET_BYTES,
  NO_MEASURES,
  derivesCells,
  parseGranularities,
  type MeasuresConfig,
  type WindowingConfig,
} from '../../core';

/** Everything the consumer's behaviour depends on, read once at cold start. */
export interface AggregatorConfig extends WindowingConfig {
  /** The consumer's name: its checkpoint and claim namespace. */
  readonly consumerName: string;
  /** Drop repeated producer ids with a conditional put per event. @default true */
  readonly dedupProducerIds: boolean;
  /** How long a producer id is remembered after its record arrived. @default 7 days */
  readonly dedupRetentionMs: number;
  /**
   * The event source mapping's parallelization factor. Above 1, batches of one
   * shard run concurrently (ordered only per partition key): events must then
   * be partitioned by their key, and producer-id claims are required.
   * @default 1
   */
  readonly parallelizationFactor: number;
  /** Records larger than this are quarantined before parsing. @default 1 MiB (the Kinesis record limit) */
  readonly maxRecordBytes: number;
  /** DynamoDB / S3 writes in flight per invocation. @default 32 */
  readonly writeConcurrency: number;
  /**
   * The bytes a window's cell page may reach (its cells counted before
   * compression) before the window's further keys get per-key items
   * (core/cellPages.ts); 0: per-key items only.
   * @default 131072 (DEFAULT_PAGE_BUDGET_BYTES)
   */
  readonly pageBudgetBytes?: number;
  /** Keys kept on each window's leaderboard: the largest N `query --top N` can answer. @default 100 */
  readonly topKeysDepth?: number;
  /**
   * What each event type aggregates beyond count, sum, min and max, and the
   * data alerts (docs/measures.md). configFromEnv always sets it.
   * @default NO_MEASURES
   */
  readonly measures?: MeasuresConfig;
}

/** Where the consumer writes, by resource name. */
export interface AggregatorResources {
  readonly aggregatesTable: string;
  readonly checkpointTable: string;
  readonly quarantineBucket: string;
}

const DAY_MS = 86_400_000;
/** Keys kept per leaderboard when the environment says nothing. */
export const DEFAULT_TOP_KEYS_DEPTH = 100;

/** Reads the consumer's configuration from its environment (names set by lib/StreamtallyStack.ts). */
export function configFromEnv(env: NodeJS.ProcessEnv): { config: AggregatorConfig; resources: AggregatorResources } {
  let granularities;
  try {
    granularities = parseGranularities(env[ConsumerEnv.windows] ?? DEFAULT_GRANULARITIES_SPEC);
  } catch (error) {
    throw new AggregatorConfigError(`${ConsumerEnv.windows}: ${(error as Error).message}`, { cause: error });
  }
  const config: AggregatorConfig = {
    granularities,
    allowedLatenessMs: intSetting(env, ConsumerEnv.allowedLatenessMs, 3_600_000),
    maxClockSkewMs: intSetting(env, ConsumerEnv.maxClockSkewMs, 300_000),
    consumerName: required(env, ConsumerEnv.consumerName),
    dedupProducerIds: (env[ConsumerEnv.dedupProducerIds] ?? 'true') !== 'false',
    dedupRetentionMs: intSetting(env, ConsumerEnv.dedupRetentionMs, 7 * DAY_MS),
    parallelizationFactor: intSetting(env, ConsumerEnv.parallelizationFactor, 1),
    maxRecordBytes: intSetting(env, ConsumerEnv.maxRecordBytes, 1_048_576),
    writeConcurrency: intSetting(env, ConsumerEnv.writeConcurrency, 32),
    topKeysDepth: intSetting(env, ConsumerEnv.topKeysDepth, DEFAULT_TOP_KEYS_DEPTH),
    pageBudgetBytes: intSetting(env, ConsumerEnv.pageBudgetBytes, DEFAULT_PAGE_BUDGET_BYTES),
    measures: measuresSetting(env),
  };
  if (config.topKeysDepth! < 1) throw new AggregatorConfigError('TOP_KEYS_DEPTH must be at least 1');
  if (config.parallelizationFactor > 1 && !config.dedupProducerIds) {
    throw new AggregatorConfigError(
      'PARALLELIZATION_FACTOR above 1 needs DEDUP_PRODUCER_IDS=true: concurrent batches of a shard are only exact with per-event claims',
    );
  }
  if (config.parallelizationFactor > 1 && derivesCells(config.measures!)) {
    throw new AggregatorConfigError(
      'PARALLELIZATION_FACTOR above 1 cannot keep dimensions or totals exact (their cells take events of many partition keys, which concurrent batches deliver out of order): declare none, or use a factor of 1',
    );
  }
  const resources: AggregatorResources = {
    aggregatesTable: required(env, ConsumerEnv.aggregatesTable),
    checkpointTable: required(env, ConsumerEnv.checkpointTable),
    quarantineBucket: required(env, ConsumerEnv.quarantineBucket),
  };
  return { config, resources };
}

/**
 * The resolved declaration the stack wrote (lib/config validates it at
 * synth), so here it is only parsed.
 */
function measuresSetting(env: NodeJS.ProcessEnv): MeasuresConfig {
  const text = env[ConsumerEnv.measures];
  if (text === undefined || text === '') return NO_MEASURES;
  try {
    return JSON.parse(text) as MeasuresConfig;
  } catch (error) {
    throw new AggregatorConfigError(`${ConsumerEnv.measures} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new AggregatorConfigError(`${name} is not set`);
  return value;
}

function intSetting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new AggregatorConfigError(`${name} must be a whole number ≥ 0, got "${text}"`);
  }
  return value;
}
