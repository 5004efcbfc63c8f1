import type { CloudFormationResource } from './CloudFormationTemplate';
import type { LocalFunctionPlan, NotEmulatedFeature } from './LocalStackPlan';
import type { PlanContext } from './PlanContext';
import { resolveAssetDirectory } from './resolveAssetDirectory';
import { unemulatedSettings } from './unemulatedSettings';
import { TemplateError } from '../errors';

const HANDLED = ['FunctionName', 'Code', 'Handler', 'Runtime', 'Timeout', 'MemorySize', 'Environment', 'ReservedConcurrentExecutions'];
const DESCRIPTIONS = {
  Role: 'IAM role: every call is allowed locally',
  TracingConfig: 'X-Ray tracing',
  LoggingConfig: 'logging configuration (log group, format)',
  Architectures: "instruction set architecture: runs on this machine's",
  Layers: 'layers: only the bundled asset is loaded',
  VpcConfig: 'VPC networking',
  DeadLetterConfig: 'dead-letter queue of asynchronous invocations',
  KmsKeyArn: 'KMS encryption of the environment',
  EphemeralStorage: 'ephemeral storage size',
};

/**
 * The local function of an `AWS::Lambda::Function`: its bundled asset from cdk.out, handler,
 * runtime, timeout, memory, and environment with every intrinsic resolved to local values.
 * @throws {@link TemplateError} for a runtime other than Node.js, a missing asset, or an
 * environment variable that cannot be resolved (naming it)
 */
export function planFunction(
  logicalId: string,
  resource: CloudFormationResource,
  context: PlanContext,
): { plan: LocalFunctionPlan; features: NotEmulatedFeature[] } {
  const identity = context.identities.get(logicalId);
  if (!identity) throw new Error(`bug: no identity for ${logicalId}`);
  const properties = resource.Properties ?? {};
  const { resolver } = context;
  const handler = resolver.resolveString(properties.Handler ?? 'index.handler', `Handler of function ${logicalId}`);
  const runtime = resolver.resolveString(properties.Runtime ?? '', `Runtime of function ${logicalId}`);
  if (!runtime.startsWith('nodejs'))
    throw new TemplateError(`function ${logicalId} uses runtime ${runtime || '(none)'}; the local runtime runs Node.js functions only`);

  const variables = ((properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}) as Record<
    string,
    unknown
  >;
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    environment[name] = resolver.resolveString(value, `environment variable ${name} of function ${logicalId}`);
  }
  const number = (property: string, fallback: number) =>
    Number(resolver.resolve(properties[property] ?? fallback, `${property} of function ${logicalId}`));
  const reserved = properties.ReservedConcurrentExecutions;

  return {
    plan: {
      logicalId,
      functionName: identity.name,
      functionArn: identity.attributes.Arn as string,
      assetDirectory: resolveAssetDirectory(logicalId, resource, handler, context),
      handler,
      runtime,
      // Lambda's defaults when the template leaves them out.
      timeoutSeconds: number('Timeout', 3),
      memorySizeMb: number('MemorySize', 128),
      environment,
      ...(reserved === undefined ? {} : { reservedConcurrentExecutions: number('ReservedConcurrentExecutions', 0) }),
    },
    features: unemulatedSettings(logicalId, resource, HANDLED, DESCRIPTIONS),
  };
}
