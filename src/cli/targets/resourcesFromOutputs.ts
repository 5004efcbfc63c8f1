import { type CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { stackResourcesFromOutputs, type StackResources } from '../../stack/stackResourcesFromOutputs';
import { UserError } from '../errors';

/** Maps stack outputs to resources, naming the first one missing. */
export function resourcesFromOutputs(stackName: string, outputs: Readonly<Record<string, string>>, howToDeploy: string): StackResources {
  const found = stackResourcesFromOutputs(outputs);
  if ('missingOutput' in found) throw new UserError(`stack ${stackName} has no output ${found.missingOutput}; ${howToDeploy}`);
  return found;
}

/** What {@link describeStack} finds out about a deployed stack. */
export interface DeployedStack {
  readonly outputs: Record<string, string>;
  /** The stack's id, `arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>`. */
  readonly stackId?: string;
  /** The account in the stack id. */
  readonly account?: string;
}

/**
 * Reads a deployed stack's outputs and id through CloudFormation. A missing stack
 * or missing credentials is one line naming what to do; anything else is rethrown.
 *
 * @param where how the target was reached, for the message (`in us-east-1`)
 */
export async function describeStack(
  client: CloudFormationClient,
  stackName: string,
  howToDeploy: string,
  where = '',
): Promise<DeployedStack> {
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks?.[0];
    const outputs = Object.fromEntries((stack?.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']));
    const stackId = stack?.StackId;
    const account = stackId?.split(':')[4] || undefined;
    return { outputs, ...(stackId ? { stackId } : {}), ...(account ? { account } : {}) };
  } catch (error) {
    const name = (error as Error).name;
    const suffix = where ? ` ${where}` : '';
    if (name === 'ValidationError') throw new UserError(`stack ${stackName} does not exist${suffix}; ${howToDeploy}`, 2, { cause: error });
    if (name === 'CredentialsProviderError')
      throw new UserError(`no AWS credentials found (${firstLine((error as Error).message)})`, 2, { cause: error });
    if (name === 'ExpiredToken' || name === 'ExpiredTokenException')
      throw new UserError(`the AWS credentials have expired (${firstLine((error as Error).message)}); renew them`, 2, { cause: error });
    throw error;
  }
}

/** Reads a deployed stack's outputs through CloudFormation; a missing stack is one line naming what to run. */
export async function describeStackOutputs(
  client: CloudFormationClient,
  stackName: string,
  howToDeploy: string,
): Promise<Record<string, string>> {
  return (await describeStack(client, stackName, howToDeploy)).outputs;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}
