import { stackResourcesFromOutputs } from '../../stack/stackResourcesFromOutputs';
import type { LocalStackResources } from './LocalState';
import { LocalStateError } from '../errors';

/**
 * The local stack's resources from the template's outputs resolved to local values
 * (`plan.outputs`), so that commands on the local target find them the way they do on
 * AWS: through the outputs.
 * @throws {@link LocalStateError} naming the first required output the template lacks
 */
export function localResourcesFromOutputs(outputs: Readonly<Record<string, string>>): LocalStackResources {
  const found = stackResourcesFromOutputs(outputs);
  if ('missingOutput' in found) {
    throw new LocalStateError(
      'malformed',
      `the template has no output ${found.missingOutput}; the local stack cannot find its resources without it`,
    );
  }
  return found;
}
