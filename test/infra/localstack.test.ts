import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_ENDPOINT, DEFAULT_S3_ENDPOINT, LocalStackScriptError, parseScriptArgs, planLocalStack } from '../../scripts/localstack';
import { synthesizedAssembly } from '../unit/local/support/synthesizedAssembly';
import { synthesizedTemplate } from '../support/synthesizedTemplate';
import { readYamlSubset } from '../support/readYamlSubset';

const ROOT = path.resolve(__dirname, '..', '..');
const composeText = readFileSync(path.join(ROOT, 'compose.yaml'), 'utf8');

interface ComposeService {
  image: string;
  ports: string[];
  environment: Record<string, string>;
  volumes: string[];
  healthcheck?: { test: string[] };
}

describe('compose.yaml (LocalStack)', () => {
  const compose = readYamlSubset(composeText) as unknown as { services: Record<string, ComposeService> };
  const localstack = compose.services.localstack!;

  it('parses, with one service: localstack', () => {
    expect(Object.keys(compose.services)).toEqual(['localstack']);
  });

  it('names the image with an explicit tag, overridable by LOCALSTACK_IMAGE, and documents 4.14.0 as the image without a token', () => {
    expect(localstack.image).toMatch(/^\$\{LOCALSTACK_IMAGE:-localstack\/localstack:[\w.-]+\}$/);
    expect(composeText).toContain('LOCALSTACK_IMAGE=localstack/localstack:4.14.0');
    expect(readFileSync(path.join(ROOT, 'docs', 'targets.md'), 'utf8')).toContain('localstack/localstack:4.14.0');
  });

  it('takes LOCALSTACK_AUTH_TOKEN from the environment', () => {
    expect(localstack.environment.LOCALSTACK_AUTH_TOKEN).toMatch(/^\$\{LOCALSTACK_AUTH_TOKEN(:-)?\}$/);
  });

  it('exposes the edge port 4566 on the host', () => {
    expect(localstack.ports).toContainEqual(expect.stringMatching(/^(127\.0\.0\.1:)?4566:4566$/));
    expect(localstack.healthcheck?.test.join(' ')).toContain('http://localhost:4566/_localstack/health');
  });

  it('mounts the Docker socket, which LocalStack needs to run Lambda functions', () => {
    expect(localstack.volumes).toContain('/var/run/docker.sock:/var/run/docker.sock');
  });

  it('starts every service the synthesized template uses, and those cdk bootstrap and deploy call', () => {
    const services = new Set(localstack.environment.SERVICES!.split(','));
    const SERVICE_OF: Record<string, string> = {
      CloudWatch: 'cloudwatch',
      DynamoDB: 'dynamodb',
      IAM: 'iam',
      KMS: 'kms',
      Kinesis: 'kinesis',
      Lambda: 'lambda',
      Logs: 'logs',
      S3: 's3',
      SNS: 'sns',
    };
    const used = new Set<string>();
    for (const resource of Object.values(synthesizedTemplate().Resources ?? {})) {
      const namespace = (resource as { Type: string }).Type.split('::')[1]!;
      if (namespace === 'CDK') continue; // AWS::CDK::Metadata is not a resource anywhere
      expect(SERVICE_OF[namespace], `a LocalStack service for ${(resource as { Type: string }).Type}`).toBeDefined();
      used.add(SERVICE_OF[namespace]!);
    }
    for (const service of [...used, 'cloudformation', 'sts', 'ssm', 'iam', 's3', 'ecr']) expect(services, service).toContain(service);
  });
});

describe('npm run localstack:deploy / localstack:destroy', () => {
  const userEnv = {
    PATH: '/usr/bin',
    HOME: '/home/someone',
    AWS_PROFILE: 'production',
    AWS_ACCESS_KEY_ID: 'AKIAREALKEY',
    AWS_SECRET_ACCESS_KEY: 'real',
    AWS_SESSION_TOKEN: 'real',
    CDK_DEFAULT_ACCOUNT: '123456789012',
  };

  it('are scripts of package.json running scripts/localstack.ts', () => {
    const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['localstack:deploy']).toBe('tsx scripts/localstack.ts deploy');
    expect(scripts['localstack:destroy']).toBe('tsx scripts/localstack.ts destroy');
    expect(existsSync(path.join(ROOT, 'node_modules', '.bin', 'cdklocal')), 'aws-cdk-local is installed').toBe(true);
  });

  it('deploy: synthesizes once, bootstraps, then deploys the stack of the stage from that cdk.out', () => {
    const plan = planLocalStack(parseScriptArgs(['deploy', '--stage', 'e2e', '-c', 'shardCount=2']), userEnv);
    expect(plan.stackName).toBe('Streamtally-e2e');
    expect(plan.steps.map((step) => [step.bin, ...step.args].join(' '))).toEqual([
      'cdk synth --quiet -c stage=e2e -c shardCount=2',
      'cdklocal bootstrap --app cdk.out',
      'cdklocal deploy Streamtally-e2e --app cdk.out --require-approval never',
    ]);
  });

  it('destroy: synthesizes the stage and destroys its stack without asking', () => {
    const plan = planLocalStack(parseScriptArgs(['destroy']), userEnv);
    expect(plan.steps.map((step) => [step.bin, ...step.args].join(' '))).toEqual([
      'cdk synth --quiet -c stage=dev',
      'cdklocal destroy Streamtally-dev --app cdk.out --force',
    ]);
  });

  it("sets the endpoint variables cdklocal needs, LocalStack credentials, and drops the user's AWS profile and keys", () => {
    const { env } = planLocalStack({ action: 'deploy' }, userEnv);
    expect(env).toMatchObject({
      AWS_ENDPOINT_URL: DEFAULT_ENDPOINT,
      AWS_ENDPOINT_URL_S3: DEFAULT_S3_ENDPOINT,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ENVAR_ALLOWLIST: 'AWS_REGION,AWS_DEFAULT_REGION',
      PATH: '/usr/bin',
    });
    expect(env).not.toHaveProperty('AWS_PROFILE');
    expect(env).not.toHaveProperty('AWS_SESSION_TOKEN');
    expect(env).not.toHaveProperty('CDK_DEFAULT_ACCOUNT');
    expect(
      planLocalStack(
        { action: 'deploy', region: 'eu-west-1' },
        { AWS_ENDPOINT_URL: 'http://localstack:4566', AWS_ENDPOINT_URL_S3: 'http://s3.localstack:4566' },
      ).env,
    ).toMatchObject({
      AWS_ENDPOINT_URL: 'http://localstack:4566',
      AWS_ENDPOINT_URL_S3: 'http://s3.localstack:4566',
      AWS_REGION: 'eu-west-1',
    });
  });

  it.each<[string, () => unknown, RegExp]>([
    [
      'an AWS endpoint',
      () =>
        planLocalStack(
          { action: 'deploy' },
          { AWS_ENDPOINT_URL: 'https://cloudformation.us-east-1.amazonaws.com', AWS_ENDPOINT_URL_S3: 'https://s3.amazonaws.com' },
        ),
      /^refusing to run: .* is AWS, not LocalStack/,
    ],
    [
      'AWS_ENDPOINT_URL without AWS_ENDPOINT_URL_S3',
      () => planLocalStack({ action: 'deploy' }, { AWS_ENDPOINT_URL: 'http://localhost:4566' }),
      /^AWS_ENDPOINT_URL is set .* but AWS_ENDPOINT_URL_S3 is not/,
    ],
    ['a bad stage', () => planLocalStack({ action: 'deploy', stage: 'my stage' }, {}), /^--stage must be/],
    ['no action', () => parseScriptArgs([]), /^the action must be deploy or destroy/],
    ['an unknown flag', () => parseScriptArgs(['deploy', '--stag', 'x']), /^Unknown option '--stag'/],
    ['a context without =', () => parseScriptArgs(['deploy', '-c', 'shardCount']), /^-c takes key=value/],
  ])('refuse %s with one line', (_case, call, message) => {
    let error: unknown;
    try {
      call();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(LocalStackScriptError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('exits 2 with one line when LocalStack does not answer', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = spawnSync(
      process.execPath,
      [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/localstack.ts', 'deploy'],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, AWS_ENDPOINT_URL: endpoint, AWS_ENDPOINT_URL_S3: endpoint },
        timeout: 60_000,
      },
    );
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(
      `localstack: LocalStack does not answer at ${endpoint} (ECONNREFUSED); start it with \`docker compose up -d --wait\` (see docs/targets.md)`,
    );
  });

  describe("cdklocal with the plan's environment", () => {
    let server: Server | undefined;
    afterAll(() => server?.close());

    it("sends the CDK's requests to the LocalStack endpoint, signed with LocalStack's test credentials", async () => {
      // A stand-in for LocalStack that records each request: STS says account 000000000000,
      // CloudFormation says the bootstrap stack does not exist yet, and then refuses the change set.
      const requests: { service: string; action: string; accessKey: string }[] = [];
      server = createServer((request: IncomingMessage, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk.toString()));
        request.on('end', () => {
          const credential = /Credential=([^/]+)\/\d+\/[^/]+\/([^/]+)\//.exec(request.headers.authorization ?? '');
          requests.push({
            service: credential?.[2] ?? '?',
            action: /Action=(\w+)/.exec(body)?.[1] ?? '?',
            accessKey: credential?.[1] ?? '?',
          });
          response.setHeader('content-type', 'text/xml');
          if (body.includes('Action=GetCallerIdentity')) {
            response.end(
              '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::000000000000:root</Arn><UserId>000000000000</UserId><Account>000000000000</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
            );
            return;
          }
          response.statusCode = 400;
          response.end(
            '<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id CDKToolkit does not exist</Message></Error><RequestId>1</RequestId></ErrorResponse>',
          );
        });
      });
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const plan = planLocalStack(
        { action: 'deploy' },
        { ...process.env, ...userEnv, PATH: process.env.PATH, AWS_ENDPOINT_URL: endpoint, AWS_ENDPOINT_URL_S3: endpoint },
      );
      const bootstrap = plan.steps.find((step) => step.args[0] === 'bootstrap')!;
      const assembly = synthesizedAssembly({}, 'Streamtally-dev');
      try {
        const exit = await new Promise<number | null>((resolve) => {
          const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'cdklocal'), ['bootstrap', '--app', assembly.assemblyDir], {
            cwd: ROOT,
            env: plan.env,
            stdio: 'ignore',
          });
          child.once('exit', resolve);
        });
        expect(bootstrap.args).toEqual(['bootstrap', '--app', 'cdk.out']);
        expect(exit).not.toBe(0); // the stand-in refuses the change set
      } finally {
        assembly.remove();
      }
      expect(requests.length).toBeGreaterThan(0);
      expect(new Set(requests.map((request) => request.accessKey))).toEqual(new Set(['test']));
      expect(requests).toContainEqual({ service: 'sts', action: 'GetCallerIdentity', accessKey: 'test' });
      expect(requests).toContainEqual({ service: 'cloudformation', action: 'DescribeStacks', accessKey: 'test' });
    }, 120_000);
  });
});

describe('cdk synth output deploys without Docker bundling', () => {
  it('holds the consumer already bundled by the local esbuild, and no container image asset', () => {
    const assembly = synthesizedAssembly({}, 'Streamtally-dev');
    try {
      const manifest = JSON.parse(readFileSync(path.join(assembly.assemblyDir, 'Streamtally-dev.assets.json'), 'utf8')) as {
        files: Record<string, { source: { path: string; packaging: string } }>;
        dockerImages?: Record<string, unknown>;
      };
      expect(manifest.dockerImages ?? {}).toEqual({});
      const zips = Object.values(manifest.files).filter((file) => file.source.packaging === 'zip');
      expect(zips).toHaveLength(1);
      const assetDir = path.join(assembly.assemblyDir, zips[0]!.source.path);
      expect(statSync(assetDir).isDirectory()).toBe(true);
      expect(readdirSync(assetDir)).toContain('index.js');
      const fn = Object.values(assembly.template.Resources ?? {}).find(
        (resource) => (resource as { Type: string }).Type === 'AWS::Lambda::Function',
      ) as unknown as {
        Properties: { Code: { S3Key: string }; Handler: string };
      };
      expect(fn.Properties.Code.S3Key).toBe(`${path.basename(zips[0]!.source.path).replace(/^asset\./, '')}.zip`);
      expect(fn.Properties.Handler).toBe('index.handler');
    } finally {
      assembly.remove();
    }
  });
});
