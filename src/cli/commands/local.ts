import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, openSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { AlarmStateChange } from '../../local/alarms/AlarmEvaluator';
import { EmulatorError } from '../../local/emulators';
import { LocalEsmError } from '../../local/esm';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime/startLocalRuntime';
import { isProcessAlive, LocalStateError, localPaths, readLocalState, removeLocalState } from '../../local/state';
import { ProvisionError, TemplateError } from '../../local/template';
import { integerFlag, parseFlags } from '../parseFlags';
import { UserError } from '../errors';
import { localUsage } from './localUsage';

const PORT_FLAGS = {
  'kinesis-port': { type: 'string' },
  'dynamodb-port': { type: 'string' },
  's3-port': { type: 'string' },
  stack: { type: 'string' },
  detach: { type: 'boolean', default: false },
} as const;

/** `streamtally local up|down`. */
export async function localCommand(argv: readonly string[], out: (text: string) => void): Promise<void> {
  const { values, positionals } = parseFlags('local', argv, PORT_FLAGS, true);
  const action = positionals[0];
  if (values.help || action === undefined) return out(localUsage);
  if (positionals.length > 1) throw new UserError(`local: unexpected argument "${positionals[1]}"`);
  const projectRoot = process.cwd();
  if (action === 'down') return localDown(projectRoot, out);
  if (action !== 'up') throw new UserError(`local: unknown action "${action}"; use up or down`);
  if (values.detach) return localUpDetached(projectRoot, argv, out);

  const runtime = await startRuntimeForCli({
    projectRoot,
    stackName: values.stack,
    ports: {
      kinesis: portFlag('kinesis-port', values['kinesis-port']),
      dynamodb: portFlag('dynamodb-port', values['dynamodb-port']),
      s3: portFlag('s3-port', values['s3-port']),
    },
  });
  out(`READY ${runtime.stateFile}`);
  await untilStopped(runtime);
}

/** Options shared by `local up` and `demo`. */
export interface CliRuntimeOptions {
  readonly projectRoot: string;
  readonly stackName?: string;
  readonly ports?: { kinesis?: number; dynamodb?: number; s3?: number };
  /** Where progress lines go. @default stderr */
  readonly log?: (line: string) => void;
  readonly onAlarmLine?: (line: string) => void;
  /** Each alarm state change itself, after its line is written (the demo tracks which alerts fired). */
  readonly onAlarmChange?: (change: AlarmStateChange) => void;
}

/**
 * Starts the local stack with logs under `.streamtally/logs/` (each function's
 * output, and alarm state changes) and turns the runtime's own errors into
 * one-line user errors.
 */
export async function startRuntimeForCli(options: CliRuntimeOptions): Promise<LocalRuntime> {
  const logDir = path.join(localPaths(options.projectRoot).localDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const functionLogs = new Map<string, NodeJS.WritableStream>();
  const alarmLog = createWriteStream(path.join(logDir, 'alarms.log'), { flags: 'a' });
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let fatal: ((error: EmulatorError) => void) | undefined;
  try {
    const runtime = await startLocalRuntime({
      projectRoot: options.projectRoot,
      stackName: options.stackName,
      ports: options.ports,
      log,
      functionLog: (name, line) => {
        let stream = functionLogs.get(name);
        if (!stream) {
          stream = createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' });
          functionLogs.set(name, stream);
        }
        stream.write(`${line}\n`);
      },
      onAlarmChange: (change) => {
        const line = `${new Date(change.timestamp).toISOString()} alarm ${change.alarmName}: ${change.previousState} -> ${change.state}`;
        alarmLog.write(`${line} (${change.reason})\n`);
        (options.onAlarmLine ?? log)(line);
        options.onAlarmChange?.(change);
      },
      onFatal: (error) => fatal?.(error),
    });
    fatal = (error) => {
      process.stderr.write(`streamtally: ${error.message}; stopping the local stack (data already accepted stays in .streamtally/data)\n`);
      void runtime.stop().finally(() => process.exit(1));
    };
    return runtime;
  } catch (error) {
    if (
      error instanceof EmulatorError ||
      error instanceof TemplateError ||
      error instanceof ProvisionError ||
      error instanceof LocalEsmError
    ) {
      throw new UserError(error.message, 1, { cause: error });
    }
    throw error;
  }
}

/** Resolves once SIGINT or SIGTERM has stopped the runtime cleanly. */
export async function untilStopped(runtime: LocalRuntime): Promise<void> {
  await new Promise<void>((resolve) => {
    const onSignal = (): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      void runtime.stop().then(resolve, resolve);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

async function localUpDetached(projectRoot: string, argv: readonly string[], out: (text: string) => void): Promise<void> {
  const paths = localPaths(projectRoot);
  mkdirSync(paths.localDir, { recursive: true });
  const logFile = path.join(paths.localDir, 'local-up.log');
  const logFd = openSync(logFile, 'w');
  // The same entry, the same way (compiled through bin/streamtally.js, or the sources through tsx in tests).
  const self = [...process.execArgv, process.argv[1]!];
  const child = spawn(process.execPath, [...self, 'local', ...argv.filter((arg) => arg !== '--detach')], {
    cwd: projectRoot,
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  const deadline = Date.now() + 120_000;
  for (;;) {
    const ready = readFileSync(logFile, 'utf8').match(/^READY (.+)$/m);
    if (ready) {
      child.unref();
      return out(`READY ${ready[1]}`);
    }
    const code = await Promise.race([exited, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 200))]);
    if (code !== undefined) {
      const lastLine = readFileSync(logFile, 'utf8').trim().split('\n').pop() ?? '';
      throw new UserError(`the local stack did not start: ${lastLine.replace(/^streamtally: /, '')} (log: ${logFile})`, 1);
    }
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new UserError(`the local stack was not ready within 120 s (log: ${logFile})`, 1);
    }
  }
}

async function localDown(projectRoot: string, out: (text: string) => void): Promise<void> {
  let state;
  try {
    state = readLocalState(projectRoot, { allowStale: true });
  } catch (error) {
    if (error instanceof LocalStateError) throw new UserError(error.message, 1, { cause: error });
    throw error;
  }
  if (!isProcessAlive(state.pid)) {
    removeLocalState(projectRoot, state.pid);
    return out(`no local stack was running (pid ${state.pid} had exited); removed its state file`);
  }
  process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (isProcessAlive(state.pid)) {
    if (Date.now() > deadline) throw new UserError(`the local stack (pid ${state.pid}) did not stop within 30 s`, 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  out(`stopped the local stack (pid ${state.pid})`);
}

function portFlag(name: string, text: string | undefined): number | undefined {
  return text === undefined ? undefined : integerFlag(name, text, 0, 1, 65_535);
}
