/** The CloudWatch namespace of every metric streamtally's functions emit. */
export const METRICS_NAMESPACE = 'streamtally';

/**
 * Names of the consumer's EMF metrics (namespace METRICS_NAMESPACE, dimension
 * service = the consumer name). The consumer publishes them; the monitoring
 * construct and the local alarm evaluator read them by these names.
 */
export const AggregatorMetric = {
  recordsIn: 'RecordsIn',
  eventsAggregated: 'EventsAggregated',
  duplicatesDropped: 'DuplicatesDropped',
  recordsQuarantined: 'RecordsQuarantined',
  quarantinedInvalid: 'QuarantinedInvalid',
  quarantinedLate: 'QuarantinedLate',
  quarantinedFuture: 'QuarantinedFuture',
  itemsWritten: 'AggregateItemsWritten',
  batchProcessingMs: 'BatchProcessingMs',
  eventFreshnessMs: 'EventFreshnessMs',
  arrivalFreshnessMs: 'ArrivalFreshnessMs',
} as const;
