import type { CloudFormationResource } from './CloudFormationTemplate';
import type {
  LocalBucketPlan,
  LocalEventSourceMappingPlan,
  LocalFunctionPlan,
  LocalStreamPlan,
  NotEmulatedFeature,
} from './LocalStackPlan';
import type { PlanContext } from './PlanContext';
import { recordFilter } from '../esm/filter/recordFilter';
import { unemulatedSettings } from './unemulatedSettings';
import { TemplateError, InvalidMappingSettingError, UnsupportedMappingSettingError } from '../errors';

const HANDLED = [
  'EventSourceArn',
  'FunctionName',
  'Enabled',
  'BatchSize',
  'MaximumBatchingWindowInSeconds',
  'StartingPosition',
  'StartingPositionTimestamp',
  'ParallelizationFactor',
  'BisectBatchOnFunctionError',
  'MaximumRetryAttempts',
  'MaximumRecordAgeInSeconds',
  'FunctionResponseTypes',
  'DestinationConfig',
  'TumblingWindowInSeconds',
  'FilterCriteria',
];
const DESCRIPTIONS = { KmsKeyArn: 'KMS encryption of the filter criteria', MetricsConfig: 'event source mapping metrics' };
const STARTING_POSITIONS = ['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'] as const;

/** What an event source mapping may point at. */
export interface MappingTargets {
  readonly streams: readonly LocalStreamPlan[];
  readonly functions: readonly LocalFunctionPlan[];
  readonly buckets: readonly LocalBucketPlan[];
}

/**
 * The local event source mapping of an `AWS::Lambda::EventSourceMapping` from a Kinesis
 * stream of the template, with Lambda's documented default for each setting left out.
 * @throws {@link TemplateError} when it reads from something other than a stream of the
 * template, invokes an unknown function, or sends failures anywhere but a bucket of the template
 */
export function planEventSourceMapping(
  logicalId: string,
  resource: CloudFormationResource,
  context: PlanContext,
  targets: MappingTargets,
): { plan: LocalEventSourceMappingPlan; features: NotEmulatedFeature[] } {
  const properties = resource.Properties ?? {};
  const where = (property: string) => `${property} of event source mapping ${logicalId}`;
  const resolve = (property: string) => context.resolver.resolve(properties[property], where(property));
  const number = (property: string, fallback: number) => {
    const value = resolve(property) ?? fallback;
    const parsed = Number(value);
    if (!Number.isFinite(parsed)) throw new TemplateError(`${where(property)} must be a number, got ${JSON.stringify(value)}`);
    return parsed;
  };

  const sourceArn = context.resolver.resolveString(properties.EventSourceArn, where('EventSourceArn'));
  const stream = targets.streams.find((candidate) => candidate.streamArn === sourceArn);
  if (!stream) {
    throw new TemplateError(
      `event source mapping ${logicalId} reads from ${sourceArn}, which is not a Kinesis stream of this template; the local runtime runs Kinesis event sources only`,
    );
  }
  const functionRef = context.resolver.resolveString(properties.FunctionName, where('FunctionName'));
  const target = targets.functions.find((candidate) => candidate.functionName === functionRef || candidate.functionArn === functionRef);
  if (!target)
    throw new TemplateError(`event source mapping ${logicalId} invokes ${functionRef}, which is not a function of this template`);

  const startingPosition = resolve('StartingPosition');
  if (!STARTING_POSITIONS.includes(startingPosition as (typeof STARTING_POSITIONS)[number])) {
    throw new TemplateError(
      `${where('StartingPosition')} must be one of ${STARTING_POSITIONS.join(', ')}, got ${JSON.stringify(startingPosition)}`,
    );
  }
  const functionResponseTypes = ((resolve('FunctionResponseTypes') as unknown[] | undefined) ?? []).map(String);
  const destination = (resolve('DestinationConfig') as { OnFailure?: { Destination?: unknown } } | undefined)?.OnFailure?.Destination;
  const filterCriteria = resolve('FilterCriteria') as LocalEventSourceMappingPlan['filterCriteria'];
  const features = unemulatedSettings(logicalId, resource, HANDLED, DESCRIPTIONS);
  const filterPatterns = applicableFilterPatterns(logicalId, resource.Type, filterCriteria, features);

  const plan: LocalEventSourceMappingPlan = {
    logicalId,
    enabled: resolve('Enabled') !== false && resolve('Enabled') !== 'false',
    functionLogicalId: target.logicalId,
    functionName: target.functionName,
    streamLogicalId: stream.logicalId,
    streamName: stream.streamName,
    streamArn: stream.streamArn,
    // Lambda's documented defaults for a Kinesis source.
    batchSize: number('BatchSize', 100),
    maximumBatchingWindowInSeconds: number('MaximumBatchingWindowInSeconds', 0),
    startingPosition: startingPosition as LocalEventSourceMappingPlan['startingPosition'],
    ...(properties.StartingPositionTimestamp === undefined ? {} : { startingPositionTimestamp: number('StartingPositionTimestamp', 0) }),
    parallelizationFactor: number('ParallelizationFactor', 1),
    bisectBatchOnFunctionError: String(resolve('BisectBatchOnFunctionError') ?? false) === 'true',
    maximumRetryAttempts: number('MaximumRetryAttempts', -1),
    maximumRecordAgeInSeconds: number('MaximumRecordAgeInSeconds', -1),
    functionResponseTypes,
    reportBatchItemFailures: functionResponseTypes.includes('ReportBatchItemFailures'),
    ...(destination === undefined ? {} : { onFailureDestination: onFailureBucket(logicalId, destination, targets.buckets) }),
    tumblingWindowInSeconds: number('TumblingWindowInSeconds', 0),
    ...(filterCriteria === undefined ? {} : { filterCriteria }),
    ...(filterPatterns === undefined ? {} : { filterPatterns }),
  };
  if (plan.startingPosition === 'AT_TIMESTAMP' && plan.startingPositionTimestamp === undefined) {
    throw new TemplateError(`event source mapping ${logicalId} starts AT_TIMESTAMP but has no StartingPositionTimestamp`);
  }
  return { plan, features };
}

/**
 * The patterns of `FilterCriteria` when the local mapping can apply them all. A pattern
 * Lambda would refuse fails the plan; one with a matcher not emulated is listed in
 * `features` (never silently ignored), and then no filter is applied.
 */
function applicableFilterPatterns(
  logicalId: string,
  type: string,
  filterCriteria: LocalEventSourceMappingPlan['filterCriteria'],
  features: NotEmulatedFeature[],
): string[] | undefined {
  const patterns = (filterCriteria?.Filters ?? []).map((filter) => filter.Pattern ?? '');
  if (patterns.length === 0) return undefined;
  try {
    recordFilter(patterns);
  } catch (error) {
    if (error instanceof UnsupportedMappingSettingError) {
      features.push({ logicalId, type, feature: `FilterCriteria (${error.message}; no filter is applied, every record is delivered)` });
      return undefined;
    }
    if (error instanceof InvalidMappingSettingError)
      throw new TemplateError(`FilterCriteria of event source mapping ${logicalId}: ${error.message}`);
    throw error;
  }
  return patterns;
}

function onFailureBucket(logicalId: string, destination: unknown, buckets: readonly LocalBucketPlan[]) {
  const bucket = buckets.find((candidate) => candidate.bucketArn === destination);
  if (!bucket) {
    throw new TemplateError(
      `the on-failure destination ${String(destination)} of event source mapping ${logicalId} is not an S3 bucket of this template; the local runtime delivers failed batches to S3 buckets only`,
    );
  }
  return { arn: bucket.bucketArn, bucketLogicalId: bucket.logicalId, bucketName: bucket.bucketName };
}
