import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { QUARANTINE_PREFIX, type QuarantineDocument } from '../../lambdas/aggregator/store/S3QuarantineSink';

/** A quarantined record and where it is stored. */
export interface QuarantineEntry {
  readonly objectKey: string;
  readonly document: QuarantineDocument;
}

/** Every quarantined record of the bucket (all consumers), optionally of one reason, oldest sequence first per shard. */
export async function listQuarantined(
  s3: S3Client,
  bucket: string,
  options: { reason?: string; limit?: number } = {},
): Promise<QuarantineEntry[]> {
  const entries: QuarantineEntry[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: QUARANTINE_PREFIX, ContinuationToken: token }));
    for (const object of page.Contents ?? []) {
      if (!object.Key) continue;
      const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }));
      const document = JSON.parse(await body.Body!.transformToString()) as QuarantineDocument;
      if (options.reason && document.reason !== options.reason) continue;
      entries.push({ objectKey: object.Key, document });
      if (options.limit !== undefined && entries.length >= options.limit) return entries;
    }
    token = page.NextContinuationToken;
  } while (token);
  return entries;
}
