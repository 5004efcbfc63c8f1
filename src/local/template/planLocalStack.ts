import * as path from 'node:path';
import type { CloudFormationResource, CloudFormationTemplate } from './CloudFormationTemplate';
import { IntrinsicResolver } from './IntrinsicResolver';
import type { LocalEnvironment } from './LocalEnvironment';
import type {
  LocalBucketPlan,
  LocalEventSourceMappingPlan,
  LocalFunctionPlan,
  LocalStackPlan,
  LocalStreamPlan,
  LocalTablePlan,
  NotEmulatedFeature,
  NotEmulatedResourceType,
} from './LocalStackPlan';
import type { PlanContext } from './PlanContext';
import { planBucket } from './planBucket';
import { planEventSourceMapping } from './planEventSourceMapping';
import { planFunction } from './planFunction';
import { planStream } from './planStream';
import { planTable } from './planTable';
import { readAssetPaths } from './readAssetPaths';
import { identifyResource } from './identifyResource';
import type { ResourceIdentity } from './ResourceIdentity';
import { TemplateError } from '../errors';

/** Options of {@link planLocalStack}. */
export interface PlanLocalStackOptions {
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '000000000000' (the Kinesis emulator's account) */
  readonly accountId?: string;
  /** `AWS::StackName`; pass the stack's name from {@link readCloudAssembly}. @default 'streamtally-local' */
  readonly stackName?: string;
  /** Prefix of the names of resources the template leaves unnamed. @default 'streamtally' */
  readonly namePrefix?: string;
}

/** The resource types the local stack creates (every other one is listed as not emulated). */
const EMULATED_TYPES = new Set([
  'AWS::Kinesis::Stream',
  'AWS::DynamoDB::Table',
  'AWS::S3::Bucket',
  'AWS::Lambda::Function',
  'AWS::Lambda::EventSourceMapping',
]);
/** CDK's version report: not part of the application, so not worth a line. */
const IGNORED_TYPES = new Set(['AWS::CDK::Metadata']);

/**
 * Reads a synthesized template into the local stack it describes: streams (shards,
 * retention), tables (keys, attribute types, indexes), buckets, functions (bundled asset
 * in `assemblyDir`, handler, runtime, timeout, memory, environment resolved to local names)
 * and Kinesis event source mappings (every setting, with Lambda's defaults), plus the
 * template's outputs with local values and everything the local stack leaves out.
 *
 * Creates nothing and calls nothing; it reads the asset manifests in `assemblyDir` and
 * checks that each function's asset is there. Resources whose condition is false in the
 * local region are left out, as CloudFormation would.
 *
 * @throws {@link TemplateError} (one line) for a missing asset, an intrinsic that cannot be
 * resolved (naming the variable or property), or a mapping the local runtime cannot run
 * @example
 * const { template, assemblyDir, stackName } = readCloudAssembly('cdk.out');
 * const plan = planLocalStack(template, assemblyDir, { stackName });
 */
export function planLocalStack(template: CloudFormationTemplate, assemblyDir: string, options: PlanLocalStackOptions = {}): LocalStackPlan {
  const environment: LocalEnvironment = {
    region: options.region ?? 'us-east-1',
    accountId: options.accountId ?? '000000000000',
    stackName: options.stackName ?? 'streamtally-local',
    namePrefix: options.namePrefix ?? 'streamtally',
  };
  // Filled once conditions are known; conditions only read parameters and pseudo parameters.
  const identities = new Map<string, ResourceIdentity>();
  const resolver = new IntrinsicResolver(template, identities, environment);
  const resources = Object.entries(template.Resources ?? {}).filter(
    ([, resource]) => !IGNORED_TYPES.has(resource.Type) && (resource.Condition === undefined || resolver.condition(resource.Condition)),
  );
  for (const [logicalId, resource] of resources) identities.set(logicalId, identifyResource(logicalId, resource, environment));
  assertDistinctNames(resources, identities);

  const assemblyPath = path.resolve(assemblyDir);
  const context: PlanContext = { environment, resolver, identities, assemblyDir: assemblyPath, assetPaths: readAssetPaths(assemblyPath) };
  const features: NotEmulatedFeature[] = [];
  const plansOf = <P>(
    type: string,
    plan: (logicalId: string, resource: CloudFormationResource) => { plan: P; features: NotEmulatedFeature[] },
  ): P[] =>
    resources
      .filter(([, resource]) => resource.Type === type)
      .map(([logicalId, resource]) => {
        const planned = plan(logicalId, resource);
        features.push(...planned.features);
        return planned.plan;
      });

  const streams: LocalStreamPlan[] = plansOf('AWS::Kinesis::Stream', (id, resource) => planStream(id, resource, context));
  const tables: LocalTablePlan[] = plansOf('AWS::DynamoDB::Table', (id, resource) => planTable(id, resource, context));
  const buckets: LocalBucketPlan[] = plansOf('AWS::S3::Bucket', (id, resource) => planBucket(id, resource, context));
  const functions: LocalFunctionPlan[] = plansOf('AWS::Lambda::Function', (id, resource) => planFunction(id, resource, context));
  const eventSourceMappings: LocalEventSourceMappingPlan[] = plansOf('AWS::Lambda::EventSourceMapping', (id, resource) =>
    planEventSourceMapping(id, resource, context, { streams, functions, buckets }),
  );

  return {
    stackName: environment.stackName,
    region: environment.region,
    accountId: environment.accountId,
    streams,
    tables,
    buckets,
    functions,
    eventSourceMappings,
    outputs: resolveOutputs(template, resolver),
    notEmulated: { resourceTypes: notEmulatedTypes(resources), features },
  };
}

function resolveOutputs(template: CloudFormationTemplate, resolver: IntrinsicResolver): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    if (output.Condition !== undefined && !resolver.condition(output.Condition)) continue;
    outputs[name] = resolver.resolveString(output.Value, `output ${name}`);
  }
  return outputs;
}

function notEmulatedTypes(resources: readonly [string, CloudFormationResource][]): NotEmulatedResourceType[] {
  const byType = new Map<string, string[]>();
  for (const [logicalId, { Type: type }] of resources) {
    if (EMULATED_TYPES.has(type)) continue;
    byType.set(type, [...(byType.get(type) ?? []), logicalId]);
  }
  return [...byType.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, logicalIds]) => ({ type, count: logicalIds.length, logicalIds }));
}

/** Two resources of one emulated type must not end up with one local name. */
function assertDistinctNames(
  resources: readonly [string, CloudFormationResource][],
  identities: ReadonlyMap<string, ResourceIdentity>,
): void {
  const seen = new Map<string, string>();
  for (const [logicalId, { Type: type }] of resources) {
    if (!EMULATED_TYPES.has(type)) continue;
    const key = `${type} ${identities.get(logicalId)?.name}`;
    const other = seen.get(key);
    if (other)
      throw new TemplateError(
        `resources ${other} and ${logicalId} would both be named ${identities.get(logicalId)?.name} locally; give one an explicit name`,
      );
    seen.set(key, logicalId);
  }
}
