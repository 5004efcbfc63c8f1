import { kinesisEvent } from './kinesisEvent';
import type { PendingRecord } from './PendingRecord';

/** Why Lambda gave up on a batch. */
export const FailureCondition = {
  retryAttemptsExhausted: 'RetryAttemptsExhausted',
  recordAgeExceeded: 'RecordAgeExceeded',
} as const;
export type FailureCondition = (typeof FailureCondition)[keyof typeof FailureCondition];

/**
 * The invocation record Lambda sends to an on-failure destination for a
 * discarded Kinesis batch (documented in "Retain discarded batch records for
 * a Kinesis Data Streams event source"); `payload`, the whole invoke event as
 * an escaped JSON string, is what an S3 destination gets on top.
 */
export interface KinesisFailureRecord {
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: FailureCondition;
    readonly approximateInvokeCount: number;
  };
  /** The last invocation's response; absent when the records expired, which Lambda reports without one. */
  readonly responseContext?: {
    readonly statusCode: number;
    readonly executedVersion: string;
    /** `Unhandled` after a function error; `null` (present) when the last invocation returned, e.g. a partial batch response. */
    readonly functionError: string | null;
  };
  readonly version: '1.0';
  readonly timestamp: string;
  readonly KinesisBatchInfo: {
    readonly shardId: string;
    readonly startSequenceNumber: string;
    readonly endSequenceNumber: string;
    readonly approximateArrivalOfFirstRecord: string;
    readonly approximateArrivalOfLastRecord: string;
    readonly batchSize: number;
    readonly streamArn: string;
  };
  readonly payload: string;
}

/** What is known of a discarded batch when it is given up. */
export interface DiscardedBatch {
  readonly records: readonly PendingRecord[];
  readonly condition: FailureCondition;
  /** Invocations made with (part of) this batch. */
  readonly invokeCount: number;
  /** The last invocation's request id, when there was one. */
  readonly requestId?: string;
  /** Whether the last invocation ended in a function error (rather than a partial batch response). */
  readonly functionError: boolean;
}

/** Builds the failure record of a discarded batch. */
export function failureRecord(
  batch: DiscardedBatch,
  context: { readonly requestId: string; readonly functionArn: string; readonly streamArn: string; readonly nowMs: number },
): KinesisFailureRecord {
  const first = batch.records[0];
  const last = batch.records[batch.records.length - 1];
  if (!first || !last) throw new Error('bug: a failure record needs at least one record');
  // AWS-recorded failure records (LocalStack's validated snapshots): a batch given up for its
  // age carries no response and an invoke count of 1, whatever happened to it before.
  const expired = batch.condition === FailureCondition.recordAgeExceeded;
  return {
    requestContext: {
      requestId: batch.requestId ?? context.requestId,
      functionArn: context.functionArn,
      condition: batch.condition,
      approximateInvokeCount: expired ? 1 : batch.invokeCount,
    },
    ...(expired
      ? {}
      : { responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: batch.functionError ? 'Unhandled' : null } }),
    version: '1.0',
    timestamp: new Date(context.nowMs).toISOString(),
    KinesisBatchInfo: {
      shardId: first.shardId,
      startSequenceNumber: first.sequenceNumber,
      endSequenceNumber: last.sequenceNumber,
      approximateArrivalOfFirstRecord: new Date(first.arrivalMs).toISOString(),
      approximateArrivalOfLastRecord: new Date(last.arrivalMs).toISOString(),
      batchSize: batch.records.length,
      streamArn: context.streamArn,
    },
    payload: JSON.stringify(kinesisEvent(batch.records)),
  };
}

/**
 * The S3 key Lambda gives an invocation record:
 * `aws/lambda/<ESM-UUID>/<shardID>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<Random UUID>` (UTC).
 */
export function failureObjectKey(mappingUuid: string, shardId: string, nowMs: number, randomId: string): string {
  const iso = new Date(nowMs).toISOString();
  const day = iso.slice(0, 10);
  const time = iso.slice(11, 19).replaceAll(':', '.');
  return `aws/lambda/${mappingUuid}/${shardId}/${day.replaceAll('-', '/')}/${day}T${time}-${randomId}`;
}
