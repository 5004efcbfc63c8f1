import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDynalite, startS3rver } from './emulators';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    s3Endpoint: string;
  }
}

/** Starts the emulators the integration tests share, and stops them after the run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const s3Directory = mkdtempSync(join(tmpdir(), 'streamtally-s3-'));
  const dynamo = await startDynalite();
  const s3 = await startS3rver(s3Directory);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('s3Endpoint', s3.endpoint);
  return async () => {
    await Promise.all([dynamo.close(), s3.close()]);
    rmSync(s3Directory, { recursive: true, force: true });
  };
}
