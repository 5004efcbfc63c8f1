import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import type { EmulatorOptions } from './EmulatorOptions';
import { EmulatorName } from './EmulatorName';
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
}

/**
 * Starts kinesalite (patched, see docs/local-runtime.md) as a child process on
 * 127.0.0.1, plain HTTP, its streams in a LevelDB store in `dataDir`: every
 * acknowledged record is in LevelDB's log before the answer, so a killed emulator
 * loses none. Resolves once it answers ListStreams.
 *
 * @example
 * const kinesis = await startKinesisEmulator({ dataDir: '/tmp/k' });
 * // new KinesisClient(localClientConfig(kinesis.endpoint))
 * await kinesis.stop();
 */
export function startKinesisEmulator(options: KinesisEmulatorOptions = {}): Promise<RunningEmulator> {
  const region = options.region ?? 'us-east-1';
  return launchEmulator(
    {
      name: EmulatorName.kinesis,
      launcher: 'kinesis.cjs',
      probeName: 'ListStreams',
      prepare: async (port, dataDir) => ({ args: [JSON.stringify({ port, host: '127.0.0.1', path: dataDir, region })], env: {} }),
      probe: (endpoint) => {
        const client = new KinesisClient(localClientConfig(endpoint, { region, maxAttempts: 1, requestTimeoutMs: 2000 }));
        return { send: () => client.send(new ListStreamsCommand({})), destroy: () => client.destroy() };
      },
    },
    options,
  );
}
