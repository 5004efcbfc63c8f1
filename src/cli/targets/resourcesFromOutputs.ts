import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { UserError } from '../UserError';
import { stackResourcesFromOutputs, type StackResources } from '../../stack/stackResourcesFromOutputs';

/** Maps stack outputs to resources, naming the first one missing. */
export function resourcesFromOutputs(stackName: string, outputs: Readonly<Record<string, string>>, howToDeploy: string): StackResources {
  const found = stackResourcesFromOutputs(outputs);
  if ('missingOutput' in found) throw new UserError(`stack ${stackName} has no output ${found.missingOutput}; ${howToDeploy}`);
  return found;
}

/** Reads a deployed stack's outputs through CloudFormation; a missing stack is one line naming what to run. */
export async function describeStackOutputs(client: CloudFormationClient, stackName: string, howToDeploy: string): Promise<Record<string, string>> {
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    return Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']));
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'ValidationError') throw new UserError(`stack ${stackName} does not exist; ${howToDeploy}`, 2, { cause: error });
    if (name === 'CredentialsProviderError') throw new UserError(`no AWS credentials found (${(error as Error).message.split('\n')[0]})`, 2, { cause: error });
    throw error;
  }
}
