import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  checkE2eSettings,
  E2eRefusal,
  parseE2eArgs,
  resolveE2eTarget,
  settingsFromEnv,
  settingsToEnv,
  targetFlags,
  type E2eSettings,
} from '../../e2e/support/e2eSettings';
import { newRunId, planRunEvents } from '../../e2e/support/runEvents';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const cloudFormation = mockClient(CloudFormationClient);
afterEach(() => cloudFormation.reset());
afterAll(() => cloudFormation.restore());

const OUTPUTS = { StreamName: 's', AggregatesTableName: 'a', CheckpointTableName: 'c', QuarantineName: 'q' };
const stackIn = (account: string) => ({
  Stacks: [
    {
      StackName: 'Streamtally-dev',
      StackId: `arn:aws:cloudformation:eu-west-1:${account}:stack/Streamtally-dev/0f0e0d0c`,
      CreationTime: new Date(0),
      StackStatus: 'CREATE_COMPLETE' as const,
      Outputs: Object.entries(OUTPUTS).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    },
  ],
});

function refusal(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(E2eRefusal);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('npm run test:e2e flags', () => {
  it('default to the local target, stage dev', () => {
    expect(parseE2eArgs([])).toEqual({ target: 'local', stage: 'dev' });
    expect(parseE2eArgs(['--target', 'aws', '--stage', 'prod', '--region', 'eu-west-1', '--i-mean-it-account', '123456789012'])).toEqual({
      target: 'aws',
      stage: 'prod',
      region: 'eu-west-1',
      account: '123456789012',
    });
  });

  it('refuse an unknown flag or target in one line', () => {
    expect(refusal(() => parseE2eArgs(['--i-mean-it', '123456789012']))).toMatch(
      /^Unknown option '--i-mean-it'; usage: npm run test:e2e -- /,
    );
    expect(refusal(() => parseE2eArgs(['--target', 'production']))).toBe('--target must be local, localstack or aws, got "production"');
  });

  it('reach vitest as environment variables, and without them the target is local', () => {
    const settings: E2eSettings = { target: 'localstack', stage: 'e2e', endpoint: 'http://localhost:4566' };
    expect(settingsToEnv(settings)).toEqual({
      STREAMTALLY_E2E_TARGET: 'localstack',
      STREAMTALLY_E2E_STAGE: 'e2e',
      STREAMTALLY_E2E_ENDPOINT: 'http://localhost:4566',
    });
    expect(settingsFromEnv(settingsToEnv(settings))).toEqual(settings);
    expect(settingsFromEnv({})).toEqual({ target: 'local', stage: 'dev' });
  });

  it('point the CLI at the same target', () => {
    expect(targetFlags({ target: 'local', stage: 'dev' })).toEqual(['--target', 'local']);
    expect(targetFlags({ target: 'localstack', stage: 'e2e', endpoint: 'http://localhost:4566' })).toEqual([
      '--target',
      'localstack',
      '--stage',
      'e2e',
      '--endpoint',
      'http://localhost:4566',
    ]);
    expect(targetFlags({ target: 'aws', stage: 'dev', region: 'eu-west-1', account: '123456789012' })).toEqual([
      '--target',
      'aws',
      '--stage',
      'dev',
      '--region',
      'eu-west-1',
    ]);
  });
});

describe('the e2e suite refuses a target that is not on this machine unless a flag names it', () => {
  it.each<[string, E2eSettings, Record<string, string>, RegExp]>([
    [
      'LocalStack without --endpoint',
      { target: 'localstack', stage: 'dev' },
      {},
      /^refusing to run against LocalStack without --endpoint naming it/,
    ],
    [
      'an AWS endpoint as LocalStack',
      { target: 'localstack', stage: 'dev', endpoint: 'https://dynamodb.us-east-1.amazonaws.com' },
      {},
      /is AWS, not LocalStack; use --target aws$/,
    ],
    ['an endpoint that is not a URL', { target: 'localstack', stage: 'dev', endpoint: 'localhost' }, {}, /^--endpoint must be a URL/],
    [
      'AWS without --i-mean-it-account',
      { target: 'aws', stage: 'prod', region: 'eu-west-1' },
      {},
      /^refusing to run against AWS without --i-mean-it-account <account id>: the suite writes events to Streamtally-prod/,
    ],
    [
      'a malformed account',
      { target: 'aws', stage: 'dev', region: 'eu-west-1', account: '1234-5678-9012' },
      {},
      /^--i-mean-it-account must be a 12-digit AWS account id/,
    ],
    [
      'AWS without a region',
      { target: 'aws', stage: 'dev', account: '123456789012' },
      {},
      /^no AWS region: pass --region or set AWS_REGION$/,
    ],
    [
      'an account for LocalStack',
      { target: 'localstack', stage: 'dev', endpoint: 'http://localhost:4566', account: '123456789012' },
      {},
      /^--i-mean-it-account is for --target aws/,
    ],
    [
      'an endpoint for AWS',
      { target: 'aws', stage: 'dev', region: 'eu-west-1', account: '123456789012', endpoint: 'http://localhost:4566' },
      {},
      /^--endpoint is for --target localstack/,
    ],
  ])('refuses %s', (_case, settings, env, message) => {
    expect(refusal(() => checkE2eSettings(settings, env))).toMatch(message);
  });

  it('accepts the local target, LocalStack named by --endpoint, AWS named by --i-mean-it-account with a region', () => {
    expect(() => checkE2eSettings({ target: 'local', stage: 'dev' }, {})).not.toThrow();
    expect(() => checkE2eSettings({ target: 'localstack', stage: 'dev', endpoint: 'http://localhost:4566' }, {})).not.toThrow();
    expect(() => checkE2eSettings({ target: 'aws', stage: 'dev', account: '123456789012' }, { AWS_REGION: 'eu-west-1' })).not.toThrow();
  });

  it('refuses AWS when the stack it finds is in another account than the flag names', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves(stackIn('210987654321'));
    const error = await resolveE2eTarget({ target: 'aws', stage: 'dev', region: 'eu-west-1', account: '123456789012' }, { env: {} }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(E2eRefusal);
    expect((error as Error).message).toBe(
      'refusing: Streamtally-dev in eu-west-1 is in account 210987654321, not 123456789012 named by --i-mean-it-account',
    );
  });

  it('runs against AWS when the stack is in the account the flag names', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves(stackIn('123456789012'));
    const target = await resolveE2eTarget({ target: 'aws', stage: 'dev', region: 'eu-west-1', account: '123456789012' }, { env: {} });
    expect(target).toMatchObject({ name: 'aws', account: '123456789012', stackName: 'Streamtally-dev' });
  });

  it('refuses before asking AWS anything when the flag is missing', async () => {
    await expect(resolveE2eTarget({ target: 'aws', stage: 'dev', region: 'eu-west-1' }, { env: {} })).rejects.toThrow(E2eRefusal);
    expect(cloudFormation.calls()).toHaveLength(0);
  });

  it('npm run test:e2e -- --target aws exits 2 with one line, before vitest starts', () => {
    const result = spawnSync(
      process.execPath,
      [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/e2e.ts', '--target', 'aws', '--region', 'eu-west-1'],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim()).toMatch(/^e2e: refusing to run against AWS without --i-mean-it-account <account id>/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe("the run's events", () => {
  it('are namespaced by the run id and fall in one window of each granularity', () => {
    const now = Date.parse('2026-11-26T12:00:10.000Z');
    const run = planRunEvents(newRunId(now), now);
    expect(run.type).toMatch(/^e2e_[a-z0-9]+$/);
    expect(run.minuteStartMs).toBe(Date.parse('2026-11-26T11:59:00.000Z'));
    for (const record of [...run.sdkRecords, ...run.badRecords]) expect(Buffer.from(record.Data).toString()).toContain(run.runId);
    for (const line of run.ndjson.trim().split('\n')) expect(line).toContain(run.runId);
    expect(run.expectedRows['1m'].map((row) => [row.key, row.windowStart, row.count, row.sum, row.min, row.max])).toEqual([
      ['/a', '2026-11-26T11:59:00.000Z', 15, 15, 1, 1],
      ['/b', '2026-11-26T11:59:00.000Z', 10, 20, 2, 2],
      ['/c', '2026-11-26T11:59:00.000Z', 5, 10.5, 0.5, 4],
    ]);
    expect(run.expectedRows['1h'][0]!.windowStart).toBe('2026-11-26T11:00:00.000Z');
    expect(run.expectedRows['1d'][0]!.windowStart).toBe('2026-11-26T00:00:00.000Z');
    // 15 + a retry of /a's first event, then late, future and invalid.
    expect(run.sdkRecords).toHaveLength(16);
    expect(run.sdkRecords[15]!.Data).toEqual(run.sdkRecords[0]!.Data);
    expect(run.expectedQuarantine.map((record) => record.reason)).toEqual(['future', 'invalid', 'late']);
  });
});
