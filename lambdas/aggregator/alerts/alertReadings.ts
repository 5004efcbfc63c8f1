import { alertCell, AlertComparison, type DataAlert, type ItemAddress, type ItemDelta } from '../../../core';
import type { AggregateState } from '../store/ports';
import { measureValue, riseRatio } from './measureValue';

/** One data alert's value after a batch: what the consumer publishes as DATA_ALERT_METRIC. */
export interface AlertReading {
  readonly alert: string;
  readonly value: number;
}

/** Reads a watched cell's measure in an earlier window (for `risesOver`): an item the batch did not write. */
export interface PreviousWindowReader {
  /** The measure's value in the window `windowStartMs` of the alert's cell, or undefined when it holds none. */
  value(alert: DataAlert, address: ItemAddress): Promise<number | undefined>;
}

/** What the batch wrote, as the alerts read it. */
export interface WrittenCells {
  readonly deltas: readonly ItemDelta[];
  /** Per delta: its item after the write, or undefined when the write failed (or returned no state). */
  readonly states: readonly (AggregateState | undefined)[];
  /** Per delta and distinct field: the merged sketch's estimate, when the merge succeeded. */
  readonly estimate: (deltaIndex: number, field: string) => number | undefined;
}

/**
 * For every alert whose cell the batch wrote, the cell's value in the newest
 * window the batch wrote (docs/measures.md, alerts on the data). A
 * `risesOver` alert gives the ratio to the previous window's value; when
 * that cannot be read the alert is left out of this batch's readings (its
 * metric then misses one datapoint; the counts are unaffected).
 */
export async function alertReadings(
  alerts: readonly DataAlert[],
  written: WrittenCells,
  previous: PreviousWindowReader | undefined,
): Promise<{ readings: AlertReading[]; errors: unknown[] }> {
  const readings: AlertReading[] = [];
  const errors: unknown[] = [];
  for (const alert of alerts) {
    const cell = alertCell(alert);
    let newest = -1;
    for (let i = 0; i < written.deltas.length; i++) {
      const { address } = written.deltas[i]!;
      if (
        written.states[i] === undefined ||
        address.type !== cell.type ||
        address.key !== cell.key ||
        address.granularity !== cell.granularity
      )
        continue;
      if (newest === -1 || address.windowStartMs > written.deltas[newest]!.address.windowStartMs) newest = i;
    }
    if (newest === -1) continue;
    const current = measureValue(alert.measure, written.states[newest]!, (field) => written.estimate(newest, field));
    if (current === undefined) continue;
    if (alert.comparison !== AlertComparison.risesOver) {
      readings.push({ alert: alert.name, value: current });
      continue;
    }
    if (previous === undefined) continue;
    const { address } = written.deltas[newest]!;
    try {
      const before = await previous.value(alert, { ...address, windowStartMs: address.windowStartMs - address.windowSizeMs });
      readings.push({ alert: alert.name, value: riseRatio(current, before) });
    } catch (error) {
      errors.push(error);
    }
  }
  return { readings, errors };
}
