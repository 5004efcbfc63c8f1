/**
 * The names of the consumer function's environment variables: the stack sets
 * them (lib/StreamtallyStack.ts), the consumer reads them at cold start
 * (lambdas/aggregator/config.ts), and replay runs the consumer's code with them.
 */
export const ConsumerEnv = {
  aggregatesTable: 'AGGREGATES_TABLE',
  checkpointTable: 'CHECKPOINT_TABLE',
  quarantineBucket: 'QUARANTINE_BUCKET',
  consumerName: 'CONSUMER_NAME',
  windows: 'WINDOWS',
  allowedLatenessMs: 'ALLOWED_LATENESS_MS',
  maxClockSkewMs: 'MAX_CLOCK_SKEW_MS',
  dedupProducerIds: 'DEDUP_PRODUCER_IDS',
  dedupRetentionMs: 'DEDUP_RETENTION_MS',
  parallelizationFactor: 'PARALLELIZATION_FACTOR',
  maxRecordBytes: 'MAX_RECORD_BYTES',
  writeConcurrency: 'WRITE_CONCURRENCY',
  topKeysDepth: 'TOP_KEYS_DEPTH',
  /** Bytes a window's cell page may reach (core/cellPages.ts); 0: per-key items only. */
  pageBudgetBytes: 'PAGE_BUDGET_BYTES',
  /** The resolved MeasuresConfig as JSON (core/measures.ts); absent: nothing declared. */
  measures: 'MEASURES',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
} as const;
export type ConsumerEnvName = (typeof ConsumerEnv)[keyof typeof ConsumerEnv];
