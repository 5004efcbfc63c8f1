import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { KinesisFailureRecord } from './FailureRecord';

/**
 * An S3 bucket as a mapping's on-failure destination: one object per
 * discarded batch (key from `failureObjectKey`), holding the invocation
 * record with the whole invoke payload, as Lambda writes it.
 */
export class S3OnFailureDestination {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
  ) {}

  /** Writes one invocation record. Rejects when S3 does; writing the same key again is harmless. */
  async put(key: string, record: KinesisFailureRecord): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: JSON.stringify(record), ContentType: 'application/json' }),
    );
  }
}
