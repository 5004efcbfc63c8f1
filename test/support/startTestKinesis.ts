import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { localClientConfig, startKinesisEmulator, type RunningEmulator } from '../../src/local/emulators';

/** A Kinesis emulator of a test file's own, as the local stack starts it. */
export interface TestKinesis {
  readonly emulator: RunningEmulator;
  readonly endpoint: string;
  /** A client of it, destroyed by {@link TestKinesis.close}. */
  readonly kinesis: KinesisClient;
  /** Stops the emulator and removes its data. */
  close(): Promise<void>;
}

/** Starts the local stack's Kinesis emulator (kinesalite) with its data in a fresh temporary directory. */
export async function startTestKinesis(): Promise<TestKinesis> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'streamtally-test-kinesis-'));
  const emulator = await startKinesisEmulator({ dataDir });
  const kinesis = new KinesisClient(localClientConfig(emulator.endpoint));
  return {
    emulator,
    endpoint: emulator.endpoint,
    kinesis,
    close: async () => {
      kinesis.destroy();
      await emulator.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
