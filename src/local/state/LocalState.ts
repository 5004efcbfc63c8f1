import type { StackResources } from '../../stack/stackResourcesFromOutputs';
import type { EmulatorName } from '../emulators/EmulatorName';
import type { LocalEndpoints } from '../emulators/LocalEndpoints';

/** The resources of the local stack, found through the template's outputs (docs/contract.md §3–§4). */
export type LocalStackResources = StackResources;

/** `.streamtally/local.json`: what `streamtally local up` writes once the local stack is ready (docs/contract.md §3). */
export interface LocalState {
  readonly region: string;
  /** Point any AWS SDK client here, with any credentials. */
  readonly endpoints: LocalEndpoints;
  readonly resources: LocalStackResources;
  /** Every output of the template, with its local value. */
  readonly outputs: Readonly<Record<string, string>>;
  /** The stack the local stack was provisioned from. */
  readonly stackName: string;
  /** The process running the local stack (`local down` signals it). */
  readonly pid: number;
  /** The emulators' process ids, to check that none outlives the stack. */
  readonly emulatorPids: Readonly<Record<EmulatorName, number>>;
  /** When it became ready, ISO-8601. */
  readonly startedAt: string;
}
