import type { CloudFormationResource } from './CloudFormationTemplate';
import type { LocalBucketPlan, NotEmulatedFeature } from './LocalStackPlan';
import type { PlanContext } from './PlanContext';
import { unemulatedSettings } from './unemulatedSettings';

const DESCRIPTIONS = {
  BucketEncryption: 'encryption at rest',
  LifecycleConfiguration: 'lifecycle rules: objects never expire',
  LoggingConfiguration: 'server access logging',
  PublicAccessBlockConfiguration: 'public access block',
  OwnershipControls: 'object ownership controls',
  VersioningConfiguration: 'versioning',
  NotificationConfiguration: 'event notifications',
  CorsConfiguration: 'CORS rules',
};

/** The local bucket of an `AWS::S3::Bucket`, and its settings that have no local effect. */
export function planBucket(
  logicalId: string,
  resource: CloudFormationResource,
  context: PlanContext,
): { plan: LocalBucketPlan; features: NotEmulatedFeature[] } {
  const identity = context.identities.get(logicalId);
  if (!identity) throw new Error(`bug: no identity for ${logicalId}`);
  return {
    plan: { logicalId, bucketName: identity.name, bucketArn: identity.attributes.Arn as string },
    features: unemulatedSettings(logicalId, resource, ['BucketName'], DESCRIPTIONS),
  };
}
