import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { QuarantinedRecord, QuarantineSink } from './ports';

/** Object key prefix of quarantined records; the on-failure destination writes elsewhere. */
export const QUARANTINE_PREFIX = 'quarantine/';

/**
 * Quarantined records in S3, one object per record under its shard and
 * sequence number, so that storing it again on a retry overwrites the same
 * object instead of adding a second copy. The payload is kept as base64 and
 * never logged.
 */
export class S3QuarantineSink implements QuarantineSink {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly consumerName: string,
  ) {}

  async put(record: QuarantinedRecord): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: quarantineObjectKey(this.consumerName, record.shardId, record.sequenceNumber, record.subSequenceNumber),
        ContentType: 'application/json',
        Body: JSON.stringify(quarantineDocument(this.consumerName, record)),
      }),
    );
  }
}

/** `quarantine/<consumer>/<shardId>/<sequenceNumber>.json`, or `<sequenceNumber>.<subSequenceNumber>.json` for a user record of a KPL aggregate. */
export function quarantineObjectKey(consumerName: string, shardId: string, sequenceNumber: string, subSequenceNumber?: number): string {
  const name = subSequenceNumber === undefined ? sequenceNumber : `${sequenceNumber}.${subSequenceNumber}`;
  return `${QUARANTINE_PREFIX}${consumerName}/${shardId}/${name}.json`;
}

/** The stored form of a quarantined record (docs/contract.md §2, `quarantine list --json`). */
export interface QuarantineDocument {
  readonly consumer: string;
  readonly reason: string;
  readonly message: string;
  readonly shardId: string;
  readonly sequenceNumber: string;
  /** Only for a user record of a KPL aggregate: its place in the aggregate. */
  readonly subSequenceNumber?: number;
  readonly partitionKey: string;
  readonly arrivalTime: string;
  readonly data: string;
}

function quarantineDocument(consumerName: string, record: QuarantinedRecord): QuarantineDocument {
  return {
    consumer: consumerName,
    reason: record.reason,
    message: record.message,
    shardId: record.shardId,
    sequenceNumber: record.sequenceNumber,
    ...(record.subSequenceNumber !== undefined ? { subSequenceNumber: record.subSequenceNumber } : {}),
    partitionKey: record.partitionKey,
    arrivalTime: new Date(record.arrivalMs).toISOString(),
    data: Buffer.from(record.data).toString('base64'),
  };
}
