import type { AddressInfo } from 'node:net';

/** A running emulator: where to reach it and how to stop it. */
export interface RunningEmulator {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** dynalite in memory, with tables ACTIVE at once (its default keeps them CREATING for 500 ms). */
export async function startDynalite(): Promise<RunningEmulator> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dynalite = require('dynalite') as (options: object) => import('node:http').Server;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * s3rver storing objects under `directory`. s3rver knows one access key
 * (`S3RVER`); every key is mapped to its account and signatures are not
 * checked, so any credentials work, as with the other emulators.
 */
export async function startS3rver(directory: string): Promise<RunningEmulator> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver = require('s3rver');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const AWSAccount = require('s3rver/lib/models/account');
  AWSAccount.registry.get = () => AWSAccount.DUMMY_ACCOUNT;
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, allowMismatchedSignatures: true });
  const { port } = (await server.run()) as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, close: () => server.close() };
}
