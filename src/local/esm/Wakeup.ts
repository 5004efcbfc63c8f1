/**
 * A "something changed" signal between the loops of one mapping (new records
 * for a lane, records settled for a reader): a waiter wakes on the next
 * `notify`, on its timeout, or when the mapping stops.
 */
export class Wakeup {
  private readonly waiters = new Set<() => void>();

  /** Wakes every current waiter. */
  notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  /** Resolves on the next `notify`, after `timeoutMs` (when given), or when `signal` aborts. */
  wait(signal: AbortSignal, timeoutMs?: number): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        if (timer) clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      if (timeoutMs !== undefined) timer = setTimeout(done, Math.max(0, timeoutMs));
      signal.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
  }
}
