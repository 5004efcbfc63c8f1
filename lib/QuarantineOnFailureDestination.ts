import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Quarantine } from './Quarantine';

/**
 * An event source mapping's on-failure destination in the quarantine bucket: the
 * least-privilege twin of CDK's `S3OnFailureDestination`, which grants read-write
 * on the whole bucket. Lambda writes each batch it gives up on (after the retries
 * or past the maximum record age) under `aws/lambda/`, with the records themselves.
 */
export class QuarantineOnFailureDestination implements lambda.IEventSourceDlq {
  constructor(private readonly quarantine: Quarantine) {}

  /** Grants the function's role the on-failure writes and returns the bucket as destination. */
  public bind(_target: lambda.IEventSourceMapping, targetHandler: lambda.IFunction): lambda.DlqDestinationConfig {
    this.quarantine.grantOnFailureWrite(targetHandler);
    return { destination: this.quarantine.bucket.bucketArn };
  }
}
