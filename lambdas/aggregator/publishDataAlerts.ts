import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { DATA_ALERT_METRIC } from '../../core';
import type { AlertReading } from './alerts/alertReadings';

/** The dimension naming the alert: the stack's alarm selects its metric by it (lib/monitoring/metrics.ts). */
const ALERT_DIMENSION = 'Alert';

/**
 * Writes each data alert's value as its own EMF document: metric
 * DATA_ALERT_METRIC with the one dimension `Alert` = the alert's name, in the
 * consumer's namespace. Its own document because the batch metrics'
 * dimension (`service`) must not be on it: the alarm's metric has `Alert`
 * only, and one document has one dimension set for all its metrics.
 */
export function publishDataAlerts(metrics: Metrics, readings: readonly AlertReading[]): void {
  for (const { alert, value } of readings) {
    const single = metrics.singleMetric();
    single.clearDefaultDimensions();
    single.addDimension(ALERT_DIMENSION, alert);
    // A single-metric instance writes its document as the metric is added.
    single.addMetric(DATA_ALERT_METRIC, MetricUnit.NoUnit, value);
  }
}
