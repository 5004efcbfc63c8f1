import type { StreamtallyConfig } from './config/StreamtallyConfig';
import { parseWindowSpec } from './config/parseWindowSpec';
import { measuresOf } from './config/consumerMeasures';
import { derivesCells, StreamtallyConfigError } from '../core';

/**
 * Refuses, at synth time, settings under which the consumer could count an event
 * twice, lose one, or stall: each error says what to change.
 *
 * @throws StreamtallyConfigError naming the settings and the fix.
 */
export function assertExactlyOnce(config: StreamtallyConfig): void {
  if (config.parallelizationFactor > 1 && !config.eventsPartitionedByKey) {
    throw new StreamtallyConfigError(
      `parallelizationFactor ${config.parallelizationFactor} needs eventsPartitionedByKey true: Lambda keeps order only per partition key, ` +
        "and the consumer's per-shard high-water marks need one aggregation key per partition key; partition events by key or set parallelizationFactor 1",
    );
  }
  if (config.parallelizationFactor > 1 && !config.dedupProducerIds) {
    throw new StreamtallyConfigError(
      `parallelizationFactor ${config.parallelizationFactor} needs dedupProducerIds true: with concurrent batches per shard, ` +
        'the per-event claims are what keep a retried record from being counted once and quarantined as late once; enable dedupProducerIds or set parallelizationFactor 1',
    );
  }
  if (config.parallelizationFactor > 1 && derivesCells(measuresOf(config))) {
    throw new StreamtallyConfigError(
      `parallelizationFactor ${config.parallelizationFactor} cannot keep dimensions or totals exact: their cells take events of many ` +
        'partition keys, which concurrent batches of a shard deliver out of order (an alert without a key implies a total); ' +
        'declare no dimensions, totals or keyless alerts, or set parallelizationFactor 1',
    );
  }
  if (config.maxRecordAgeHours !== -1 && config.maxRecordAgeHours >= config.retentionHours) {
    throw new StreamtallyConfigError(
      `maxRecordAgeHours (${config.maxRecordAgeHours}) must be below retentionHours (${config.retentionHours}), ` +
        'or records expire from the stream before they reach the on-failure destination; lower maxRecordAgeHours or raise retentionHours',
    );
  }
  if (config.retryAttempts === -1 && config.maxRecordAgeHours === -1) {
    throw new StreamtallyConfigError(
      'retryAttempts -1 with maxRecordAgeHours -1 lets one poison batch block its shard until its records expire; ' +
        'set retryAttempts to 0 or more, or a maxRecordAgeHours',
    );
  }
  const shortest = parseWindowSpec(config.windows).reduce((a, b) => (b.ttlMs < a.ttlMs ? b : a));
  if (config.allowedLatenessMs > shortest.ttlMs) {
    throw new StreamtallyConfigError(
      `allowedLatenessMs (${config.allowedLatenessMs}) exceeds the shortest window TTL (${shortest.label}: ${shortest.ttlMs} ms), ` +
        'so a late event could recreate an aggregate that already expired with a partial count; lower allowedLatenessMs or lengthen that TTL',
    );
  }
}
