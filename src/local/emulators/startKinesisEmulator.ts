import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import type { EmulatorOptions } from './EmulatorOptions';
import { EmulatorName } from './EmulatorName';
import { findFreePort } from './findFreePort';
import { launchEmulator } from './launchEmulator';
import { localClientConfig } from './localClientConfig';
import type { RunningEmulator } from './RunningEmulator';

/** Options of {@link startKinesisEmulator}. */
export interface KinesisEmulatorOptions extends EmulatorOptions {
  /**
   * The region of the stream ARNs it reports.
   * @default 'us-east-1'
   */
  readonly region?: string;
  /**
   * How often kinesis-mock writes all of its data to disk. A stop (SIGTERM) always writes
   * it; an emulator killed outright loses at most this much of the latest records.
   * Each write serialises every stream, so shorter costs emulator CPU.
   * @default 5000
   */
  readonly persistIntervalMs?: number;
}

/**
 * Starts kinesis-local (kinesis-mock, the engine LocalStack uses) as a child process on
 * 127.0.0.1, plain HTTP, with its data persisted to `<dataDir>/kinesis-data.json`.
 * Resolves once it answers ListStreams.
 *
 * @example
 * const kinesis = await startKinesisEmulator({ dataDir: '/tmp/k' });
 * // new KinesisClient({ endpoint: kinesis.endpoint, requestHandler: new NodeHttpHandler(), ... })
 * await kinesis.stop();
 */
export function startKinesisEmulator(options: KinesisEmulatorOptions = {}): Promise<RunningEmulator> {
  const region = options.region ?? 'us-east-1';
  return launchEmulator(
    {
      name: EmulatorName.kinesis,
      launcher: 'kinesis.cjs',
      probeName: 'ListStreams',
      prepare: async (port, dataDir) => ({
        args: [],
        env: {
          KINESIS_MOCK_CERT_PATH: require.resolve('kinesis-local/server.json'),
          KINESIS_MOCK_PLAIN_PORT: String(port),
          // Always served by kinesis-mock; nobody here uses it.
          KINESIS_MOCK_TLS_PORT: String(await findFreePort()),
          SHOULD_PERSIST_DATA: 'true',
          LOAD_DATA_IF_EXISTS: 'true',
          PERSIST_PATH: dataDir,
          PERSIST_FILE_NAME: 'kinesis-data.json',
          PERSIST_INTERVAL: `${options.persistIntervalMs ?? 5000}ms`,
          AWS_REGION: region,
          // INFO logs every request: CPU the emulator, the bottleneck of the local stack, needs.
          LOG_LEVEL: 'WARN',
        },
      }),
      probe: (endpoint) => {
        const client = new KinesisClient(localClientConfig(endpoint, { region, maxAttempts: 1, requestTimeoutMs: 2000 }));
        return { send: () => client.send(new ListStreamsCommand({})), destroy: () => client.destroy() };
      },
    },
    options,
  );
}
