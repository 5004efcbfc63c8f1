export {
  LocalKinesisEventSourceMapping,
  type MappingDependencies,
  type MappingState,
  type ShardMappingState,
  type ShardPhase,
} from './LocalKinesisEventSourceMapping';
export { StartingPosition, REPORT_BATCH_ITEM_FAILURES, type MappingSettings } from './MappingSettings';
export { EsmMetric, type EsmMetricUnit, type MetricSink } from './EsmMetric';
export { FailureCondition, failureObjectKey, type KinesisFailureRecord } from './FailureRecord';
export type { ShardCheckpoint } from './ShardProgress';
export type { ShardStatus } from './ShardPoller';
export { INVOKE_PAYLOAD_LIMIT_BYTES } from './takeBatch';
export { LocalEsmError, InvalidMappingSettingError, UnsupportedMappingSettingError } from '../errors';
export { MappingCheckpointFile, type MappingCheckpointStore } from './MappingCheckpointFile';
