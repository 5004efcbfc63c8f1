import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { AggregatorMetric } from '../../core';
import type { BatchStats } from './processBatch';

/** Writes one batch's figures as one EMF document. */
export function publishBatchMetrics(metrics: Metrics, stats: BatchStats, batchProcessingMs: number): void {
  const quarantined = stats.quarantined.invalid + stats.quarantined.late + stats.quarantined.future;
  metrics.addMetric(AggregatorMetric.recordsIn, MetricUnit.Count, stats.records);
  metrics.addMetric(AggregatorMetric.eventsAggregated, MetricUnit.Count, stats.aggregated);
  metrics.addMetric(AggregatorMetric.duplicatesDropped, MetricUnit.Count, stats.duplicates);
  metrics.addMetric(AggregatorMetric.recordsQuarantined, MetricUnit.Count, quarantined);
  metrics.addMetric(AggregatorMetric.quarantinedInvalid, MetricUnit.Count, stats.quarantined.invalid);
  metrics.addMetric(AggregatorMetric.quarantinedLate, MetricUnit.Count, stats.quarantined.late);
  metrics.addMetric(AggregatorMetric.quarantinedFuture, MetricUnit.Count, stats.quarantined.future);
  metrics.addMetric(AggregatorMetric.itemsWritten, MetricUnit.Count, stats.itemsWritten);
  metrics.addMetric(AggregatorMetric.batchProcessingMs, MetricUnit.Milliseconds, batchProcessingMs);
  // The oldest event of the batch: a per-batch maximum, so percentiles over
  // batches bound the per-event freshness from above.
  if (stats.maxEventAgeMs !== undefined) metrics.addMetric(AggregatorMetric.eventFreshnessMs, MetricUnit.Milliseconds, stats.maxEventAgeMs);
  if (stats.maxArrivalAgeMs !== undefined)
    metrics.addMetric(AggregatorMetric.arrivalFreshnessMs, MetricUnit.Milliseconds, stats.maxArrivalAgeMs);
  metrics.publishStoredMetrics();
}
