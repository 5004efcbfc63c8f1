import { CreateBucketCommand, HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import type { LocalBucketPlan } from './LocalStackPlan';
import type { ProvisionOutcome } from './ProvisionReport';
import { ProvisionError } from '../errors';

/** Creates the bucket if it does not exist; one left by an earlier run is kept with its objects. */
export async function provisionBucket(s3: S3Client, bucket: LocalBucketPlan): Promise<ProvisionOutcome> {
  const { bucketName: Bucket, logicalId } = bucket;
  try {
    await s3.send(new HeadBucketCommand({ Bucket }));
    return 'kept';
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status !== 404 && (error as Error).name !== 'NotFound') {
      throw new ProvisionError(logicalId, `cannot look up bucket ${Bucket}: ${(error as Error).message}`, { cause: error });
    }
  }
  try {
    await s3.send(new CreateBucketCommand({ Bucket }));
    return 'created';
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'BucketAlreadyOwnedByYou' || name === 'BucketAlreadyExists') return 'kept';
    throw new ProvisionError(logicalId, `cannot create bucket ${Bucket}: ${(error as Error).message}`, { cause: error });
  }
}
