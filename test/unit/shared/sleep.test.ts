import { describe, expect, it } from 'vitest';
import { sleep } from '../../../src/shared/sleep';

describe('sleep', () => {
  it('waits the time asked', async () => {
    const start = performance.now();
    await sleep(40);
    expect(performance.now() - start).toBeGreaterThanOrEqual(35);
  });

  it('resolves at once when the signal aborts during the wait, without an error', async () => {
    const controller = new AbortController();
    const start = performance.now();
    setTimeout(() => controller.abort(), 10);
    await expect(sleep(10_000, controller.signal)).resolves.toBeUndefined();
    expect(performance.now() - start).toBeLessThan(5_000);
  });

  it('does not wait when the signal has already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const start = performance.now();
    await sleep(10_000, controller.signal);
    expect(performance.now() - start).toBeLessThan(5_000);
  });
});
