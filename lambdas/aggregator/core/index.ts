/**
 * The pure aggregation core: decoding, classification and grouping of
 * events, exact decimals, and the DynamoDB item layout. No AWS SDK, no I/O,
 * no clock: time is passed in.
 */
export * from './types';
export { ConfigError, GranularityConfigError } from './configError';
export { formatDuration, parseDuration, tryParseDuration } from './duration';
export { DEFAULT_GRANULARITIES_SPEC, parseGranularities, windowStartMs } from './granularity';
export { SEQUENCE_NUMBER_WIDTH, compareSequenceNumbers, padSequenceNumber, unpadSequenceNumber } from './sequenceNumber';
export { MAX_ABS_VALUE, VALUE_DECIMALS, nanosToDecimalString, toNanos } from './exactDecimal';
export { EventLimits, decodeRecord } from './decodeRecord';
export { classifyEvent, type EventClassification } from './classifyRecord';
export { judgeLateness, type LatenessInput, type LatenessJudgement } from './judgeLateness';
export { splitFirstOccurrences } from './dropBatchDuplicates';
export { buildItemDeltas, summarizeContributions, type ContributionSummary, type SequencedEvent } from './buildItemDeltas';
export {
  AggregateAttributes,
  AggregateIndexes,
  CLAIM_SK,
  CheckpointAttributes,
  aggregatePk,
  checkpointPk,
  claimPk,
  WINDOW_INDEX_PARTS,
  highWaterAttribute,
  isTopKeysPk,
  parseAggregatePk,
  topKeysPk,
  windowIndexPart,
  windowPartPk,
  windowPk,
  windowSk,
} from './itemKeys';
