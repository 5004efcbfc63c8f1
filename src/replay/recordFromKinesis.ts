import type { _Record } from '@aws-sdk/client-kinesis';
import type { StreamRecord } from '../../core';

/**
 * Turns a GetRecords record into the core's record, carrying what Lambda's
 * event carries (streamRecordsFromEvent): the same arrival time, to the
 * millisecond, so that the replay judges `future` and lateness exactly as the
 * consumer did.
 */
export function recordFromKinesis(shardId: string, record: _Record): StreamRecord {
  return {
    shardId,
    sequenceNumber: record.SequenceNumber as string,
    partitionKey: record.PartitionKey as string,
    arrivalMs: record.ApproximateArrivalTimestamp?.getTime() ?? 0,
    data: record.Data ?? new Uint8Array(),
  };
}
