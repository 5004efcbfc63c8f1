import type { CloudFormationResource } from './CloudFormationTemplate';
import { type LocalStreamPlan, type NotEmulatedFeature, ON_DEMAND_LOCAL_SHARDS } from './LocalStackPlan';
import type { PlanContext } from './PlanContext';
import { unemulatedSettings } from './unemulatedSettings';
import { TemplateError } from '../errors';

const HANDLED = ['Name', 'ShardCount', 'RetentionPeriodHours', 'StreamModeDetails'];
const DESCRIPTIONS = {
  StreamEncryption: 'KMS encryption at rest: records are stored unencrypted',
  DesiredShardLevelMetrics: 'enhanced shard-level metrics',
};

/** The local stream of an `AWS::Kinesis::Stream`, and its settings that have no local effect. */
export function planStream(
  logicalId: string,
  resource: CloudFormationResource,
  context: PlanContext,
): { plan: LocalStreamPlan; features: NotEmulatedFeature[] } {
  const identity = context.identities.get(logicalId);
  if (!identity) throw new Error(`bug: no identity for ${logicalId}`);
  const properties = resource.Properties ?? {};
  const resolve = (property: string) => context.resolver.resolve(properties[property], `${property} of stream ${logicalId}`);
  const modeDetails = resolve('StreamModeDetails') as { StreamMode?: string } | undefined;
  const mode = modeDetails?.StreamMode === 'ON_DEMAND' ? 'ON_DEMAND' : 'PROVISIONED';
  const shardCount =
    mode === 'ON_DEMAND' ? ON_DEMAND_LOCAL_SHARDS : positiveInteger(resolve('ShardCount') ?? 1, `ShardCount of stream ${logicalId}`);
  const retentionHours = positiveInteger(resolve('RetentionPeriodHours') ?? 24, `RetentionPeriodHours of stream ${logicalId}`);
  return {
    plan: { logicalId, streamName: identity.name, streamArn: identity.attributes.Arn as string, mode, shardCount, retentionHours },
    features: unemulatedSettings(logicalId, resource, HANDLED, DESCRIPTIONS),
  };
}

function positiveInteger(value: unknown, where: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new TemplateError(`${where} must be a positive whole number, got ${JSON.stringify(value)}`);
  return number;
}
