import type { ProducerEvent } from '../producer/types';
import { sleep } from '../shared/sleep';
import type { SyntheticEvents } from './SyntheticEvents';

/** Where synthetic items go: a `Producer` is one. */
export interface SyntheticSink {
  send(event: ProducerEvent): Promise<void>;
  /** Malformed items go here, deliberately unvalidated, so that the consumer's quarantine sees them. */
  sendRawUnvalidated(data: Uint8Array, partitionKey: string): Promise<void>;
}

/** Options of {@link runSynthetic}. */
export interface SyntheticRun {
  readonly events: SyntheticEvents;
  readonly sink: SyntheticSink;
  /** Items per second to aim at. */
  readonly ratePerSecond: number;
  /** How long to run; ends sooner if `signal` aborts. */
  readonly durationMs: number;
  readonly signal?: AbortSignal;
  /** @default Date.now */
  readonly now?: () => number;
}

/** What a run sent. */
export interface SyntheticRunResult {
  /** Items handed to the sink. */
  readonly items: number;
  readonly elapsedMs: number;
  readonly interrupted: boolean;
}

/**
 * Hands items to the sink at `ratePerSecond` for `durationMs`. The schedule
 * is absolute (item i is due at start + i / rate), so short stalls are caught
 * up; when the sink pushes back (a full producer buffer) the run simply
 * sends fewer items in its time, it never queues them up.
 */
export async function runSynthetic(run: SyntheticRun): Promise<SyntheticRunResult> {
  if (!(run.ratePerSecond > 0)) throw new RangeError(`runSynthetic: ratePerSecond must be positive, got ${run.ratePerSecond}`);
  const now = run.now ?? Date.now;
  const start = now();
  const total = Math.floor((run.ratePerSecond * run.durationMs) / 1000);
  let items = 0;
  while (items < total && !run.signal?.aborted) {
    const elapsed = now() - start;
    if (elapsed >= run.durationMs) break;
    const due = Math.min(total, Math.floor((elapsed * run.ratePerSecond) / 1000) + 1);
    while (items < due && !run.signal?.aborted) {
      const item = run.events.next(now());
      if (item.kind === 'event') await run.sink.send(item.event);
      else await run.sink.sendRawUnvalidated(item.data, item.partitionKey);
      items += 1;
    }
    const nextDueAt = start + (items * 1000) / run.ratePerSecond;
    const wait = Math.min(nextDueAt, start + run.durationMs) - now();
    if (wait > 0) await sleep(wait, run.signal);
  }
  return { items, elapsedMs: now() - start, interrupted: Boolean(run.signal?.aborted) };
}
