import type { CloudFormationResource } from './CloudFormationTemplate';
import type { NotEmulatedFeature } from './LocalStackPlan';

/** Properties that describe a resource without changing what it does. */
const INFORMATIONAL = new Set(['Tags', 'Description']);

/**
 * The properties of an emulated resource that the local stack does not act on, one
 * feature each: described by `descriptions` where it has one (`KMS encryption at rest`),
 * else as `<Property> is not emulated`. `handled` are the properties the plan carries.
 */
export function unemulatedSettings(
  logicalId: string,
  resource: CloudFormationResource,
  handled: readonly string[],
  descriptions: Readonly<Record<string, string>> = {},
): NotEmulatedFeature[] {
  return Object.keys(resource.Properties ?? {})
    .filter((property) => !handled.includes(property) && !INFORMATIONAL.has(property))
    .map((property) => ({
      logicalId,
      type: resource.Type,
      feature: descriptions[property] ? `${descriptions[property]} (${property})` : `${property} is not emulated`,
    }));
}
