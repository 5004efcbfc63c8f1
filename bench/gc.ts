import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full garbage collection between measured runs, so that one contender's
 * garbage is not collected on another's time. `npm run bench` starts node
 * without --expose-gc; the flag can still be set at run time and `gc` taken
 * from a fresh context.
 */
export const collectGarbage: () => void = (() => {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();
