import { readLocalState } from '../../local/state/localStateFile';
import type { StackResources } from '../../stack/stackResourcesFromOutputs';
import { UserError } from '../errors';

/** The parts of the local state file (docs/contract.md §3) that a command needs. */
export interface LocalTargetState {
  readonly region: string;
  readonly endpoints: { readonly kinesis: string; readonly dynamodb: string; readonly s3: string };
  readonly resources: StackResources;
  /** The stack the local stack was provisioned from. */
  readonly stackName: string;
  /** When the local stack became ready, ISO-8601. */
  readonly startedAt: string;
}

/** Reads the running local stack's state file, as a one-line error when there is none. */
export function readLocalStateForCli(projectRoot = process.cwd()): LocalTargetState {
  try {
    return readLocalState(projectRoot);
  } catch (error) {
    throw new UserError((error as Error).message, 2, { cause: error });
  }
}
