/** A metric as CloudWatch identifies it: namespace, name and the exact set of dimensions. */
export interface MetricIdentity {
  readonly namespace: string;
  readonly metricName: string;
  /** Dimension name to value; a metric with other or more dimensions is another metric. */
  readonly dimensions: Readonly<Record<string, string>>;
}

/** One value of a metric at a time, as PutMetricData or an EMF document delivers it. */
export interface MetricDatum extends MetricIdentity {
  /** Epoch milliseconds. */
  readonly timestamp: number;
  readonly value: number;
}

/** The key two identities share exactly when CloudWatch treats them as one metric. */
export function metricKey(metric: MetricIdentity): string {
  const dimensions = Object.keys(metric.dimensions)
    .sort()
    .map((name) => [name, metric.dimensions[name]]);
  return JSON.stringify([metric.namespace, metric.metricName, dimensions]);
}
