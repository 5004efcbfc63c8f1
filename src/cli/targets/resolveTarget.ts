import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { readLocalStateForCli } from './localTarget';
import { awsClients } from './awsClients';
import { describeStackOutputs, resourcesFromOutputs } from './resourcesFromOutputs';
import { TargetName, type Target } from './Target';
import { UserError } from '../UserError';

/** LocalStack's edge endpoint when none is given. */
export const LOCALSTACK_ENDPOINT = 'http://localhost:4566';

/** The flags that choose a target. */
export interface TargetFlags {
  readonly target?: string;
  readonly stage?: string;
  readonly region?: string;
  readonly endpoint?: string;
}

/**
 * Resolves `--target`: the local stack through its state file, LocalStack and
 * AWS through the CloudFormation outputs of `Streamtally-<stage>`
 * (CONTRACT.md §3–4), with the region and credentials of the usual AWS SDK
 * chain (LocalStack takes any credentials).
 */
export async function resolveTarget(flags: TargetFlags): Promise<Target> {
  const name = flags.target ?? TargetName.local;
  const stackName = `Streamtally-${flags.stage ?? 'dev'}`;
  if (name === TargetName.local) {
    const state = readLocalStateForCli();
    const clients = awsClients({ region: state.region, endpoints: state.endpoints, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    return { name, region: state.region, resources: state.resources, ...clients };
  }
  if (name === TargetName.localstack) {
    const endpoint = flags.endpoint ?? process.env.AWS_ENDPOINT_URL ?? LOCALSTACK_ENDPOINT;
    const region = flags.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
    const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
    const cloudFormation = new CloudFormationClient({ region, endpoint, credentials, requestHandler: new NodeHttpHandler() });
    const outputs = await describeStackOutputs(cloudFormation, stackName, 'deploy it with `npm run localstack:deploy`').catch((error) => {
      if ((error as { code?: string }).code === 'ECONNREFUSED') throw new UserError(`LocalStack does not answer at ${endpoint}; start it with \`docker compose up -d\``);
      throw error;
    });
    const resources = resourcesFromOutputs(stackName, outputs, 'deploy it with `npm run localstack:deploy`');
    return { name, region, resources, ...awsClients({ region, endpoints: { kinesis: endpoint, dynamodb: endpoint, s3: endpoint }, credentials }) };
  }
  if (name === TargetName.aws) {
    const region = flags.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) throw new UserError('no AWS region: pass --region or set AWS_REGION');
    const outputs = await describeStackOutputs(new CloudFormationClient({ region }), stackName, `deploy it with \`npx cdk deploy ${stackName}\``);
    const resources = resourcesFromOutputs(stackName, outputs, `deploy it with \`npx cdk deploy ${stackName}\``);
    return { name, region, resources, ...awsClients({ region }) };
  }
  throw new UserError(`--target must be local, localstack or aws, got "${name}"`);
}
