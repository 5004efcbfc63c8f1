import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

const PACKAGE_DIRECTORY = join(__dirname, '..', '..', '..', '..', 'node_modules', 'kinesis-local');

/** A kinesis-local child process for one test file. */
export interface KinesisLocal {
  readonly endpoint: string;
  /** A client of it (plain HTTP needs the HTTP/1 handler). */
  client(): KinesisClient;
  /** Stops the process and waits for it to be gone (destroy its clients first, or it waits for their connections). */
  close(): Promise<void>;
}

/**
 * Starts kinesis-local (kinesis-mock's Node build) on free ports and waits
 * until it answers. Streams become ACTIVE and shards split at once
 * (`*_DURATION=0ms`), which keeps tests fast without changing what is read.
 */
export async function startKinesisLocal(): Promise<KinesisLocal> {
  // A free port can be taken between finding it and the emulator binding it: try again on fresh ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce();
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

async function startOnce(): Promise<KinesisLocal> {
  const plainPort = await freePort();
  const tlsPort = await freePort();
  const child = spawn(process.execPath, [join(PACKAGE_DIRECTORY, 'main.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      KINESIS_MOCK_CERT_PATH: join(PACKAGE_DIRECTORY, 'server.json'),
      KINESIS_MOCK_PLAIN_PORT: String(plainPort),
      KINESIS_MOCK_TLS_PORT: String(tlsPort),
      CREATE_STREAM_DURATION: '0ms',
      SPLIT_SHARD_DURATION: '0ms',
      MERGE_SHARDS_DURATION: '0ms',
      LOG_LEVEL: 'WARN',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = `http://127.0.0.1:${plainPort}`;
  const client = () =>
    new KinesisClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      requestHandler: new NodeHttpHandler(),
      maxAttempts: 3,
    });
  const probe = client();
  try {
    await waitUntilAnswers(probe, child, () => output);
  } catch (error) {
    await stop(child, exited);
    throw error;
  } finally {
    // An open keep-alive connection makes the emulator's graceful shutdown wait for it.
    probe.destroy();
  }
  return { endpoint, client, close: () => stop(child, exited) };
}

async function waitUntilAnswers(client: KinesisClient, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`kinesis-local exited with ${child.exitCode}: ${output()}`);
    try {
      await client.send(new ListStreamsCommand({}));
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`kinesis-local did not answer within 30 s: ${(error as Error).message}\n${output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  // Nothing to persist: an emulator that does not stop at once is killed.
  const killer = setTimeout(() => child.kill('SIGKILL'), 2_000);
  await exited;
  clearTimeout(killer);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
