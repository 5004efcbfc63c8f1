import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  ListStreamsCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** A kinesis-local child process for one test file. */
export interface KinesisLocal {
  readonly endpoint: string;
  /** A client straight to the emulator (no proxy), for setting up and reading back. */
  readonly client: KinesisClient;
  stop(): Promise<void>;
}

/** A Kinesis client for a plain-HTTP endpoint, one attempt per request. */
export function kinesisClient(endpoint: string): KinesisClient {
  return new KinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });
}

/**
 * Starts kinesis-local (kinesis-mock's npm build) on free ports and resolves
 * once it answers. Another process may take a port between the probe and the
 * bind: the start is then retried on new ports.
 */
export async function startKinesisLocal(): Promise<KinesisLocal> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 4; attempt++) {
    const [plain, tls] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, [require.resolve('kinesis-local/main.js')], {
      env: {
        ...process.env,
        KINESIS_MOCK_CERT_PATH: require.resolve('kinesis-local/server.json'),
        KINESIS_MOCK_PLAIN_PORT: String(plain),
        KINESIS_MOCK_TLS_PORT: String(tls),
        LOG_LEVEL: 'ERROR',
        CREATE_STREAM_DURATION: '50ms',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2_000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const endpoint = `http://127.0.0.1:${plain}`;
    const client = kinesisClient(endpoint);
    try {
      await waitUntilAnswering(client, child);
      return { endpoint, client, stop: () => stop(child, client) };
    } catch (error) {
      lastError = new Error(`kinesis-local did not start: ${(error as Error).message}; output: ${output.slice(-500)}`);
      await stop(child, client);
    }
  }
  throw lastError;
}

/** Creates a stream and waits until it is ACTIVE. */
export async function createStream(client: KinesisClient, streamName: string, shardCount: number): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
  for (let waited = 0; waited < 20_000; waited += 50) {
    const { StreamDescriptionSummary } = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    if (StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`stream ${streamName} did not become ACTIVE`);
}

/** A record as read back from the stream. */
export interface StoredRecord {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly data: Buffer;
}

/** Every record of every shard, each shard in its order, from TRIM_HORIZON to the end. */
export async function readStream(client: KinesisClient, streamName: string): Promise<StoredRecord[]> {
  const records: StoredRecord[] = [];
  const { Shards } = await client.send(new ListShardsCommand({ StreamName: streamName }));
  for (const shard of Shards ?? []) {
    let { ShardIterator: iterator } = await client.send(
      new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    while (iterator) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const record of page.Records ?? []) {
        records.push({ shardId: shard.ShardId!, sequenceNumber: record.SequenceNumber!, partitionKey: record.PartitionKey!, data: Buffer.from(record.Data!) });
      }
      if ((page.Records ?? []).length === 0 && (page.MillisBehindLatest ?? 0) === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return records;
}

async function waitUntilAnswering(client: KinesisClient, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited (${child.exitCode ?? child.signalCode})`);
    try {
      await client.send(new ListStreamsCommand({}));
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error('no answer within 30 s');
}

async function stop(child: ChildProcess, client: KinesisClient): Promise<void> {
  client.destroy();
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    // kinesis-mock binds every interface, so probe every interface too.
    server.listen(0, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
