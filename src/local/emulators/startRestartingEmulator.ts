import { EmulatorError } from '../errors';
import type { RunningEmulator } from './RunningEmulator';

/** Options of {@link startRestartingEmulator}. */
export interface RestartingEmulatorOptions {
  /** One line per restart. @default - dropped */
  readonly log?: (line: string) => void;
  /** Called after each restart with the new process id. */
  readonly onRestart?: (pid: number) => void;
  /** Restarts allowed within ten minutes; one more death in that time is reported through `onExit`. @default 5 */
  readonly maxRestarts?: number;
}

const RESTART_WINDOW_MS = 10 * 60_000;

/**
 * An emulator kept running: when it dies (a crash, an out-of-memory kill, `kill -9`) it is
 * started again on the same port and data directory, so its clients, which retry refused
 * connections, go on where they were. Only for an emulator that keeps every acknowledged
 * write on disk (kinesalite, in LevelDB): a restart must not lose what it had answered.
 * `onExit` reports only a death past the restart limit, or a failed restart.
 *
 * @param start starts the emulator; on `port` when given (a restart)
 */
export async function startRestartingEmulator(
  start: (port?: number) => Promise<RunningEmulator>,
  options: RestartingEmulatorOptions = {},
): Promise<RunningEmulator> {
  let emulator = await start();
  const port = Number(new URL(emulator.endpoint).port);
  const fatalListeners = new Set<(error: EmulatorError) => void>();
  let fatal: EmulatorError | undefined;
  let stopping = false;
  let restarts = 0;
  const restartTimes: number[] = [];
  const fail = (error: unknown) => {
    fatal =
      error instanceof EmulatorError
        ? error
        : new EmulatorError(emulator.name, `${emulator.name} emulator died and could not be restarted: ${(error as Error).message}`, {
            cause: error,
          });
    for (const listener of fatalListeners) listener(fatal);
    fatalListeners.clear();
  };
  const watch = (running: RunningEmulator) =>
    running.onExit((death) => {
      if (!stopping) void restart(death);
    });
  const restart = async (death: EmulatorError): Promise<void> => {
    restarts += 1;
    restartTimes.push(Date.now());
    while (restartTimes[0]! < Date.now() - RESTART_WINDOW_MS) restartTimes.shift();
    if (restartTimes.length > (options.maxRestarts ?? 5)) return fail(death);
    const started = Date.now();
    options.log?.(`${emulator.name}: ${death.message.split('\n')[0]}; restarting it on its data (restart ${restarts})`);
    try {
      emulator = await start(port);
    } catch (error) {
      return fail(error);
    }
    if (stopping) {
      await emulator.stop();
      return;
    }
    watch(emulator);
    options.onRestart?.(emulator.pid);
    options.log?.(`${emulator.name}: back after ${Date.now() - started} ms`);
  };
  watch(emulator);

  let stopped: Promise<void> | undefined;
  return {
    name: emulator.name,
    endpoint: emulator.endpoint,
    get pid() {
      return emulator.pid;
    },
    dataDir: emulator.dataDir,
    stop: () =>
      (stopped ??= (async () => {
        stopping = true;
        await emulator.stop();
      })()),
    onExit: (listener) => {
      if (fatal) {
        const error = fatal;
        queueMicrotask(() => listener(error));
        return () => undefined;
      }
      fatalListeners.add(listener);
      return () => fatalListeners.delete(listener);
    },
  };
}
