import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import type { EmulatorOptions } from './EmulatorOptions';
import { EmulatorName } from './EmulatorName';
import { launchEmulator } from './launchEmulator';
import { localClientConfig } from './localClientConfig';
import type { RunningEmulator } from './RunningEmulator';

/**
 * Starts s3rver as a child process on 127.0.0.1, objects stored as files under `dataDir`,
 * accepting any credentials. Resolves once it answers ListBuckets. Use path-style
 * addressing (`forcePathStyle: true`).
 */
export function startS3Emulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return launchEmulator(
    {
      name: EmulatorName.s3,
      launcher: 's3.cjs',
      // s3rver encrypts ListObjects continuation tokens with DES, which OpenSSL 3 (Node 17+)
      // only offers through its legacy provider: without it, listing a bucket of more than
      // 1,000 objects fails with InternalError.
      nodeOptions: ['--openssl-legacy-provider'],
      probeName: 'ListBuckets',
      prepare: async (port, dataDir) => ({ args: [JSON.stringify({ port, host: '127.0.0.1', directory: dataDir })], env: {} }),
      probe: (endpoint) => {
        const client = new S3Client({ ...localClientConfig(endpoint, { maxAttempts: 1, requestTimeoutMs: 2000 }), forcePathStyle: true });
        return { send: () => client.send(new ListBucketsCommand({})), destroy: () => client.destroy() };
      },
    },
    options,
  );
}
