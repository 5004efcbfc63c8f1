import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Calls `check` every `intervalMs` until it returns a value other than undefined, and
 * returns that; throws `timeoutError()` after `timeoutMs`.
 */
export async function waitUntil<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  timeoutError: () => Error,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw timeoutError();
    await sleep(intervalMs);
  }
}
