/**
 * The metrics Lambda publishes (namespace `AWS/Lambda`, dimension
 * `FunctionName`) that the local mapping emits too, so the template's alarms
 * can be evaluated locally.
 */
export const EsmMetric = {
  /** Per invocation: now − arrival of the batch's last record, when the invocation ends. */
  iteratorAge: 'IteratorAge',
  invocations: 'Invocations',
  /** Invocations that ended in a function error. */
  errors: 'Errors',
  duration: 'Duration',
  /** Stream records handed to the on-failure destination. */
  onFailureDestinationRecords: 'OnFailureDestinationRecords',
  /** Failed attempts to write to the on-failure destination. */
  destinationDeliveryFailures: 'DestinationDeliveryFailures',
} as const;
export type EsmMetric = (typeof EsmMetric)[keyof typeof EsmMetric];

/** CloudWatch units of the metrics above. */
export type EsmMetricUnit = 'Milliseconds' | 'Count';

/** Receives each data point as Lambda would publish it. */
export type MetricSink = (name: EsmMetric, value: number, unit: EsmMetricUnit, dimensions: Readonly<Record<string, string>>) => void;
