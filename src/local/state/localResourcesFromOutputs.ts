import type { LocalStackResources } from './LocalState';
import { LocalStateError } from './LocalStateError';

/** Each resource field and the template output (CONTRACT.md §4) it comes from. */
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
 * The local stack's resources from the template's outputs resolved to local values
 * (`plan.outputs`), so that commands on the local target find them the way they do on
 * AWS: through the outputs.
 * @throws {@link LocalStateError} naming the first required output the template lacks
 */
export function localResourcesFromOutputs(outputs: Readonly<Record<string, string>>): LocalStackResources {
  const missing = REQUIRED.find((field) => !outputs[OUTPUT_OF[field]]);
  if (missing) throw new LocalStateError('malformed', `the template has no output ${OUTPUT_OF[missing]}; the local stack cannot find its resources without it`);
  const resources: Record<string, string> = {};
  for (const [field, output] of Object.entries(OUTPUT_OF)) {
    if (outputs[output]) resources[field] = outputs[output];
  }
  return resources as unknown as LocalStackResources;
}
