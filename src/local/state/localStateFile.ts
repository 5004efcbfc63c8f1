import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { isProcessAlive } from './isProcessAlive';
import { localPaths } from './localPaths';
import type { LocalState } from './LocalState';
import { LocalStateError } from '../errors';

const START_HINT = 'start one with `streamtally local up`';

/**
 * Writes the state file `.streamtally/local.json` under `projectRoot` atomically (a
 * temporary file renamed over it), so a reader never sees half a file.
 * @returns the state file's path
 */
export function writeLocalState(state: LocalState, projectRoot?: string): string {
  const { localDir, stateFile } = localPaths(projectRoot);
  mkdirSync(localDir, { recursive: true });
  const temporary = path.join(localDir, `.local.json.${process.pid}.tmp`);
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, stateFile);
  return stateFile;
}

/** Options of {@link readLocalState}. */
export interface ReadLocalStateOptions {
  /**
   * Return the state even if its process has exited (for `local down`, which cleans up
   * after a stack that died).
   * @default false
   */
  readonly allowStale?: boolean;
}

/**
 * Reads the state file of the local stack running under `projectRoot`.
 * @throws {@link LocalStateError} (one line) when there is none ("no local stack is running;
 * start one with `streamtally local up`"), its process is gone, or it is malformed
 */
export function readLocalState(projectRoot?: string, options: ReadLocalStateOptions = {}): LocalState {
  const { stateFile } = localPaths(projectRoot);
  let text: string;
  try {
    text = readFileSync(stateFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new LocalStateError('absent', `no local stack is running; ${START_HINT}`, { cause: error });
    throw new LocalStateError('malformed', `cannot read ${stateFile}: ${(error as Error).message}`, { cause: error });
  }
  let state: LocalState;
  try {
    state = JSON.parse(text) as LocalState;
  } catch (error) {
    throw new LocalStateError('malformed', `${stateFile} is not valid JSON; delete it and ${START_HINT}`, { cause: error });
  }
  const problem = shapeProblem(state);
  if (problem) throw new LocalStateError('malformed', `${stateFile} is malformed (${problem}); delete it and ${START_HINT}`);
  if (!options.allowStale && !isProcessAlive(state.pid)) {
    throw new LocalStateError(
      'stale',
      `no local stack is running (the one recorded in ${stateFile}, pid ${state.pid}, has exited); ${START_HINT}`,
    );
  }
  return state;
}

/**
 * Deletes the state file, when a local stack stops. With `pid`, only if the file is that
 * process's (a newer stack's file is left alone).
 */
export function removeLocalState(projectRoot?: string, pid?: number): void {
  const { stateFile } = localPaths(projectRoot);
  if (pid !== undefined) {
    try {
      if ((JSON.parse(readFileSync(stateFile, 'utf8')) as Partial<LocalState>).pid !== pid) return;
    } catch {
      return;
    }
  }
  rmSync(stateFile, { force: true });
}

function shapeProblem(state: unknown): string | undefined {
  const value = state as Partial<LocalState> | null;
  if (value === null || typeof value !== 'object') return 'not an object';
  if (typeof value.region !== 'string') return 'no region';
  for (const name of ['kinesis', 'dynamodb', 's3'] as const) {
    if (typeof value.endpoints?.[name] !== 'string') return `no endpoints.${name}`;
  }
  for (const name of ['streamName', 'aggregatesTable', 'checkpointTable', 'quarantineBucket'] as const) {
    if (typeof value.resources?.[name] !== 'string') return `no resources.${name}`;
  }
  if (!Number.isInteger(value.pid)) return 'no pid';
  return undefined;
}
