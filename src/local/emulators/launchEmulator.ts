import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { localPaths } from '../state/localPaths';
import { assertPortFree } from './assertPortFree';
import type { EmulatorName } from './EmulatorName';
import type { EmulatorOptions } from './EmulatorOptions';
import { findFreePort } from './findFreePort';
import { OutputTail } from './OutputTail';
import { portTakenError } from './portTakenError';
import type { RunningEmulator } from './RunningEmulator';
import { stopChild } from './stopChild';
import { waitUntilAnswers } from './waitUntilAnswers';
import { EmulatorError } from '../errors';

/** A client that makes one cheap API call, to tell that an emulator answers. */
export interface EmulatorProbe {
  send(): Promise<unknown>;
  destroy(): void;
}

/** What differs between emulators: how to start one and how to ask it something. */
export interface EmulatorLaunch {
  readonly name: EmulatorName;
  /** File name of its launcher script in `launchers/`. */
  readonly launcher: string;
  /** The API call {@link EmulatorLaunch.probe} makes, for messages. */
  readonly probeName: string;
  /** Options of the Node.js process that runs the launcher. @default [] */
  readonly nodeOptions?: readonly string[];
  /** Arguments and environment of the launcher for a start on `port`, data in `dataDir`. */
  prepare(port: number, dataDir: string): Promise<{ readonly args: readonly string[]; readonly env: Readonly<Record<string, string>> }>;
  /** A probe of the emulator at `endpoint`. */
  probe(endpoint: string): EmulatorProbe;
}

const LAUNCHERS_DIR = path.join(__dirname, 'launchers');
/** A free port can be taken by someone else before the emulator binds it; retry a few times. */
const PORT_RACE_ATTEMPTS = 3;

/**
 * Starts an emulator as a child process of this one and resolves once it answers
 * a real API call. Used by `startKinesisEmulator` and its siblings.
 * @throws {@link EmulatorError} with a one-line message when the port is taken, the
 * emulator exits early or does not answer in time.
 */
export async function launchEmulator(launch: EmulatorLaunch, options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const dataDir = path.resolve(options.dataDir ?? localPaths().dataDir(launch.name));
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw new EmulatorError(launch.name, `cannot create the ${launch.name} data directory ${dataDir}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await findFreePort());
    if (options.port !== undefined) await assertPortFree(options.port, launch.name);
    const started = await startOnce(launch, port, dataDir, options);
    if (started.kind === 'running') return started.emulator;
    // An emulator may bind more than one port: only the
    // one asked for is the user's to change.
    if (options.port !== undefined && started.output.includes(`:${port}`)) throw portTakenError(launch.name, port);
    if (attempt >= PORT_RACE_ATTEMPTS)
      throw new EmulatorError(launch.name, `${launch.name} emulator found no free port after ${attempt} attempts: ${started.output}`);
  }
}

type StartResult =
  | { readonly kind: 'running'; readonly emulator: RunningEmulator }
  | { readonly kind: 'portTaken'; readonly output: string };

async function startOnce(launch: EmulatorLaunch, port: number, dataDir: string, options: EmulatorOptions): Promise<StartResult> {
  const { name } = launch;
  const { args, env } = await launch.prepare(port, dataDir);
  const stderr = new OutputTail();
  // Not detached: the emulator stays in this process group, so a terminal's Ctrl-C
  // reaches it too. The 'ipc' slot lets the launcher notice when this process is gone
  // (exitWithParent.cjs); stdout is not read and not kept.
  const child = spawn(process.execPath, [...(launch.nodeOptions ?? []), path.join(LAUNCHERS_DIR, launch.launcher), ...args], {
    cwd: dataDir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    detached: false,
  });
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  let spawnError: Error | undefined;
  child.on('error', (error) => {
    spawnError = error;
  });
  const exit = watchExit(child, name, stderr);

  const endpoint = `http://127.0.0.1:${port}`;
  const probe = launch.probe(endpoint);
  const outcome = await waitUntilAnswers(() => probe.send(), {
    timeoutMs: options.startTimeoutMs ?? 30_000,
    hasExited: () => exit.hasExited() || spawnError !== undefined,
  });
  probe.destroy();

  if (outcome.kind === 'answered') {
    const stopGraceMs = options.stopGraceMs ?? 5000;
    let stopping: Promise<void> | undefined;
    return {
      kind: 'running',
      emulator: {
        name,
        endpoint,
        pid: child.pid as number,
        dataDir,
        stop: () => {
          exit.expect();
          stopping ??= stopChild(child, stopGraceMs);
          return stopping;
        },
        onExit: exit.onExit,
      },
    };
  }
  exit.expect();
  await stopChild(child, 1000);
  // Its last words may still be in the pipe when 'exit' fires.
  await Promise.race([exit.closed, sleep(1000)]);
  if (stderr.includes('EADDRINUSE') || stderr.includes('Address already in use')) return { kind: 'portTaken', output: stderr.text() };
  if (spawnError) throw new EmulatorError(name, `cannot start the ${name} emulator: ${spawnError.message}`, { cause: spawnError });
  if (outcome.kind === 'exited') {
    throw new EmulatorError(name, `${name} emulator exited (${exit.describe()}) before it answered ${launch.probeName}: ${stderr.text()}`);
  }
  const lastError = outcome.lastError instanceof Error ? outcome.lastError.message : String(outcome.lastError);
  throw new EmulatorError(
    name,
    `${name} emulator did not answer ${launch.probeName} at ${endpoint} within ${Math.round((options.startTimeoutMs ?? 30_000) / 1000)} s (last error: ${lastError}); its stderr ended: ${stderr.text()}`,
  );
}

/** Tracks a child's exit; reports it to listeners unless the exit was asked for. */
function watchExit(child: ChildProcess, name: EmulatorName, stderr: OutputTail) {
  const listeners = new Set<(error: EmulatorError) => void>();
  let expected = false;
  let unexpectedExit: EmulatorError | undefined;
  const describe = () => (child.signalCode ? `killed by ${child.signalCode}` : `code ${child.exitCode}`);
  // 'close' rather than 'exit': it comes once stderr is drained, so the message holds
  // the emulator's last words.
  const closed = once(child, 'close').then(
    () => undefined,
    () => undefined,
  );
  child.once('close', () => {
    if (expected) return;
    unexpectedExit = new EmulatorError(name, `${name} emulator (pid ${child.pid}) exited unexpectedly (${describe()}): ${stderr.text()}`);
    for (const listener of listeners) listener(unexpectedExit);
    listeners.clear();
  });
  return {
    closed,
    hasExited: () => child.exitCode !== null || child.signalCode !== null,
    describe,
    /** The exit that follows is ours (stop), not news. */
    expect: () => {
      expected = true;
    },
    onExit: (listener: (error: EmulatorError) => void): (() => void) => {
      if (unexpectedExit) {
        const error = unexpectedExit;
        queueMicrotask(() => listener(error));
        return () => {};
      }
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
