import type { _Record as KinesisRecord } from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

/** What every record of one mapping's events shares. */
export interface EventSource {
  readonly shardId: string;
  readonly streamArn: string;
  readonly region: string;
  readonly invokeIdentityArn: string;
}

/** `{"Records":[` and `]}`: the payload bytes around the records. */
export const EVENT_ENVELOPE_BYTES = Buffer.byteLength('{"Records":[]}');

/**
 * One Kinesis record as Lambda puts it in an invoke event: fields in
 * Lambda's order, data in base64, arrival time in epoch seconds with
 * milliseconds, `eventID` = `<shardId>:<sequenceNumber>`.
 */
export function toEventRecord(record: KinesisRecord, source: EventSource): KinesisStreamRecord {
  const sequenceNumber = record.SequenceNumber ?? '';
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: record.PartitionKey ?? '',
      sequenceNumber,
      data: Buffer.from(record.Data ?? new Uint8Array()).toString('base64'),
      approximateArrivalTimestamp: (record.ApproximateArrivalTimestamp?.getTime() ?? 0) / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${source.shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: source.invokeIdentityArn,
    awsRegion: source.region,
    eventSourceARN: source.streamArn,
  };
}

/** The payload bytes one record adds to an event: its JSON plus the comma between records. */
export function eventRecordBytes(record: KinesisStreamRecord): number {
  return Buffer.byteLength(JSON.stringify(record)) + 1;
}

/** The invoke event for a batch. */
export function kinesisEvent(records: readonly { readonly eventRecord: KinesisStreamRecord }[]): KinesisStreamEvent {
  return { Records: records.map((record) => record.eventRecord) };
}
