import { setTimeout as sleep } from 'node:timers/promises';

/** How a wait for an emulator's first answer ended. */
export type WaitOutcome =
  | { readonly kind: 'answered' }
  | { readonly kind: 'exited' }
  | { readonly kind: 'timedOut'; readonly lastError: unknown };

/**
 * Calls `probe` (one real API call) every `intervalMs` until it succeeds, the process
 * has exited, or `timeoutMs` have passed. A listening socket is not enough: an emulator
 * may listen before its store is open.
 */
export async function waitUntilAnswers(
  probe: () => Promise<unknown>,
  options: { readonly timeoutMs: number; readonly hasExited: () => boolean; readonly intervalMs?: number },
): Promise<WaitOutcome> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    if (options.hasExited()) return { kind: 'exited' };
    try {
      await probe();
      return { kind: 'answered' };
    } catch (error) {
      lastError = error;
    }
    if (options.hasExited()) return { kind: 'exited' };
    if (Date.now() >= deadline) return { kind: 'timedOut', lastError };
    await sleep(options.intervalMs ?? 100);
  }
}
