import type { NotEmulated } from './LocalStackPlan';

/**
 * One printable line per resource type and per setting the local stack leaves out, e.g.
 * `not emulated: AWS::IAM::Role x1 (AggregatorRole2F3D6B04)` and
 * `not emulated: EventStreamA212D9D0 (AWS::Kinesis::Stream): KMS encryption at rest ... (StreamEncryption)`.
 */
export function describeNotEmulated(notEmulated: NotEmulated): string[] {
  return [
    ...notEmulated.resourceTypes.map(({ type, count, logicalIds }) => `not emulated: ${type} x${count} (${logicalIds.join(', ')})`),
    ...notEmulated.features.map(({ logicalId, type, feature }) => `not emulated: ${logicalId} (${type}): ${feature}`),
  ];
}
