import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, type IConstruct } from 'constructs';

/** Where the consumer puts records it sets aside (invalid, late, future), one object each. */
export const QUARANTINE_PREFIX = 'quarantine/';
/**
 * Where a Lambda event source mapping writes the batches it gave up on: it names
 * its objects `aws/lambda/<mapping-uuid>/<shard-id>/YYYY/MM/DD/<time>-<uuid>`.
 */
export const ON_FAILURE_PREFIX = 'aws/lambda/';

/** Properties of a {@link Quarantine}. */
export interface QuarantineProps {
  /**
   * How long quarantined records and on-failure records are kept.
   * @default Duration.days(30)
   */
  readonly expiration?: Duration;
  /**
   * Bucket that receives the server access logs of the quarantine bucket.
   * @default - a new bucket (S3-managed encryption, logs kept 90 days)
   */
  readonly accessLogsBucket?: s3.IBucket;
  /**
   * What happens to the buckets when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The S3 bucket where records that cannot be aggregated end up, with their reason:
 * the consumer's quarantined records under `quarantine/` and the event source
 * mapping's failed batches under `aws/lambda/`. Private, SSL-only, S3-managed
 * encryption (the on-failure writer needs no key grant), access-logged, expiring.
 */
export class Quarantine extends Construct {
  /** The quarantine bucket. */
  public readonly bucket: s3.Bucket;
  /** The bucket holding the quarantine bucket's server access logs. */
  public readonly accessLogsBucket: s3.IBucket;

  constructor(scope: Construct, id: string, props: QuarantineProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const expiration = props.expiration ?? Duration.days(30);

    if (props.accessLogsBucket) {
      this.accessLogsBucket = props.accessLogsBucket;
    } else {
      const logs = new s3.Bucket(this, 'AccessLogs', {
        // Server access logging delivers only to buckets with S3-managed keys.
        encryption: s3.BucketEncryption.S3_MANAGED,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        // Object ownership left to CDK: it picks what the log delivery needs (bucket
        // policy or, without @aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy, an ACL).
        lifecycleRules: [{ expiration: Duration.days(90) }],
        removalPolicy,
      });
      Validations.of(logs).acknowledge({
        id: 'AwsSolutions-S1',
        reason: 'This is the access-log bucket of the quarantine bucket; logging it too would need yet another bucket, without end.',
      });
      this.accessLogsBucket = logs;
    }

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'quarantine-bucket/',
      lifecycleRules: [
        { id: 'ExpireQuarantined', prefix: QUARANTINE_PREFIX, expiration },
        { id: 'ExpireFailedBatches', prefix: ON_FAILURE_PREFIX, expiration },
        { id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy,
    });
  }

  /** Lets the grantee write quarantined records: s3:PutObject on `quarantine/*` only. */
  public grantQuarantineWrite(grantee: iam.IGrantable): iam.Grant {
    this.acknowledgePrefixWildcard(grantee, QUARANTINE_PREFIX, 'one object per quarantined record, under a key the consumer chooses');
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:PutObject'],
      resourceArns: [this.bucket.arnForObjects(`${QUARANTINE_PREFIX}*`)],
    });
  }

  /**
   * Lets a reader (the dashboard API) count quarantined records: s3:ListBucket on the
   * bucket, limited to the `quarantine/` prefix, and s3:GetObject under it only.
   */
  public grantQuarantineRead(grantee: iam.IGrantable): iam.Grant {
    const list = iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:ListBucket'],
      resourceArns: [this.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${QUARANTINE_PREFIX}*`] } },
    });
    const principal: unknown = grantee.grantPrincipal;
    if (Construct.isConstruct(principal)) {
      const bucketLogicalId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
      Validations.of(principal as IConstruct).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/${QUARANTINE_PREFIX}*]`,
        reason: `s3:GetObject on the ${QUARANTINE_PREFIX} prefix of the quarantine bucket only: one object per quarantined record, under keys not known in advance.`,
      });
    }
    const get = iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject'],
      resourceArns: [this.bucket.arnForObjects(`${QUARANTINE_PREFIX}*`)],
    });
    return list.combine(get);
  }

  /**
   * Lets the grantee's event source mapping write failed batches: what Lambda needs
   * for an S3 on-failure destination, s3:ListBucket on the bucket and s3:PutObject
   * under `aws/lambda/` only (CDK's S3OnFailureDestination would grant read-write on
   * the whole bucket).
   */
  public grantOnFailureWrite(grantee: iam.IGrantable): iam.Grant {
    const list = iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:ListBucket'],
      resourceArns: [this.bucket.bucketArn],
    });
    this.acknowledgePrefixWildcard(grantee, ON_FAILURE_PREFIX, 'Lambda names one object per failed batch (mapping, shard, date, uuid)');
    const put = iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:PutObject'],
      resourceArns: [this.bucket.arnForObjects(`${ON_FAILURE_PREFIX}*`)],
    });
    return list.combine(put);
  }

  /** Object keys under a prefix cannot be listed in advance: the wildcard is the narrowest grant. */
  private acknowledgePrefixWildcard(grantee: iam.IGrantable, prefix: string, why: string): void {
    const principal: unknown = grantee.grantPrincipal;
    if (!Construct.isConstruct(principal)) return;
    const bucketLogicalId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    Validations.of(principal as IConstruct).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/${prefix}*]`,
      reason: `s3:PutObject on the ${prefix} prefix of the quarantine bucket only: ${why}.`,
    });
  }
}
