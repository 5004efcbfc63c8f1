/**
 * The one bounded worker pool of the project. Written here rather than taken
 * from p-limit because p-limit is ESM-only and this package is CommonJS; the
 * whole job is these few lines.
 */

/** A failed task of {@link settleWithConcurrency}: the item's index and what it threw. */
export interface TaskFailure {
  readonly index: number;
  readonly error: unknown;
}

/**
 * Runs `task` over `items` with at most `limit` in flight, started in item
 * order, and waits for every one. It keeps only the failures (in index order,
 * `undefined` when there are none) and calls `onFulfilled` with each result,
 * so the common path makes no promise or result object per item beyond the
 * one `task` returns: the consumer's hot path writes through it.
 */
export async function settleWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
  onFulfilled?: (item: T, result: R, index: number) => void,
): Promise<TaskFailure[] | undefined> {
  let failures: TaskFailure[] | undefined;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      const item = items[index]!;
      let result: R;
      try {
        result = await task(item);
      } catch (error) {
        (failures ??= []).push({ index, error });
        continue;
      }
      onFulfilled?.(item, result, index);
    }
  };
  const workerCount = Math.min(Math.max(1, limit), items.length);
  const workers: Promise<void>[] = [];
  for (let i = 0; i < workerCount; i++) workers.push(worker());
  await Promise.all(workers);
  // Workers finish out of order when tasks take different times.
  return failures?.sort((a, b) => a.index - b.index);
}

/** Like Promise.allSettled over `task(item)` for every item, with at most `limit` in flight. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  const failures = await settleWithConcurrency(items, limit, task, (_item, value, index) => {
    results[index] = { status: 'fulfilled', value };
  });
  for (const { index, error } of failures ?? []) results[index] = { status: 'rejected', reason: error };
  return results;
}
