/**
 * The metrics Lambda publishes in namespace `AWS/Lambda` that the local
 * mapping emits too, so the template's alarms can be evaluated locally. Only
 * AWS's own metric names: an alarm that works locally works deployed.
 * Per-function metrics carry the dimension `FunctionName`; the event source
 * mapping metrics (the `…EventCount` ones) `EventSourceMappingUUID`.
 */
export const EsmMetric = {
  /** Per invocation: now − arrival of the batch's last record, when the invocation ends. */
  iteratorAge: 'IteratorAge',
  invocations: 'Invocations',
  /** Per invocation: 1 for a function error, else 0 (Lambda publishes the zeros, so an error-rate alarm can leave ALARM). */
  errors: 'Errors',
  /** Per invocation: 0, since a local invocation waits for a free environment instead of being throttled. */
  throttles: 'Throttles',
  duration: 'Duration',
  /** Failed attempts to write to the on-failure destination. */
  destinationDeliveryFailures: 'DestinationDeliveryFailures',
  /** Per mapping: stream records written to the on-failure destination. */
  onFailureDestinationDeliveredEventCount: 'OnFailureDestinationDeliveredEventCount',
  /** Per mapping: records dropped because they matched none of the mapping's filters. */
  filteredOutEventCount: 'FilteredOutEventCount',
  /** Per mapping: records given up for their age or after their last retry that reached no on-failure destination. */
  droppedEventCount: 'DroppedEventCount',
} as const;

export type EsmMetric = (typeof EsmMetric)[keyof typeof EsmMetric];

/** CloudWatch units of the metrics above. */
export type EsmMetricUnit = 'Milliseconds' | 'Count';

/** Receives each data point as Lambda would publish it. */
export type MetricSink = (name: EsmMetric, value: number, unit: EsmMetricUnit, dimensions: Readonly<Record<string, string>>) => void;
