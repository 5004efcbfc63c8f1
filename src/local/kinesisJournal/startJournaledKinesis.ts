import { KinesisClient } from '@aws-sdk/client-kinesis';
import * as path from 'node:path';
import { EmulatorError } from '../emulators/EmulatorError';
import { EmulatorName } from '../emulators/EmulatorName';
import { localClientConfig } from '../emulators/localClientConfig';
import { assertPortFree } from '../emulators/assertPortFree';
import { portTakenError } from '../emulators/portTakenError';
import type { RunningEmulator } from '../emulators/RunningEmulator';
import { type KinesisEmulatorOptions, startKinesisEmulator } from '../emulators/startKinesisEmulator';
import { JournalingKinesisProxy } from './JournalingKinesisProxy';
import { type RestoreReport, restoreFromJournal } from './restoreFromJournal';
import { SnapshotWatcher } from './SnapshotWatcher';
import { WriteAheadJournal } from './WriteAheadJournal';

/** Options of {@link startJournaledKinesis}. */
export interface JournaledKinesisOptions extends KinesisEmulatorOptions {
  /** One line per restart and restore. @default - dropped */
  readonly log?: (line: string) => void;
  /**
   * Called with the emulator's own endpoint after a restart, before the restore: the
   * place to create again streams the emulator lost (created after its last snapshot).
   */
  readonly beforeRestore?: (emulatorEndpoint: string) => Promise<void>;
  /** Called after each restart with the new process id. */
  readonly onRestart?: (pid: number) => void;
  /** Restarts allowed within ten minutes; one more death in that time is reported through `onExit`. @default 5 */
  readonly maxRestarts?: number;
}

const SNAPSHOT_FILE = 'kinesis-data.json';
const RESTART_WINDOW_MS = 10 * 60_000;

/**
 * The Kinesis emulator of the local stack, behind a {@link JournalingKinesisProxy}, and
 * kept running: when the emulator dies (a crash, an out-of-memory kill, `kill -9`) it
 * is started again on the same port and data, and the records it had acknowledged but
 * not yet saved are put back from the journal before any request goes on. The returned
 * emulator's endpoint is the proxy's; `onExit` reports only a death it could not
 * recover from. Starting on data left by a killed run restores that run's records too.
 */
export async function startJournaledKinesis(options: JournaledKinesisOptions = {}): Promise<RunningEmulator> {
  const log = options.log ?? (() => undefined);
  const persistIntervalMs = options.persistIntervalMs ?? 5000;
  // The port asked for is the front's; the emulator itself takes a free one.
  if (options.port !== undefined) await assertPortFree(options.port, EmulatorName.kinesis);
  const startEmulator = (port?: number) => startKinesisEmulator({ ...options, port });
  let emulator = await startEmulator();
  const dataDir = emulator.dataDir;
  const journal = new WriteAheadJournal({ directory: path.join(dataDir, 'journal'), segmentMs: persistIntervalMs });
  const clientFor = (endpoint: string) => new KinesisClient(localClientConfig(endpoint, { region: options.region, maxAttempts: 5, requestTimeoutMs: 30_000 }));
  const restore = async (why: string, client = clientFor(emulator.endpoint), signal?: AbortSignal): Promise<RestoreReport> => {
    try {
      const report = await restoreFromJournal(journal, client, signal);
      if (report.restored + report.inDoubtFound + report.inDoubtPut > 0) {
        log(
          `kinesis: ${why}: restored ${report.restored} acknowledged record(s) the emulator had not saved (of ${report.acknowledged} in the journal; it held ${report.compared} from that time)` +
            (report.inDoubtFound + report.inDoubtPut > 0 ? `; the put in flight: ${report.inDoubtFound} record(s) found stored, ${report.inDoubtPut} put now` : ''),
        );
      }
      return report;
    } finally {
      client.destroy();
    }
  };
  let proxy: JournalingKinesisProxy;
  try {
    const earlier = await restore('data of an earlier run');
    proxy = await JournalingKinesisProxy.start({ upstream: emulator.endpoint, journal, port: options.port });
    proxy.resume(earlier.answers, earlier.moves);
  } catch (error) {
    journal.close();
    await emulator.stop();
    if (error instanceof EmulatorError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw portTakenError(EmulatorName.kinesis, options.port as number);
    throw new EmulatorError(EmulatorName.kinesis, `kinesis: cannot restore the records of an earlier run: ${(error as Error).message}`, { cause: error });
  }

  let reviving = false;
  const snapshots = new SnapshotWatcher(path.join(dataDir, SNAPSHOT_FILE));
  const pruneTimer = setInterval(() => {
    journal.rotateIfOld();
    if (reviving) return;
    snapshots.look();
    const safeBefore = snapshots.everythingStoredBefore();
    if (safeBefore !== undefined) journal.dropSegmentsClosedBefore(safeBefore);
  }, Math.max(250, Math.floor(persistIntervalMs / 4)));
  pruneTimer.unref();

  const fatalListeners = new Set<(error: EmulatorError) => void>();
  let fatal: EmulatorError | undefined;
  let stopping = false;
  let restarts = 0;
  const restartTimes: number[] = [];
  const internalPort = Number(new URL(emulator.endpoint).port);
  const watch = (running: RunningEmulator) =>
    running.onExit((death) => {
      if (stopping) return;
      proxy.pause();
      void revive(death);
    });
  const fail = (error: unknown) => {
    fatal = error instanceof EmulatorError ? error : new EmulatorError(EmulatorName.kinesis, `kinesis emulator died and could not be restored: ${(error as Error).message}`, { cause: error });
    for (const listener of fatalListeners) listener(fatal);
    fatalListeners.clear();
  };
  /** Restarts the emulator and restores it; again if it dies meanwhile, up to the restart limit. */
  const revive = async (death: EmulatorError): Promise<void> => {
    // Snapshots the restarted emulator writes before the restore lack the lost records:
    // none of them may let journal segments go.
    reviving = true;
    snapshots.reset();
    const started = Date.now();
    for (let latest = death; ; ) {
      restarts += 1;
      restartTimes.push(Date.now());
      while (restartTimes[0]! < Date.now() - RESTART_WINDOW_MS) restartTimes.shift();
      if (restartTimes.length > (options.maxRestarts ?? 5)) return fail(latest);
      log(`kinesis: ${latest.message.split('\n')[0]}; restarting it on its saved data (restart ${restarts})`);
      let diedAgain: EmulatorError | undefined;
      try {
        emulator = await startEmulator(internalPort);
      } catch (error) {
        return fail(error);
      }
      if (stopping) return;
      // A death during the restore fails its requests at once, and the loop starts over.
      const client = clientFor(emulator.endpoint);
      const aborter = new AbortController();
      const unwatch = emulator.onExit((error) => {
        diedAgain = error;
        aborter.abort();
      });
      try {
        await options.beforeRestore?.(emulator.endpoint);
        const report = await restore(`restart ${restarts}`, client, aborter.signal);
        if (diedAgain) throw diedAgain;
        unwatch();
        watch(emulator);
        options.onRestart?.(emulator.pid);
        reviving = false;
        proxy.resume(report.answers, report.moves);
        log(`kinesis: back after ${Date.now() - started} ms; requests held meanwhile go on`);
        return;
      } catch (error) {
        unwatch();
        if (stopping) return;
        if (!diedAgain) return fail(error);
        latest = diedAgain;
      }
    }
  };
  watch(emulator);

  let stopped: Promise<void> | undefined;
  return {
    name: EmulatorName.kinesis,
    endpoint: proxy.endpoint,
    get pid() {
      return emulator.pid;
    },
    dataDir,
    stop: () =>
      (stopped ??= (async () => {
        stopping = true;
        clearInterval(pruneTimer);
        await proxy.close();
        await emulator.stop();
        journal.close();
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
