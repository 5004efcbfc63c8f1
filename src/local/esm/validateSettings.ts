import { recordFilter } from './filter/recordFilter';
import { REPORT_BATCH_ITEM_FAILURES, StartingPosition, type MappingSettings } from './MappingSettings';
import { InvalidMappingSettingError, UnsupportedMappingSettingError } from '../errors';

const STARTING_POSITIONS: readonly string[] = Object.values(StartingPosition);

/**
 * Refuses settings Lambda would refuse (with its ranges), and settings the
 * local mapping cannot honour, so that a mapping never runs with semantics
 * other than those deployed.
 * @throws {@link InvalidMappingSettingError} or {@link UnsupportedMappingSettingError}
 */
export function validateSettings(settings: MappingSettings): void {
  integerIn(settings.batchSize, 'batchSize', 1, 10_000);
  numberIn(settings.maximumBatchingWindowMs, 'maximumBatchingWindowMs', 0, 300_000);
  integerIn(settings.parallelizationFactor, 'parallelizationFactor', 1, 10);
  integerIn(settings.maximumRetryAttempts, 'maximumRetryAttempts', -1, 10_000);
  if (settings.maximumRecordAgeSeconds !== -1) integerIn(settings.maximumRecordAgeSeconds, 'maximumRecordAgeSeconds', 60, 604_800);
  if (!STARTING_POSITIONS.includes(settings.startingPosition)) {
    throw new InvalidMappingSettingError(
      'startingPosition',
      `must be one of ${STARTING_POSITIONS.join(', ')}, got ${JSON.stringify(settings.startingPosition)}`,
    );
  }
  if (settings.startingPosition === StartingPosition.atTimestamp && !Number.isFinite(settings.startingPositionTimestamp)) {
    throw new InvalidMappingSettingError('startingPositionTimestamp', 'is required (epoch seconds) with startingPosition AT_TIMESTAMP');
  }
  for (const type of settings.functionResponseTypes) {
    if (type !== REPORT_BATCH_ITEM_FAILURES) {
      throw new InvalidMappingSettingError(
        'functionResponseTypes',
        `only ${REPORT_BATCH_ITEM_FAILURES} is valid for Kinesis, got ${JSON.stringify(type)}`,
      );
    }
  }
  if (settings.onFailure && !settings.onFailure.bucket) throw new InvalidMappingSettingError('onFailure.bucket', 'must name a bucket');
  // Compiling refuses a pattern Lambda would refuse, or one using a matcher not emulated.
  if (settings.filterPatterns && settings.filterPatterns.length > 0) recordFilter(settings.filterPatterns);
  if (settings.tumblingWindowInSeconds !== undefined && settings.tumblingWindowInSeconds !== 0) {
    throw new UnsupportedMappingSettingError(
      'tumblingWindowInSeconds',
      'the local event source mapping does not emulate Lambda tumbling windows; remove the setting (streamtally aggregates event-time windows itself)',
    );
  }
}

function integerIn(value: number, setting: string, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidMappingSettingError(setting, `must be an integer from ${min} to ${max}, got ${value}`);
  }
}

function numberIn(value: number, setting: string, min: number, max: number): void {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new InvalidMappingSettingError(setting, `must be from ${min} to ${max}, got ${value}`);
  }
}
