export type { CloudFormationOutput, CloudFormationResource, CloudFormationTemplate } from './CloudFormationTemplate';
export { describeNotEmulated } from './describeNotEmulated';
export type {
  LocalBucketPlan,
  LocalEventSourceMappingPlan,
  LocalFunctionPlan,
  LocalOnFailureDestinationPlan,
  LocalStackPlan,
  LocalStreamPlan,
  LocalTablePlan,
  NotEmulated,
  NotEmulatedFeature,
  NotEmulatedResourceType,
} from './LocalStackPlan';
export { ON_DEMAND_LOCAL_SHARDS } from './LocalStackPlan';
export { localResourceName } from './localResourceName';
export { type PlanLocalStackOptions, planLocalStack } from './planLocalStack';
export type { ProvisionClients } from './ProvisionClients';
export { ProvisionError } from '../errors';
export { type ProvisionOptions, provisionLocalStack } from './provisionLocalStack';
export type { ProvisionOutcome, ProvisionReport } from './ProvisionReport';
export { type CloudAssemblyStack, readCloudAssembly } from './readCloudAssembly';
export { type TemplateTable, tablesFromTemplate } from './tablesFromTemplate';
export { TemplateError } from '../errors';
