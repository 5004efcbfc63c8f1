import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { KinesisFailureRecord } from '../../../../src/local/esm';

let bucketCounter = 0;

/** Creates a bucket no other test uses, for one mapping's on-failure destination. */
export async function createBucket(s3: S3Client, prefix: string): Promise<string> {
  bucketCounter += 1;
  const bucket = `${prefix}-${process.pid}-${bucketCounter}`.toLowerCase();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

/** A failure record as stored, with its key. */
export interface StoredFailure {
  readonly key: string;
  readonly record: KinesisFailureRecord;
}

/** Every invocation record a mapping wrote under `aws/lambda/<uuid>/`, oldest key first. */
export async function readFailures(s3: S3Client, bucket: string, mappingUuid: string): Promise<StoredFailure[]> {
  const listing = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `aws/lambda/${mappingUuid}/` }));
  const keys = (listing.Contents ?? []).map((object) => object.Key ?? '').sort();
  return Promise.all(
    keys.map(async (key) => {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return { key, record: JSON.parse(await (object.Body?.transformToString() ?? '{}')) as KinesisFailureRecord };
    }),
  );
}

/** The data (UTF-8) of the records in a failure record's payload, in order. */
export function payloadData(record: KinesisFailureRecord): string[] {
  const event = JSON.parse(record.payload) as { Records: { kinesis: { data: string } }[] };
  return event.Records.map((entry) => Buffer.from(entry.kinesis.data, 'base64').toString('utf8'));
}
