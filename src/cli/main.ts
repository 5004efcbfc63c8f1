import { demoCommand, demoUsage } from './commands/demo';
import { localCommand, localUsage } from './commands/local';
import { produceCommand, produceUsage } from './commands/produce';
import { offsetsCommand, offsetsUsage } from './commands/offsets';
import { queryCommand, queryUsage } from './commands/query';
import { quarantineCommand, quarantineUsage } from './commands/quarantine';
import { reconcileCommand, reconcileUsage } from './commands/reconcile';
import { replayCommand, replayUsage } from './commands/replay';
import { UserError } from './errors';

type Command = (argv: readonly string[], out: (text: string) => void) => Promise<void>;

/** Every command by name. */
export const COMMANDS: Record<string, { run: Command; usage: string }> = {
  local: { run: localCommand, usage: localUsage },
  demo: { run: demoCommand, usage: demoUsage },
  produce: { run: produceCommand, usage: produceUsage },
  offsets: { run: offsetsCommand, usage: offsetsUsage },
  query: { run: queryCommand, usage: queryUsage },
  quarantine: { run: quarantineCommand, usage: quarantineUsage },
  replay: { run: replayCommand, usage: replayUsage },
  reconcile: { run: reconcileCommand, usage: reconcileUsage },
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
    await command.run(rest, out);
    return 0;
  } catch (error) {
    if (error instanceof UserError) {
      process.stderr.write(`streamtally: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}
