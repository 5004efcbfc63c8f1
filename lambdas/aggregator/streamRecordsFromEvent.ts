import type { KinesisStreamEvent } from 'aws-lambda';
import type { StreamRecord } from '../../core';

/**
 * Turns Lambda's Kinesis event into the core's records. The shard id comes
 * from `eventID` (`<shardId>:<sequenceNumber>`); arrival time is Kinesis'
 * `approximateArrivalTimestamp`, in seconds with a fraction.
 */
export function streamRecordsFromEvent(event: KinesisStreamEvent): StreamRecord[] {
  return event.Records.map((record) => {
    const separator = record.eventID.lastIndexOf(':');
    return {
      shardId: separator > 0 ? record.eventID.slice(0, separator) : record.eventID,
      sequenceNumber: record.kinesis.sequenceNumber,
      partitionKey: record.kinesis.partitionKey,
      arrivalMs: Math.round(record.kinesis.approximateArrivalTimestamp * 1000),
      data: Buffer.from(record.kinesis.data, 'base64'),
    };
  });
}
