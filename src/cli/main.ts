import { dashboardUsage } from './commands/dashboardUsage';
import { demoUsage } from './commands/demoUsage';
import { localUsage } from './commands/localUsage';
import { offsetsUsage } from './commands/offsetsUsage';
import { produceUsage } from './commands/produceUsage';
import { quarantineUsage } from './commands/quarantineUsage';
import { queryUsage } from './commands/queryUsage';
import { reconcileUsage } from './commands/reconcileUsage';
import { replayUsage } from './commands/replayUsage';
import { UserError } from './errors';

type Command = (argv: readonly string[], out: (text: string) => void) => Promise<void>;

/**
 * Every command by name: its usage, and how to load it. A command's module (and the
 * AWS SDK behind it) is loaded only when that command runs, so `--help` and a
 * mistyped command cost no more than Node.js starting (`npm run bench -- --only cli`).
 */
export const COMMANDS: Record<string, { load: () => Promise<Command>; usage: string }> = {
  local: { load: async () => (await import('./commands/local')).localCommand, usage: localUsage },
  demo: { load: async () => (await import('./commands/demo')).demoCommand, usage: demoUsage },
  produce: { load: async () => (await import('./commands/produce')).produceCommand, usage: produceUsage },
  offsets: { load: async () => (await import('./commands/offsets')).offsetsCommand, usage: offsetsUsage },
  query: { load: async () => (await import('./commands/query')).queryCommand, usage: queryUsage },
  quarantine: { load: async () => (await import('./commands/quarantine')).quarantineCommand, usage: quarantineUsage },
  dashboard: { load: async () => (await import('./commands/dashboard')).dashboardCommand, usage: dashboardUsage },
  replay: { load: async () => (await import('./commands/replay')).replayCommand, usage: replayUsage },
  reconcile: { load: async () => (await import('./commands/reconcile')).reconcileCommand, usage: reconcileUsage },
};

const USAGE = `streamtally <command> [--target local|localstack|aws] [--json]

${Object.values(COMMANDS)
  .map((command) => command.usage)
  .join('\n\n')}`;

/**
 * Runs the CLI and returns the exit code. A user's mistake is one line on
 * stderr; anything else is a bug and keeps its stack trace.
 */
export async function main(argv: readonly string[], out = (text: string) => process.stdout.write(`${text}\n`)): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  try {
    if (!command) throw new UserError(`unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}`);
    const run = await command.load();
    await run(rest, out);
    return 0;
  } catch (error) {
    if (error instanceof UserError) {
      process.stderr.write(`streamtally: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}
