import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { localClients, type LocalClients } from '../../local/emulators/localClients';
import { readLocalStateForCli } from './localTarget';
import { describeStack, resourcesFromOutputs } from './resourcesFromOutputs';
import { TargetName, type Target } from './Target';
import { UserError } from '../errors';

/** LocalStack's edge endpoint when none is given. */
export const LOCALSTACK_ENDPOINT = 'http://localhost:4566';
/** The credentials every LocalStack request carries (LocalStack's default account, 000000000000). */
export const LOCALSTACK_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;
/** The stage when `--stage` is not given. */
export const DEFAULT_STAGE = 'dev';

/** The flags that choose a target. */
export interface TargetFlags {
  readonly target?: string;
  readonly stage?: string;
  readonly region?: string;
  readonly endpoint?: string;
}

/** Where the target is looked for, besides the flags. */
export interface ResolveTargetOptions {
  /** The project whose `.streamtally/local.json` the `local` target reads. @default process.cwd() */
  readonly projectRoot?: string;
  /** The environment the region and LocalStack endpoint fall back to. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** `Streamtally-<stage>`, the stack `bin/app.ts` synthesizes for a stage. */
export function stackNameOf(stage: string = DEFAULT_STAGE): string {
  return `Streamtally-${stage}`;
}

/** The command that deploys a stage's stack to a target, for messages. */
export function deployCommand(target: 'localstack' | 'aws', stage: string = DEFAULT_STAGE): string {
  const staged = stage === DEFAULT_STAGE ? '' : ` --stage ${stage}`;
  if (target === 'localstack') return `npm run localstack:deploy${staged ? ` --${staged}` : ''}`;
  return `npx cdk deploy${stage === DEFAULT_STAGE ? '' : ` -c stage=${stage}`}`;
}

/** A CloudFormation client for a target, as {@link resolveTarget} makes it. */
export function cloudFormationClient(target: 'localstack' | 'aws', region: string, endpoint?: string): CloudFormationClient {
  if (target === 'aws') return new CloudFormationClient({ region });
  return new CloudFormationClient({ region, endpoint, credentials: LOCALSTACK_CREDENTIALS, requestHandler: new NodeHttpHandler() });
}

/**
 * Resolves `--target`: the local stack through its state file, LocalStack and
 * AWS through the CloudFormation outputs of `Streamtally-<stage>`
 * (docs/contract.md §3–§4), with the region and credentials of the usual AWS SDK
 * chain (LocalStack takes any credentials). Every way this can fail for a
 * reason the user can fix is one line saying what to run.
 */
export async function resolveTarget(flags: TargetFlags, options: ResolveTargetOptions = {}): Promise<Target> {
  const env = options.env ?? process.env;
  const name = flags.target ?? TargetName.local;
  const stage = flags.stage ?? DEFAULT_STAGE;
  const stackName = stackNameOf(stage);
  if (name === TargetName.local) {
    const state = readLocalStateForCli(options.projectRoot ?? process.cwd());
    const clients = targetClients(localClients(state.endpoints, { region: state.region }));
    return { name, region: state.region, stackName: state.stackName, resources: state.resources, ...clients };
  }
  if (name === TargetName.localstack) {
    const endpoint = flags.endpoint ?? env.AWS_ENDPOINT_URL ?? LOCALSTACK_ENDPOINT;
    const region = flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
    const howToDeploy = `deploy it with \`${deployCommand('localstack', stage)}\``;
    const stack = await describeStack(
      cloudFormationClient('localstack', region, endpoint),
      stackName,
      howToDeploy,
      `on LocalStack at ${endpoint}`,
    ).catch((error: unknown) => {
      const code = networkErrorCode(error);
      if (code)
        throw new UserError(
          `LocalStack does not answer at ${endpoint} (${code}); start it with \`docker compose up -d --wait\` (see docs/targets.md)`,
          2,
          { cause: error },
        );
      throw error;
    });
    const resources = resourcesFromOutputs(stackName, stack.outputs, howToDeploy);
    const clients = targetClients(
      localClients({ kinesis: endpoint, dynamodb: endpoint, s3: endpoint }, { region, credentials: LOCALSTACK_CREDENTIALS }),
    );
    return { name, region, stackName, endpoint, resources, ...(stack.account ? { account: stack.account } : {}), ...clients };
  }
  if (name === TargetName.aws) {
    const region = flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!region) throw new UserError('no AWS region: pass --region or set AWS_REGION');
    const howToDeploy = `deploy it with \`${deployCommand('aws', stage)}\` (or -c config=<file>), or pass the --region it is in`;
    const stack = await describeStack(cloudFormationClient('aws', region), stackName, howToDeploy, `in ${region}`).catch(
      (error: unknown) => {
        const code = networkErrorCode(error);
        if (code) throw new UserError(`cannot reach CloudFormation in ${region} (${code})`, 2, { cause: error });
        throw error;
      },
    );
    const resources = resourcesFromOutputs(stackName, stack.outputs, `deploy it again with \`${deployCommand('aws', stage)}\``);
    return {
      name,
      region,
      stackName,
      resources,
      ...(stack.account ? { account: stack.account } : {}),
      dynamo: new DynamoDBClient({ region }),
      kinesis: new KinesisClient({ region }),
      s3: new S3Client({ region }),
    };
  }
  throw new UserError(`--target must be local, localstack or aws, got "${name}"`);
}

/** The emulator clients under the names a {@link Target} gives them. */
function targetClients({ dynamodb, kinesis, s3 }: LocalClients): Pick<Target, 'dynamo' | 'kinesis' | 's3'> {
  return { dynamo: dynamodb, kinesis, s3 };
}

const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET']);

/** The code of a connection failure (`ECONNREFUSED`, …), also inside an AggregateError; undefined for anything else. */
export function networkErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return code;
  const inner = (error as { errors?: unknown } | undefined)?.errors;
  if (Array.isArray(inner)) for (const item of inner) if (networkErrorCode(item)) return networkErrorCode(item);
  return undefined;
}
