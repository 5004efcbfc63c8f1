/**
 * `npm run localstack:deploy` and `npm run localstack:destroy`: the stack of
 * `bin/app.ts`, synthesized once into cdk.out (the function bundled by the local
 * esbuild, no Docker), then bootstrapped and deployed to LocalStack with
 * `cdklocal` (npm `aws-cdk-local`), which runs the installed aws-cdk CLI with
 * AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_S3 pointing at LocalStack.
 *
 *   npm run localstack:deploy [-- --stage S] [-- --region R] [-- -c key=value ...]
 *   npm run localstack:destroy [-- --stage S]
 *
 * LocalStack itself: `docker compose up -d --wait` (compose.yaml, docs/targets.md).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

const PROJECT_ROOT = path.resolve(__dirname, '..');

/** Where cdklocal sends the CDK's requests when nothing else is set (aws-cdk-local 3.x defaults, written out). */
export const DEFAULT_ENDPOINT = 'http://localhost.localstack.cloud:4566';
/** The S3 endpoint; cdklocal wants one with an `s3.` label so that bucket subdomains resolve. */
export const DEFAULT_S3_ENDPOINT = 'http://s3.localhost.localstack.cloud:4566';

/** One command the plan runs. */
export interface Step {
  readonly title: string;
  /** `cdk` or `cdklocal`, from node_modules/.bin. */
  readonly bin: 'cdk' | 'cdklocal';
  readonly args: readonly string[];
}

/** What `localstack:deploy` / `localstack:destroy` will do. */
export interface LocalStackPlan {
  readonly stackName: string;
  readonly endpoint: string;
  /** The environment every step runs with. */
  readonly env: Readonly<Record<string, string>>;
  readonly steps: readonly Step[];
}

/** A mistake in how the script was called; printed as one line. */
export class LocalStackScriptError extends Error {}

export interface PlanOptions {
  readonly action: 'deploy' | 'destroy';
  readonly stage?: string;
  readonly region?: string;
  /** Extra `-c key=value` context for the synth. */
  readonly context?: readonly string[];
}

/**
 * The environment and the commands for an action. The environment has no AWS
 * credentials or profile of the user's (LocalStack takes `test`/`test`), and
 * both endpoint variables cdklocal needs.
 */
export function planLocalStack(options: PlanOptions, env: Readonly<Record<string, string | undefined>>): LocalStackPlan {
  const stage = options.stage ?? 'dev';
  if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/.test(stage))
    throw new LocalStackScriptError(`--stage must be 1-32 letters, digits or dashes, got "${stage}"`);
  const stackName = `Streamtally-${stage}`;
  if (env.AWS_ENDPOINT_URL && !env.AWS_ENDPOINT_URL_S3) {
    throw new LocalStackScriptError(
      `AWS_ENDPOINT_URL is set (${env.AWS_ENDPOINT_URL}) but AWS_ENDPOINT_URL_S3 is not; cdklocal needs both (e.g. AWS_ENDPOINT_URL_S3=${DEFAULT_S3_ENDPOINT}), or unset both for the defaults`,
    );
  }
  const endpoint = env.AWS_ENDPOINT_URL ?? DEFAULT_ENDPOINT;
  const s3Endpoint = env.AWS_ENDPOINT_URL_S3 ?? DEFAULT_S3_ENDPOINT;
  for (const url of [endpoint, s3Endpoint]) {
    let host: string;
    try {
      host = new URL(url).hostname;
    } catch {
      throw new LocalStackScriptError(`${url} is not a URL; AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_S3 must point at LocalStack`);
    }
    if (host === 'amazonaws.com' || host.endsWith('.amazonaws.com')) {
      throw new LocalStackScriptError(`refusing to run: ${url} is AWS, not LocalStack; use \`npx cdk deploy\` to deploy to AWS`);
    }
  }
  const region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';

  // Nothing of the user's AWS configuration reaches the CDK: no profile, no real keys.
  const kept = Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && !entry[0].startsWith('AWS_') && !entry[0].startsWith('CDK_'),
    ),
  );
  const allowlist = ['AWS_REGION', 'AWS_DEFAULT_REGION'];
  // Path-style S3 requests, for an endpoint without `s3.` subdomains (e.g. offline, http://localhost:4566).
  const pathStyle: Record<string, string> = env.AWS_S3_FORCE_PATH_STYLE ? { AWS_S3_FORCE_PATH_STYLE: env.AWS_S3_FORCE_PATH_STYLE } : {};
  if (env.AWS_S3_FORCE_PATH_STYLE) allowlist.push('AWS_S3_FORCE_PATH_STYLE');
  const runEnv: Record<string, string> = {
    ...kept,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ENDPOINT_URL_S3: s3Endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    ...pathStyle,
    // cdklocal 3.x drops every AWS_* variable except the endpoints and these.
    AWS_ENVAR_ALLOWLIST: allowlist.join(','),
  };

  const context = ['-c', `stage=${stage}`, ...(options.context ?? []).flatMap((pair) => ['-c', pair])];
  const synth: Step = {
    title: `synthesize ${stackName} into cdk.out (the function bundled with the local esbuild, no Docker)`,
    bin: 'cdk',
    args: ['synth', '--quiet', ...context],
  };
  const steps: Step[] =
    options.action === 'deploy'
      ? [
          synth,
          {
            title: 'bootstrap the LocalStack account (the CDK asset bucket and roles; once, harmless again)',
            bin: 'cdklocal',
            args: ['bootstrap', '--app', 'cdk.out'],
          },
          {
            title: `deploy ${stackName} to LocalStack from cdk.out`,
            bin: 'cdklocal',
            args: ['deploy', stackName, '--app', 'cdk.out', '--require-approval', 'never'],
          },
        ]
      : [
          synth,
          { title: `destroy ${stackName} on LocalStack`, bin: 'cdklocal', args: ['destroy', stackName, '--app', 'cdk.out', '--force'] },
        ];
  return { stackName, endpoint, env: runEnv, steps };
}

/** Parses the script's arguments: `deploy|destroy [--stage S] [--region R] [-c key=value]...`. */
export function parseScriptArgs(argv: readonly string[]): PlanOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: { stage: { type: 'string' }, region: { type: 'string' }, context: { type: 'string', short: 'c', multiple: true } },
    });
  } catch (error) {
    throw new LocalStackScriptError((error as Error).message.split('\n')[0] ?? 'bad arguments');
  }
  const [action, extra] = parsed.positionals;
  if (action !== 'deploy' && action !== 'destroy')
    throw new LocalStackScriptError(`the action must be deploy or destroy, got "${action ?? ''}"`);
  if (extra !== undefined) throw new LocalStackScriptError(`unexpected argument "${extra}"`);
  for (const pair of parsed.values.context ?? []) {
    if (!/^[^=]+=/.test(pair)) throw new LocalStackScriptError(`-c takes key=value, got "${pair}"`);
  }
  return { action, stage: parsed.values.stage, region: parsed.values.region, context: parsed.values.context };
}

/** Whether LocalStack answers its health check at `endpoint`; the reason when it does not. */
export async function localStackHealth(endpoint: string, timeoutMs = 5_000): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    const response = await fetch(new URL('/_localstack/health', endpoint), { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return { ok: false, reason: `HTTP ${response.status}` };
    return { ok: true };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { ok: false, reason: cause?.code ?? cause?.message ?? (error as Error).message };
  }
}

async function run(argv: readonly string[]): Promise<number> {
  const plan = planLocalStack(parseScriptArgs(argv), process.env);
  const health = await localStackHealth(plan.endpoint);
  if (!health.ok) {
    throw new LocalStackScriptError(
      `LocalStack does not answer at ${plan.endpoint} (${health.reason}); start it with \`docker compose up -d --wait\` (see docs/targets.md)`,
    );
  }
  for (const step of plan.steps) {
    const bin = path.join(PROJECT_ROOT, 'node_modules', '.bin', step.bin);
    if (!existsSync(bin)) throw new LocalStackScriptError(`${step.bin} is not installed; run \`npm ci\``);
    process.stderr.write(`localstack: ${step.title}\n  ${step.bin} ${step.args.join(' ')}\n`);
    const result = spawnSync(bin, step.args, { cwd: PROJECT_ROOT, env: plan.env, stdio: 'inherit' });
    if (result.status !== 0) {
      process.stderr.write(`localstack: ${step.bin} ${step.args[0]} failed (exit ${result.status ?? result.signal})\n`);
      return result.status ?? 1;
    }
  }
  process.stderr.write(
    `localstack: done; try \`npx streamtally offsets --target localstack${plan.stackName === 'Streamtally-dev' ? '' : ` --stage ${plan.stackName.slice('Streamtally-'.length)}`}\`\n`,
  );
  return 0;
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof LocalStackScriptError) {
        process.stderr.write(`localstack: ${error.message}\n`);
        process.exit(2);
      }
      throw error;
    },
  );
}
