/** The resources of a stack, as its outputs name them (docs/contract.md §4). */
export interface StackResources {
  /** Output `StreamName`. */
  readonly streamName: string;
  /** Output `StreamArn`, if the template has it. */
  readonly streamArn?: string;
  /** Output `AggregatesTableName`. */
  readonly aggregatesTable: string;
  /** Output `CheckpointTableName`. */
  readonly checkpointTable: string;
  /** Output `QuarantineName`. */
  readonly quarantineBucket: string;
  /** Output `AlarmTopicArn`, if the template has it. */
  readonly alarmTopicArn?: string;
  /** Output `DashboardName`, if the template has it. */
  readonly dashboardName?: string;
}

/** Each resource field and the stack output it comes from. */
const OUTPUT_OF = {
  streamName: 'StreamName',
  streamArn: 'StreamArn',
  aggregatesTable: 'AggregatesTableName',
  checkpointTable: 'CheckpointTableName',
  quarantineBucket: 'QuarantineName',
  alarmTopicArn: 'AlarmTopicArn',
  dashboardName: 'DashboardName',
} as const;
const REQUIRED = ['streamName', 'aggregatesTable', 'checkpointTable', 'quarantineBucket'] as const;

/**
 * Finds a stack's resources through its outputs, the same way on every
 * target: a deployed stack's CloudFormation outputs, or the local stack's
 * template outputs resolved to local names.
 *
 * @returns the resources, or the name of the first required output that is missing.
 */
export function stackResourcesFromOutputs(outputs: Readonly<Record<string, string>>): StackResources | { readonly missingOutput: string } {
  const missing = REQUIRED.find((field) => !outputs[OUTPUT_OF[field]]);
  if (missing) return { missingOutput: OUTPUT_OF[missing] };
  const resources: Record<string, string> = {};
  for (const [field, output] of Object.entries(OUTPUT_OF)) {
    if (outputs[output]) resources[field] = outputs[output];
  }
  return resources as unknown as StackResources;
}
