import type { CloudFormationResource } from './CloudFormationTemplate';
import type { LocalTablePlan, NotEmulatedFeature } from './LocalStackPlan';
import type { PlanContext } from './PlanContext';
import { tablesFromTemplate } from './tablesFromTemplate';
import { unemulatedSettings } from './unemulatedSettings';

const KEY_PROPERTIES = ['KeySchema', 'AttributeDefinitions', 'GlobalSecondaryIndexes', 'LocalSecondaryIndexes'];
const HANDLED = ['TableName', 'BillingMode', ...KEY_PROPERTIES];
const DESCRIPTIONS = {
  TimeToLiveSpecification: 'TTL: items never expire (dynalite has no TTL)',
  PointInTimeRecoverySpecification: 'point-in-time recovery',
  SSESpecification: 'encryption at rest',
  StreamSpecification: 'DynamoDB Streams (dynalite has none)',
  ProvisionedThroughput: 'provisioned throughput: no throttling',
  ContributorInsightsSpecification: 'contributor insights',
  DeletionProtectionEnabled: 'deletion protection',
};

/**
 * The local table of an `AWS::DynamoDB::Table` (keys, attribute types and indexes, through
 * {@link tablesFromTemplate}), and its settings that have no local effect.
 */
export function planTable(
  logicalId: string,
  resource: CloudFormationResource,
  context: PlanContext,
): { plan: LocalTablePlan; features: NotEmulatedFeature[] } {
  const identity = context.identities.get(logicalId);
  if (!identity) throw new Error(`bug: no identity for ${logicalId}`);
  const properties = resource.Properties ?? {};
  const keyProperties = Object.fromEntries(
    KEY_PROPERTIES.filter((property) => properties[property] !== undefined).map((property) => [
      property,
      context.resolver.resolve(properties[property], `${property} of table ${logicalId}`),
    ]),
  );
  const [table] = tablesFromTemplate(
    { Resources: { [logicalId]: { Type: resource.Type, Properties: keyProperties } } },
    () => identity.name,
  );
  return {
    plan: { logicalId, tableName: identity.name, tableArn: identity.attributes.Arn as string, createTableInput: table!.input },
    features: unemulatedSettings(logicalId, resource, HANDLED, DESCRIPTIONS),
  };
}
