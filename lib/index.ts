/**
 * streamtally as a CDK construct library: the whole stack, or its constructs on
 * their own (e.g. on an existing stream). The package's `main`/`types` point at the
 * compiled form of this file; nothing else in the package is public.
 *
 * @example
 * const app = new App();
 * const stream = kinesis.Stream.fromStreamArn(scope, 'Events', 'arn:aws:kinesis:…:stream/events');
 * new StreamtallyStack(app, 'Counts', { config: resolveConfig({ stage: 'prod' }), stream });
 *
 * @packageDocumentation
 */

// The stack: stream (or the one given), aggregator consumer, tables, quarantine, monitoring.
export { StreamtallyStack, type StreamtallyStackProps } from './StreamtallyStack';

// The constructs it is made of.
export { EventStream, type EventStreamProps } from './EventStream';
export { METRICS_NAMESPACE, StreamConsumer, type StreamConsumerProps } from './StreamConsumer';
export { AggregatesStore, type AggregatesStoreProps } from './AggregatesStore';
export { ON_FAILURE_PREFIX, QUARANTINE_PREFIX, Quarantine, type QuarantineProps } from './Quarantine';
export { QuarantineOnFailureDestination } from './QuarantineOnFailureDestination';
export { Monitoring, type MonitoredConsumer, type MonitoringProps } from './Monitoring';
export type { MonitoringThresholds } from './monitoring/thresholds';

// The configuration: its settings and defaults, and the synth-time safety check.
export {
  CONFIG_CONTEXT_KEY,
  CONFIG_FILE_CONTEXT_KEY,
  configFromContext,
  readConfigFile,
  resolveConfig,
  StreamModeName,
  type StreamtallyConfig,
} from './config/StreamtallyConfig';
export { consumerMeasuresJson, MAX_MEASURES_ENV_BYTES, measuresOf } from './config/consumerMeasures';
export {
  ConfigError,
  type DataAlert,
  type DataAlertDeclaration,
  type MeasuresConfig,
  type MeasuresDeclaration,
  parseMeasuresConfig,
  StreamtallyConfigError,
  type TypeMeasures,
  type TypeMeasuresDeclaration,
} from '../core';
export { assertExactlyOnce } from './assertExactlyOnce';
