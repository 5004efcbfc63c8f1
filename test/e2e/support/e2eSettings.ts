import { parseArgs } from 'node:util';
import { resolveTarget, type ResolveTargetOptions } from '../../../src/cli/targets/resolveTarget';
import { TargetName, type Target } from '../../../src/cli/targets/Target';

/**
 * Which target the end-to-end suite runs against, and the explicit confirmation
 * it needs for one that is not on this machine. `scripts/e2e.ts` (`npm run
 * test:e2e -- --target ...`) parses the flags and hands them to vitest in these
 * environment variables; without them (`npm test`, CI) the target is `local`.
 */
export const E2E_ENV = {
  target: 'STREAMTALLY_E2E_TARGET',
  stage: 'STREAMTALLY_E2E_STAGE',
  region: 'STREAMTALLY_E2E_REGION',
  endpoint: 'STREAMTALLY_E2E_ENDPOINT',
  account: 'STREAMTALLY_E2E_ACCOUNT',
} as const;

export interface E2eSettings {
  readonly target: TargetName;
  readonly stage: string;
  /** `--region` (localstack, aws); the AWS SDK chain's region when absent. */
  readonly region?: string;
  /** `--endpoint`: LocalStack's endpoint, required for `localstack`. */
  readonly endpoint?: string;
  /** `--i-mean-it-account`: the AWS account the stack must be in, required for `aws`. */
  readonly account?: string;
}

/** A refusal to run; the runner prints it as one line. */
export class E2eRefusal extends Error {}

const USAGE_HINT =
  'usage: npm run test:e2e -- [--target local|localstack|aws] [--stage S] [--region R] [--endpoint URL] [--i-mean-it-account ACCOUNT]';

/** Parses `npm run test:e2e -- ...`; an unknown flag is a one-line refusal. */
export function parseE2eArgs(argv: readonly string[]): E2eSettings {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        target: { type: 'string', default: TargetName.local },
        stage: { type: 'string', default: 'dev' },
        region: { type: 'string' },
        endpoint: { type: 'string' },
        'i-mean-it-account': { type: 'string' },
      },
    }));
  } catch (error) {
    throw new E2eRefusal(`${(error as Error).message.split('\n')[0]}; ${USAGE_HINT}`);
  }
  const target = values.target as string;
  if (target !== TargetName.local && target !== TargetName.localstack && target !== TargetName.aws) {
    throw new E2eRefusal(`--target must be local, localstack or aws, got "${target}"`);
  }
  return withoutUndefined({
    target,
    stage: values.stage as string,
    region: values.region,
    endpoint: values.endpoint,
    account: values['i-mean-it-account'],
  });
}

/** The settings as environment variables for the vitest run. */
export function settingsToEnv(settings: E2eSettings): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [field, name] of Object.entries(E2E_ENV)) {
    const value = settings[field as keyof E2eSettings];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** The settings the runner handed over; `local` when there are none. */
export function settingsFromEnv(env: Readonly<Record<string, string | undefined>>): E2eSettings {
  const target = env[E2E_ENV.target] ?? TargetName.local;
  if (target !== TargetName.local && target !== TargetName.localstack && target !== TargetName.aws) {
    throw new E2eRefusal(`${E2E_ENV.target} must be local, localstack or aws, got "${target}"`);
  }
  return withoutUndefined({
    target,
    stage: env[E2E_ENV.stage] ?? 'dev',
    region: env[E2E_ENV.region],
    endpoint: env[E2E_ENV.endpoint],
    account: env[E2E_ENV.account],
  });
}

/**
 * Refuses, before anything is sent anywhere, a run against a target that is not on
 * this machine unless the flag names it: `--endpoint <url>` for LocalStack (and not
 * an AWS endpoint), `--i-mean-it-account <12 digits>` for AWS.
 */
export function checkE2eSettings(settings: E2eSettings, env: Readonly<Record<string, string | undefined>> = process.env): void {
  const { target } = settings;
  if (target === TargetName.local) {
    if (settings.endpoint !== undefined) throw new E2eRefusal('--endpoint is for --target localstack');
    if (settings.account !== undefined) throw new E2eRefusal('--i-mean-it-account is for --target aws');
    return;
  }
  if (target === TargetName.localstack) {
    if (settings.account !== undefined) throw new E2eRefusal('--i-mean-it-account is for --target aws; LocalStack is named by --endpoint');
    if (settings.endpoint === undefined) {
      throw new E2eRefusal('refusing to run against LocalStack without --endpoint naming it (e.g. --endpoint http://localhost:4566)');
    }
    let host: string;
    try {
      host = new URL(settings.endpoint).hostname;
    } catch {
      throw new E2eRefusal(`--endpoint must be a URL such as http://localhost:4566, got "${settings.endpoint}"`);
    }
    if (host === 'amazonaws.com' || host.endsWith('.amazonaws.com'))
      throw new E2eRefusal(`refusing: --endpoint ${settings.endpoint} is AWS, not LocalStack; use --target aws`);
    return;
  }
  if (settings.endpoint !== undefined) throw new E2eRefusal('--endpoint is for --target localstack; AWS is named by --i-mean-it-account');
  if (settings.account === undefined) {
    throw new E2eRefusal(
      `refusing to run against AWS without --i-mean-it-account <account id>: the suite writes events to Streamtally-${settings.stage} in that account (and deletes only its own data afterwards)`,
    );
  }
  if (!/^\d{12}$/.test(settings.account))
    throw new E2eRefusal(`--i-mean-it-account must be a 12-digit AWS account id, got "${settings.account}"`);
  if (!settings.region && !env.AWS_REGION && !env.AWS_DEFAULT_REGION)
    throw new E2eRefusal('no AWS region: pass --region or set AWS_REGION');
}

/** The flags that point a `streamtally` command at the settings' target. */
export function targetFlags(settings: E2eSettings): string[] {
  return [
    '--target',
    settings.target,
    ...(settings.target === TargetName.local ? [] : ['--stage', settings.stage]),
    ...(settings.region ? ['--region', settings.region] : []),
    ...(settings.endpoint ? ['--endpoint', settings.endpoint] : []),
  ];
}

/**
 * Resolves the target as the CLI does (stack outputs, or the local state file)
 * and refuses it unless it is the one the flags named: on AWS, the account in the
 * stack's id must be the `--i-mean-it-account`.
 */
export async function resolveE2eTarget(settings: E2eSettings, options: ResolveTargetOptions = {}): Promise<Target> {
  checkE2eSettings(settings, options.env ?? process.env);
  const target = await resolveTarget(
    { target: settings.target, stage: settings.stage, region: settings.region, endpoint: settings.endpoint },
    options,
  );
  confirmTarget(settings, target);
  return target;
}

/** The check after resolution: the stack found is in the account the flag named. */
export function confirmTarget(settings: E2eSettings, target: Target): void {
  if (settings.target !== TargetName.aws) return;
  if (target.account === undefined)
    throw new E2eRefusal(`refusing: cannot tell which account holds ${target.stackName} in ${target.region}`);
  if (target.account !== settings.account) {
    throw new E2eRefusal(
      `refusing: ${target.stackName} in ${target.region} is in account ${target.account}, not ${settings.account} named by --i-mean-it-account`,
    );
  }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
