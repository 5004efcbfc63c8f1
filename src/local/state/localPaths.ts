import * as path from 'node:path';
import type { EmulatorName } from '../emulators/EmulatorName';

/** The project root: where package.json, cdk.out and `.streamtally/` are. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Where the local stack keeps what it leaves on disk, under one project root. */
export interface LocalPaths {
  /** `.streamtally/`: everything the local stack writes (git-ignored). */
  readonly localDir: string;
  /** `.streamtally/local.json`: the state file of docs/contract.md §3. */
  readonly stateFile: string;
  /** `.streamtally/data/<emulator>`: an emulator's persisted data. */
  dataDir(emulator: EmulatorName): string;
  /** `cdk.out`: the synthesized cloud assembly the local stack is provisioned from. */
  readonly cdkOutDir: string;
}

/**
 * The local stack's paths under `projectRoot`.
 * @param projectRoot @default {@link PROJECT_ROOT}
 */
export function localPaths(projectRoot: string = PROJECT_ROOT): LocalPaths {
  const localDir = path.join(projectRoot, '.streamtally');
  return {
    localDir,
    stateFile: path.join(localDir, 'local.json'),
    dataDir: (emulator) => path.join(localDir, 'data', emulator),
    cdkOutDir: path.join(projectRoot, 'cdk.out'),
  };
}
