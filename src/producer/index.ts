/**
 * The producer SDK: sends events to the stream with `PutRecords`, validated
 * as the consumer validates them, batched, retried record by record, adapted
 * to the stream's capacity and accounted for.
 */
export { Producer, ProducerDefaults } from './Producer';
export { ProducerError, ProducerValidationError, ProducerClosedError } from './errors';
export { KinesisLimits } from './kinesisLimits';
export { defaultPartitionKey } from './encodeRecord';
export { singleAttemptClient } from './singleAttemptClient';
export { readNdjsonLines, type NdjsonLine } from './readNdjsonLines';
export { formatCounts } from './formatCounts';
export type { FailedRecord, ProducerCounts, ProducerEvent, ProducerOptions, ProducerReport, ValidatedEvent } from './types';
