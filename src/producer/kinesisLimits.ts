/**
 * The Kinesis `PutRecords` limits the producer packs requests within
 * (Kinesis Data Streams API reference, PutRecords and PutRecordsRequestEntry).
 */
export const KinesisLimits = {
  /** Records in one `PutRecords` request. */
  maxRecordsPerRequest: 500,
  /** Bytes in one request, data and partition keys together (5 MiB). */
  maxBytesPerRequest: 5 * 1_048_576,
  /** Bytes in one record, data and partition key together (1 MiB). */
  maxBytesPerRecord: 1_048_576,
  /** Unicode characters in a partition key. */
  maxPartitionKeyChars: 256,
} as const;
