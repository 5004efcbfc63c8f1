import { describe, expect, it } from 'vitest';
import { mapWithConcurrency, settleWithConcurrency } from '../../../lambdas/shared/mapWithConcurrency';

/** A task that tracks how many run at once, finishing in reverse order of start. */
function trackedTask() {
  let inFlight = 0;
  let most = 0;
  const task = async (n: number): Promise<number> => {
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 20 - n));
    inFlight--;
    if (n % 3 === 0) throw new Error(`task ${n}`);
    return n * 10;
  };
  return { task, most: () => most };
}

const items = Array.from({ length: 10 }, (_, i) => i);

describe('settleWithConcurrency', () => {
  it('keeps at most `limit` tasks in flight, reports failures in index order and each result once', async () => {
    const { task, most } = trackedTask();
    const fulfilled: [number, number, number][] = [];
    const failures = await settleWithConcurrency(items, 3, task, (item, result, index) => fulfilled.push([item, result, index]));
    expect(most()).toBe(3);
    expect(failures?.map((failure) => [failure.index, (failure.error as Error).message])).toEqual([
      [0, 'task 0'],
      [3, 'task 3'],
      [6, 'task 6'],
      [9, 'task 9'],
    ]);
    expect(fulfilled.sort((a, b) => a[2] - b[2])).toEqual([1, 2, 4, 5, 7, 8].map((n) => [n, n * 10, n]));
  });

  it('sorts failures by index when later tasks fail first', async () => {
    const { task } = trackedTask();
    const failures = await settleWithConcurrency(items, items.length, task);
    expect(failures?.map((failure) => failure.index)).toEqual([0, 3, 6, 9]);
  });

  it('returns undefined when nothing failed, and runs no task for no items', async () => {
    expect(await settleWithConcurrency([1, 2], 8, async (n) => n)).toBeUndefined();
    expect(
      await settleWithConcurrency([], 8, async () => {
        throw new Error('not run');
      }),
    ).toBeUndefined();
  });
});

describe('mapWithConcurrency', () => {
  it('settles every item in item order, like Promise.allSettled, within the limit', async () => {
    const { task, most } = trackedTask();
    const settled = await mapWithConcurrency(items, 4, task);
    expect(most()).toBe(4);
    expect(settled.map((result) => (result.status === 'fulfilled' ? result.value : (result.reason as Error).message))).toEqual(
      items.map((n) => (n % 3 === 0 ? `task ${n}` : n * 10)),
    );
  });
});
