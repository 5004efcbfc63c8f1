import { windowStartMs } from './granularity';
import type { Contribution, Granularity, ItemDelta, StreamEvent } from './types';

/** An event ready to aggregate, with its zero-padded sequence number. */
export interface SequencedEvent {
  readonly event: StreamEvent;
  readonly paddedSequence: string;
  /**
   * For a derived cell's event (core/deriveCellEvents.ts): the event it was
   * derived from, whose fields the cell's distinct counts read. Absent: `event` itself.
   */
  readonly origin?: StreamEvent;
}

/** An {@link ItemDelta} whose contributions can still grow while it is built. */
type GrowingDelta = ItemDelta & { readonly contributions: Contribution[] };

/**
 * Groups events into one delta per (type, key, granularity, window): the
 * change this batch makes to each aggregate item.
 *
 * Each delta keeps its individual contributions (ascending by sequence
 * number) rather than only a sum, so that the store adapter can skip the ones
 * an earlier, partly applied attempt of the same batch already wrote.
 *
 * @param shardId the shard all events come from.
 * @param events usually in sequence order; any order gives the same result.
 * @param granularities the window granularities every event is added to.
 * @param inSequenceOrder pass `true` only when `events` are known to be in
 *   ascending sequence order (processBatch has just checked): saves checking
 *   it again here. The result is the same either way.
 * @returns the deltas in order of first appearance.
 */
export function buildItemDeltas(
  shardId: string,
  events: readonly SequencedEvent[],
  granularities: readonly Granularity[],
  inSequenceOrder = false,
): ItemDelta[] {
  // Hot path. Deltas are found through nested maps on the event's own type
  // and key strings, whose hashes V8 caches, and a key's consecutive events
  // mostly land in the window of its previous event. Building and hashing a
  // composite string per event and granularity was about 3x slower, so that
  // is only done when a key moves to another window.
  const latestByType = new Map<string, Map<string, GrowingDelta[]>>();
  const byCell = new Map<string, GrowingDelta>();
  const deltas: GrowingDelta[] = [];
  let unsorted: Set<GrowingDelta> | undefined;
  const granularityCount = granularities.length;
  // Sorted input (the usual case) makes every delta sorted: one comparison
  // per event here saves one per event and granularity below.
  const inOrder = inSequenceOrder || isInSequenceOrder(events);

  for (const { event, paddedSequence, origin } of events) {
    // One contribution object serves every granularity of the event.
    const contribution: Contribution = { paddedSequence, valueNanos: event.valueNanos, value: event.value, event: origin ?? event };
    let latestByKey = latestByType.get(event.type);
    if (latestByKey === undefined) {
      latestByKey = new Map();
      latestByType.set(event.type, latestByKey);
    }
    let latest = latestByKey.get(event.key);
    if (latest === undefined) {
      latest = [];
      latestByKey.set(event.key, latest);
    }

    const tsMs = event.tsMs;
    for (let g = 0; g < granularityCount; g++) {
      const granularity = granularities[g]!;
      let delta: GrowingDelta | undefined = latest[g];
      if (delta === undefined) {
        delta = newDelta(shardId, event, granularity, windowStartMs(tsMs, granularity.sizeMs));
        deltas.push(delta);
        latest[g] = delta;
      } else {
        // Inside the window of the key's previous event? Two exact integer
        // comparisons instead of a floating-point remainder.
        const previousStart = delta.address.windowStartMs;
        if (!(tsMs >= previousStart && tsMs - previousStart < granularity.sizeMs)) {
          // The key spans several windows of this granularity in this batch.
          const windowStart = windowStartMs(tsMs, granularity.sizeMs);
          const { address } = delta;
          byCell.set(cellKey(g, address.windowStartMs, address.type, address.key), delta);
          const cell = cellKey(g, windowStart, event.type, event.key);
          delta = byCell.get(cell);
          if (delta === undefined) {
            delta = newDelta(shardId, event, granularity, windowStart);
            deltas.push(delta);
            byCell.set(cell, delta);
          }
          latest[g] = delta;
        }
      }

      const contributions = delta.contributions;
      // Padded sequence numbers have one width, so string order is numeric order.
      if (!inOrder && contributions.length > 0 && paddedSequence < contributions[contributions.length - 1]!.paddedSequence) {
        (unsorted ??= new Set()).add(delta);
      }
      contributions.push(contribution);
    }
  }

  if (unsorted !== undefined) for (const delta of unsorted) delta.contributions.sort(byPaddedSequence);
  return deltas;
}

function isInSequenceOrder(events: readonly SequencedEvent[]): boolean {
  for (let i = 1; i < events.length; i++) {
    if (events[i]!.paddedSequence < events[i - 1]!.paddedSequence) return false;
  }
  return true;
}

/** A unique key for a cell: granularity index and window contain no '#', and the key comes last. */
function cellKey(granularityIndex: number, windowStart: number, type: string, key: string): string {
  return `${granularityIndex}#${windowStart}#${type}#${key}`;
}

function newDelta(shardId: string, event: StreamEvent, granularity: Granularity, windowStart: number): GrowingDelta {
  return {
    address: {
      type: event.type,
      key: event.key,
      granularity: granularity.label,
      windowStartMs: windowStart,
      windowSizeMs: granularity.sizeMs,
      expiresAtSec: Math.ceil((windowStart + granularity.sizeMs + granularity.ttlMs) / 1000),
    },
    shardId,
    contributions: [],
  };
}

function byPaddedSequence(a: Contribution, b: Contribution): number {
  return a.paddedSequence < b.paddedSequence ? -1 : a.paddedSequence > b.paddedSequence ? 1 : 0;
}

/** The totals of a list of contributions, as an adapter writes them to an item. */
export interface ContributionSummary {
  readonly count: number;
  /** The exact sum of the values in nano-units. */
  readonly sumNanos: bigint;
  readonly min: number;
  readonly max: number;
}

/**
 * Sums up contributions: their count, exact sum, smallest and largest value.
 *
 * @throws Error when `contributions` is empty: there is no min or max to
 *   write, and an adapter should not write an item it has nothing for.
 */
export function summarizeContributions(contributions: readonly Contribution[]): ContributionSummary {
  if (contributions.length === 0) throw new Error('summarizeContributions needs at least one contribution');
  let sumNanos = 0n;
  let min = Infinity;
  let max = -Infinity;
  for (const { valueNanos, value } of contributions) {
    sumNanos += valueNanos;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return { count: contributions.length, sumNanos, min, max };
}
