/**
 * `npm run test:e2e -- [--target local|localstack|aws] [--stage S] [--region R]
 *                      [--endpoint URL] [--i-mean-it-account ACCOUNT]`
 *
 * Runs the end-to-end suite against one target. vitest takes no flags of its own
 * making, so this parses them, refuses a target that is not on this machine unless
 * the flag names it (checked against the stack it finds: the account in its stack
 * id on AWS), and runs vitest with the settings in environment variables
 * (test/e2e/support/e2eSettings.ts).
 *
 * - local (the default): every file of test/e2e, the local-only ones included.
 * - localstack, aws: test/e2e/pipeline.test.ts, against the deployed stack.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { TargetName } from '../src/cli/targets/Target';
import { E2eRefusal, parseE2eArgs, resolveE2eTarget, settingsToEnv } from '../test/e2e/support/e2eSettings';
import { UserError } from '../src/cli/errors';

const ROOT = path.resolve(__dirname, '..');
// Node 20 is supported; the SDK's notice about its 2027 releases only clutters a refusal.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function run(argv: readonly string[]): Promise<number> {
  const settings = parseE2eArgs(argv);
  if (settings.target !== TargetName.local) {
    // Resolve and confirm once here, so that a refusal is one line before vitest starts.
    const target = await resolveE2eTarget(settings);
    target.kinesis.destroy();
    target.dynamo.destroy();
    target.s3.destroy();
    process.stderr.write(
      `e2e: ${settings.target} target ${target.stackName} in ${target.region}${target.account ? `, account ${target.account}` : ''}${target.endpoint ? ` at ${target.endpoint}` : ''}\n`,
    );
  }
  const files = settings.target === TargetName.local ? ['test/e2e'] : ['test/e2e/pipeline.test.ts'];
  const vitest = path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
  const result = spawnSync(
    process.execPath,
    [vitest, 'run', ...files, '--reporter=default', '--reporter=./test/support/passFailReporter.ts'],
    {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, ...settingsToEnv(settings) },
    },
  );
  return result.status ?? 1;
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof E2eRefusal || error instanceof UserError) {
        process.stderr.write(`e2e: ${error.message}\n`);
        process.exit(2);
      }
      throw error;
    },
  );
}
