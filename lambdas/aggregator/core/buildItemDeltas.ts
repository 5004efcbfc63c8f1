import { windowStartMs } from './granularity';
import type { Contribution, Granularity, ItemDelta, StreamEvent } from './types';

/** An event ready to aggregate, with its zero-padded sequence number. */
export interface SequencedEvent {
  readonly event: StreamEvent;
  readonly paddedSequence: string;
}

/** An {@link ItemDelta} under construction: its contributions can still grow. */
interface Cell {
  readonly delta: ItemDelta;
  readonly contributions: Contribution[];
  readonly windowStartMs: number;
  ascending: boolean;
}

/** The cells of one (type, key) in this batch, by granularity index. */
interface KeyCells {
  /** The cell the key's previous event went to: usually the next one's too. */
  readonly latest: (Cell | undefined)[];
  /** All cells by window start, made only once a key spans several windows. */
  readonly byWindow: (Map<number, Cell> | undefined)[];
}

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
 * @returns the deltas in order of first appearance.
 */
export function buildItemDeltas(
  shardId: string,
  events: readonly SequencedEvent[],
  granularities: readonly Granularity[],
): ItemDelta[] {
  // Hot path. Cells are found through nested maps on the event's own type
  // and key strings rather than through one composite string key: building
  // and hashing a new string per event and granularity was about 6x slower
  // (V8 caches the hash of an existing string), and a key's consecutive
  // events mostly land in the window of the previous one.
  const byType = new Map<string, Map<string, KeyCells>>();
  const cells: Cell[] = [];
  const granularityCount = granularities.length;

  for (const { event, paddedSequence } of events) {
    // One contribution object serves every granularity of the event.
    const contribution: Contribution = { paddedSequence, valueNanos: event.valueNanos, value: event.value };
    let byKey = byType.get(event.type);
    if (byKey === undefined) {
      byKey = new Map();
      byType.set(event.type, byKey);
    }
    let keyCells = byKey.get(event.key);
    if (keyCells === undefined) {
      keyCells = { latest: new Array(granularityCount).fill(undefined), byWindow: new Array(granularityCount).fill(undefined) };
      byKey.set(event.key, keyCells);
    }

    for (let g = 0; g < granularityCount; g++) {
      const granularity = granularities[g]!;
      const windowStart = windowStartMs(event.tsMs, granularity.sizeMs);
      const latest = keyCells.latest[g];
      let cell = latest;
      if (cell === undefined || cell.windowStartMs !== windowStart) {
        let byWindow = keyCells.byWindow[g];
        cell = byWindow?.get(windowStart);
        if (cell === undefined) {
          cell = newCell(shardId, event, granularity, windowStart);
          cells.push(cell);
          if (latest !== undefined) {
            if (byWindow === undefined) {
              byWindow = new Map([[latest.windowStartMs, latest]]);
              keyCells.byWindow[g] = byWindow;
            }
            byWindow.set(windowStart, cell);
          }
        }
        keyCells.latest[g] = cell;
      }
      const contributions = cell.contributions;
      // Padded sequence numbers have one width, so string order is numeric order.
      if (contributions.length > 0 && paddedSequence < contributions[contributions.length - 1]!.paddedSequence) {
        cell.ascending = false;
      }
      contributions.push(contribution);
    }
  }

  const deltas: ItemDelta[] = new Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!;
    if (!cell.ascending) cell.contributions.sort(byPaddedSequence);
    deltas[i] = cell.delta;
  }
  return deltas;
}

function newCell(shardId: string, event: StreamEvent, granularity: Granularity, windowStart: number): Cell {
  const contributions: Contribution[] = [];
  return {
    delta: {
      address: {
        type: event.type,
        key: event.key,
        granularity: granularity.label,
        windowStartMs: windowStart,
        windowSizeMs: granularity.sizeMs,
        expiresAtSec: Math.ceil((windowStart + granularity.sizeMs + granularity.ttlMs) / 1000),
      },
      shardId,
      contributions,
    },
    contributions,
    windowStartMs: windowStart,
    ascending: true,
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
