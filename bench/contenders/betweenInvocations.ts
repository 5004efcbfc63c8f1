import { setImmediate } from 'node:timers/promises';

/**
 * Returns to the event loop, as Lambda does between two invocations. With
 * in-memory stores a whole pass would otherwise run in microtasks, and work
 * Node defers to the loop would pile up: a zlib handle, for one, is only
 * released once its close callback has run (the Powertools base64 helper
 * opens one per record), and 100,000 of them held ~1.5 GB and slowed every
 * later pass.
 */
export function betweenInvocations(): Promise<void> {
  return setImmediate();
}
