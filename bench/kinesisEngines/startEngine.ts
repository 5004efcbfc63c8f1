import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { findFreePort } from '../../src/local/emulators/findFreePort';
import { localClientConfig } from '../../src/local/emulators/localClientConfig';
import { startKinesisEmulator } from '../../src/local/emulators/startKinesisEmulator';

/** The Kinesis emulators compared: the local stack's (kinesalite) and the one it replaced (kinesis-mock). */
export const KINESIS_ENGINES = ['kinesalite', 'kinesis-mock'] as const;
export type KinesisEngine = (typeof KINESIS_ENGINES)[number];

/** One engine's process, on its data directory. */
export interface EngineProcess {
  readonly endpoint: string;
  readonly pid: number;
  /** SIGKILL, and wait until it is gone. */
  kill(): Promise<void>;
  /** SIGTERM (it saves what it has), and wait until it is gone. */
  stop(): Promise<void>;
}

/**
 * Starts `engine` on `dataDir` (a second start on the same directory reads what the first
 * left). kinesalite through the local stack's own launcher; kinesis-mock as the local stack
 * started it before (kinesis-local's Node build, its data saved every 5 s and on SIGTERM).
 */
export async function startEngine(engine: KinesisEngine, dataDir: string, port?: number): Promise<EngineProcess> {
  if (engine === 'kinesalite') {
    const emulator = await startKinesisEmulator({ dataDir, port });
    return {
      endpoint: emulator.endpoint,
      pid: emulator.pid,
      kill: async () => {
        const gone = new Promise<void>((resolve) => emulator.onExit(() => resolve()));
        process.kill(emulator.pid, 'SIGKILL');
        await gone;
      },
      stop: () => emulator.stop(),
    };
  }
  const plainPort = port ?? (await findFreePort());
  const child = spawn(process.execPath, [require.resolve('kinesis-local/main.js')], {
    cwd: dataDir,
    env: {
      ...process.env,
      KINESIS_MOCK_CERT_PATH: require.resolve('kinesis-local/server.json'),
      KINESIS_MOCK_PLAIN_PORT: String(plainPort),
      KINESIS_MOCK_TLS_PORT: String(await findFreePort()),
      SHOULD_PERSIST_DATA: 'true',
      LOAD_DATA_IF_EXISTS: 'true',
      PERSIST_PATH: dataDir,
      PERSIST_FILE_NAME: 'kinesis-data.json',
      PERSIST_INTERVAL: '5000ms',
      CREATE_STREAM_DURATION: '0ms',
      LOG_LEVEL: 'WARN',
    },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const endpoint = `http://127.0.0.1:${plainPort}`;
  await waitUntilAnswers(endpoint, child);
  const exited = once(child, 'exit').then(() => undefined);
  return {
    endpoint,
    pid: child.pid as number,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function waitUntilAnswers(endpoint: string, child: ChildProcess): Promise<void> {
  const client = new KinesisClient(localClientConfig(endpoint, { maxAttempts: 1, requestTimeoutMs: 2000 }));
  try {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
      if (child.exitCode !== null) throw new Error(`kinesis-mock exited with code ${child.exitCode}`);
      try {
        await client.send(new ListStreamsCommand({}));
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    throw new Error('kinesis-mock did not answer within 60 s');
  } finally {
    client.destroy();
  }
}
