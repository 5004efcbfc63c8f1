import * as path from 'node:path';
import { localPaths } from '../state/localPaths';
import { EmulatorName } from './EmulatorName';
import type { LocalEndpoints } from './LocalEndpoints';
import type { RunningEmulator } from './RunningEmulator';
import { startDynamoEmulator } from './startDynamoEmulator';
import { startKinesisEmulator } from './startKinesisEmulator';
import { startRestartingEmulator } from './startRestartingEmulator';
import { startS3Emulator } from './startS3Emulator';
import type { EmulatorError } from '../errors';

/** Options of {@link startEmulators}. */
export interface StartEmulatorsOptions {
  /**
   * Directory holding one data directory per emulator (`kinesis/`, `dynamodb/`, `s3/`).
   * @default '<project root>/.streamtally/data'
   */
  readonly dataDir?: string;
  /**
   * Ports to listen on (127.0.0.1), per emulator (the `--kinesis-port`, `--dynamodb-port`
   * and `--s3-port` options of `streamtally local up`).
   * @default - free ports
   */
  readonly ports?: Partial<Record<EmulatorName, number>>;
  /** Region of the stream ARNs. @default 'us-east-1' */
  readonly region?: string;
  /** How long each emulator may take to answer. @default 30000 */
  readonly startTimeoutMs?: number;
  /** How long a stop waits after SIGTERM before SIGKILL. @default 5000 */
  readonly stopGraceMs?: number;
  /** Notices (the Kinesis emulator died and was restarted), one line each. @default - dropped */
  readonly log?: (line: string) => void;
  /** After the Kinesis emulator was restarted, with its new process id. */
  readonly onKinesisRestart?: (pid: number) => void;
}

/** The three emulators of the local stack, running. */
export interface LocalEmulators {
  readonly kinesis: RunningEmulator;
  readonly dynamodb: RunningEmulator;
  readonly s3: RunningEmulator;
  /** Their endpoints, as the state file records them. */
  readonly endpoints: LocalEndpoints;
  /** Stops all three and resolves once every process has exited. */
  stop(): Promise<void>;
  /**
   * Calls `listener` when any of them dies without having been stopped (once per emulator).
   * @returns a function that removes the listener
   */
  onExit(listener: (error: EmulatorError) => void): () => void;
}

/**
 * Starts Kinesis, DynamoDB and S3 emulators side by side as child processes (Kinesis
 * restarted when it dies, see {@link startRestartingEmulator}). If one
 * fails to start, the others are stopped before the (one-line) error is thrown, so a
 * failed start leaves no process behind.
 *
 * @example
 * const emulators = await startEmulators();
 * try { ... emulators.endpoints.kinesis ... } finally { await emulators.stop(); }
 */
export async function startEmulators(options: StartEmulatorsOptions = {}): Promise<LocalEmulators> {
  const dataRoot = options.dataDir;
  const common = (name: EmulatorName) => ({
    port: options.ports?.[name],
    dataDir: dataRoot === undefined ? localPaths().dataDir(name) : path.join(dataRoot, name),
    startTimeoutMs: options.startTimeoutMs,
    stopGraceMs: options.stopGraceMs,
  });
  const results = await Promise.allSettled([
    // kinesalite keeps every acknowledged record in LevelDB: a killed one is restarted on
    // its data and port, and its clients' retries go on where they were.
    startRestartingEmulator(
      (port) => startKinesisEmulator({ ...common(EmulatorName.kinesis), ...(port === undefined ? {} : { port }), region: options.region }),
      {
        log: options.log,
        onRestart: options.onKinesisRestart,
      },
    ),
    startDynamoEmulator(common(EmulatorName.dynamodb)),
    startS3Emulator(common(EmulatorName.s3)),
  ]);
  const started = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) {
    await Promise.all(started.map((emulator) => emulator.stop()));
    throw failure.reason;
  }
  const [kinesis, dynamodb, s3] = started as [RunningEmulator, RunningEmulator, RunningEmulator];
  return {
    kinesis,
    dynamodb,
    s3,
    endpoints: { kinesis: kinesis.endpoint, dynamodb: dynamodb.endpoint, s3: s3.endpoint },
    stop: async () => {
      await Promise.all(started.map((emulator) => emulator.stop()));
    },
    onExit: (listener) => {
      const removers = started.map((emulator) => emulator.onExit(listener));
      return () => {
        for (const remove of removers) remove();
      };
    },
  };
}
