import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main';
import {
  deployCommand,
  LOCALSTACK_CREDENTIALS,
  networkErrorCode,
  resolveTarget,
  type TargetFlags,
} from '../../../src/cli/targets/resolveTarget';
import { UserError } from '../../../src/cli/errors';

const cloudFormation = mockClient(CloudFormationClient);
afterEach(() => cloudFormation.reset());
afterAll(() => cloudFormation.restore());

const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Streamtally-dev/0f0e0d0c-0000-4000-8000-000000000000';
const OUTPUTS = {
  StreamName: 'Streamtally-dev-EventStream',
  StreamArn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/Streamtally-dev-EventStream',
  AggregatesTableName: 'Streamtally-dev-Aggregates',
  CheckpointTableName: 'Streamtally-dev-Checkpoints',
  QuarantineName: 'streamtally-dev-quarantine',
  AlarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:Streamtally-dev-AlarmTopic',
  DashboardName: 'streamtally-dev',
};
const stackWith = (outputs: Record<string, string>) => ({
  Stacks: [
    {
      StackName: 'Streamtally-dev',
      StackId: STACK_ID,
      CreationTime: new Date(0),
      StackStatus: 'CREATE_COMPLETE' as const,
      Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    },
  ],
});
/** What DescribeStacks answers for a stack that is not there. */
const noSuchStack = (name: string) => Object.assign(new Error(`Stack with id ${name} does not exist`), { name: 'ValidationError' });
const NO_ENV = {};

/** The one-line message of the UserError `resolveTarget` throws. */
async function refusal(flags: TargetFlags, env: Record<string, string> = NO_ENV): Promise<string> {
  const error = await resolveTarget(flags, { env }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, 'resolveTarget should have refused').toBeInstanceOf(UserError);
  const message = (error as UserError).message;
  expect(message).not.toContain('\n');
  return message;
}

describe('resolveTarget --target aws', () => {
  it('finds every resource through the outputs of Streamtally-<stage>, with the account of the stack id', async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Streamtally-dev' }).resolves(stackWith(OUTPUTS));
    const target = await resolveTarget({ target: 'aws', region: 'eu-west-1' }, { env: NO_ENV });
    expect(target).toMatchObject({ name: 'aws', region: 'eu-west-1', stackName: 'Streamtally-dev', account: '123456789012' });
    expect(target.resources).toEqual({
      streamName: OUTPUTS.StreamName,
      streamArn: OUTPUTS.StreamArn,
      aggregatesTable: OUTPUTS.AggregatesTableName,
      checkpointTable: OUTPUTS.CheckpointTableName,
      quarantineBucket: OUTPUTS.QuarantineName,
      alarmTopicArn: OUTPUTS.AlarmTopicArn,
      dashboardName: OUTPUTS.DashboardName,
    });
    expect(await target.kinesis.config.region()).toBe('eu-west-1');
  });

  it('takes the region from AWS_REGION, then AWS_DEFAULT_REGION', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves(stackWith(OUTPUTS));
    expect((await resolveTarget({ target: 'aws' }, { env: { AWS_REGION: 'eu-central-1', AWS_DEFAULT_REGION: 'us-west-2' } })).region).toBe(
      'eu-central-1',
    );
    expect((await resolveTarget({ target: 'aws' }, { env: { AWS_DEFAULT_REGION: 'us-west-2' } })).region).toBe('us-west-2');
  });

  it('refuses without a region', async () => {
    expect(await refusal({ target: 'aws' })).toBe('no AWS region: pass --region or set AWS_REGION');
    expect(cloudFormation.calls()).toHaveLength(0);
  });

  it('says how to deploy a missing stack, with the stage and the region', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(noSuchStack('Streamtally-prod'));
    expect(await refusal({ target: 'aws', stage: 'prod', region: 'us-east-1' })).toBe(
      'stack Streamtally-prod does not exist in us-east-1; deploy it with `npx cdk deploy -c stage=prod` (or -c config=<file>), or pass the --region it is in',
    );
    expect(await refusal({ target: 'aws', region: 'us-east-1' })).toMatch(
      /^stack Streamtally-dev does not exist in us-east-1; deploy it with `npx cdk deploy` /,
    );
  });

  it('names a missing output', async () => {
    const { QuarantineName: _dropped, ...rest } = OUTPUTS;
    cloudFormation.on(DescribeStacksCommand).resolves(stackWith(rest));
    expect(await refusal({ target: 'aws', region: 'eu-west-1' })).toBe(
      'stack Streamtally-dev has no output QuarantineName; deploy it again with `npx cdk deploy`',
    );
  });

  it('says when there are no credentials, in one line', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(
        Object.assign(new Error('Could not load credentials from any providers\nmore detail'), { name: 'CredentialsProviderError' }),
      );
    expect(await refusal({ target: 'aws', region: 'eu-west-1' })).toBe(
      'no AWS credentials found (Could not load credentials from any providers)',
    );
  });

  it('says when CloudFormation cannot be reached', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('getaddrinfo ENOTFOUND cloudformation.eu-west-1.amazonaws.com'), { code: 'ENOTFOUND' }));
    expect(await refusal({ target: 'aws', region: 'eu-west-1' })).toBe('cannot reach CloudFormation in eu-west-1 (ENOTFOUND)');
  });

  it('lets any other error through as a bug', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(new TypeError('boom'));
    await expect(resolveTarget({ target: 'aws', region: 'eu-west-1' }, { env: NO_ENV })).rejects.toThrow(TypeError);
  });
});

describe('resolveTarget --target localstack', () => {
  it('finds the resources through the stack outputs on LocalStack and points every client at its endpoint', async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Streamtally-e2e' }).resolves(stackWith(OUTPUTS));
    const target = await resolveTarget({ target: 'localstack', stage: 'e2e', endpoint: 'http://127.0.0.1:4566' }, { env: NO_ENV });
    expect(target).toMatchObject({
      name: 'localstack',
      region: 'us-east-1',
      stackName: 'Streamtally-e2e',
      endpoint: 'http://127.0.0.1:4566',
    });
    expect(target.resources.streamName).toBe(OUTPUTS.StreamName);
    for (const client of [target.kinesis, target.dynamo, target.s3]) {
      const endpoint = await client.config.endpoint!();
      expect(`${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`).toBe('http://127.0.0.1:4566');
    }
    expect(await target.s3.config.forcePathStyle).toBe(true);
    for (const client of [target.kinesis, target.dynamo, target.s3])
      expect(await client.config.credentials()).toMatchObject(LOCALSTACK_CREDENTIALS);
  });

  it('falls back to AWS_ENDPOINT_URL, then http://localhost:4566', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves(stackWith(OUTPUTS));
    expect((await resolveTarget({ target: 'localstack' }, { env: { AWS_ENDPOINT_URL: 'http://localstack:4566' } })).endpoint).toBe(
      'http://localstack:4566',
    );
    expect((await resolveTarget({ target: 'localstack' }, { env: NO_ENV })).endpoint).toBe('http://localhost:4566');
  });

  it('says how to deploy a missing stack to LocalStack', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(noSuchStack('Streamtally-dev'));
    expect(await refusal({ target: 'localstack' })).toBe(
      'stack Streamtally-dev does not exist on LocalStack at http://localhost:4566; deploy it with `npm run localstack:deploy`',
    );
    expect(await refusal({ target: 'localstack', stage: 'e2e' })).toMatch(/deploy it with `npm run localstack:deploy -- --stage e2e`$/);
  });

  it('names a missing output', async () => {
    const { StreamName: _dropped, ...rest } = OUTPUTS;
    cloudFormation.on(DescribeStacksCommand).resolves(stackWith(rest));
    expect(await refusal({ target: 'localstack' })).toBe(
      'stack Streamtally-dev has no output StreamName; deploy it with `npm run localstack:deploy`',
    );
  });

  it('says to start LocalStack when the connection is refused', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' }));
    expect(await refusal({ target: 'localstack' })).toBe(
      'LocalStack does not answer at http://localhost:4566 (ECONNREFUSED); start it with `docker compose up -d --wait` (see docs/targets.md)',
    );
  });
});

describe('resolveTarget --target local', () => {
  it('says to start the local stack when there is no state file', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'streamtally-target-'));
    try {
      const error = await resolveTarget({ target: 'local' }, { projectRoot: empty }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).message).toBe('no local stack is running; start one with `streamtally local up`');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('refuses an unknown target', async () => {
    expect(await refusal({ target: 'prod' })).toBe('--target must be local, localstack or aws, got "prod"');
  });
});

describe('deployCommand and networkErrorCode', () => {
  it('name the command for a stage', () => {
    expect(deployCommand('aws')).toBe('npx cdk deploy');
    expect(deployCommand('aws', 'prod')).toBe('npx cdk deploy -c stage=prod');
    expect(deployCommand('localstack')).toBe('npm run localstack:deploy');
    expect(deployCommand('localstack', 'e2e')).toBe('npm run localstack:deploy -- --stage e2e');
  });

  it('find a connection failure, also inside an AggregateError', () => {
    expect(networkErrorCode(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
    expect(networkErrorCode(new AggregateError([Object.assign(new Error('x'), { code: 'EHOSTUNREACH' })]))).toBe('EHOSTUNREACH');
    expect(networkErrorCode(Object.assign(new Error('x'), { code: 'AccessDenied' }))).toBeUndefined();
    expect(networkErrorCode(undefined)).toBeUndefined();
  });
});

describe('every command that reads the stack resolves its target the same way', () => {
  it.each([
    ['produce', ['produce', '--rate', '1', '--duration', '1']],
    ['query', ['query', '--type', 'page_view']],
    ['offsets', ['offsets']],
    ['quarantine list', ['quarantine', 'list']],
    ['quarantine redrive', ['quarantine', 'redrive']],
  ])('%s --target aws: a missing stack is one line on stderr and exit code 2', async (_name, argv) => {
    cloudFormation.on(DescribeStacksCommand).rejects(noSuchStack('Streamtally-prod'));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const stdout: string[] = [];
    try {
      const code = await main([...argv, '--target', 'aws', '--stage', 'prod', '--region', 'eu-west-1'], (text) => stdout.push(text) > 0);
      expect(code).toBe(2);
      expect(stderr.mock.calls.map(([text]) => String(text))).toEqual([
        'streamtally: stack Streamtally-prod does not exist in eu-west-1; deploy it with `npx cdk deploy -c stage=prod` (or -c config=<file>), or pass the --region it is in\n',
      ]);
      expect(stdout).toEqual([]);
      expect(cloudFormation.commandCalls(DescribeStacksCommand, { StackName: 'Streamtally-prod' })).toHaveLength(1);
    } finally {
      stderr.mockRestore();
    }
  });
});
