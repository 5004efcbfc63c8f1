import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { HyperLogLog } from '../../core';
import { mapWithConcurrency } from '../../lambdas/shared/mapWithConcurrency';
import type { AggregateCell } from './readAggregates';
import { readCellSketches, type DistinctSketch } from './readDistinct';

/** A cell and its distinct-count sketches by field (empty when it has none). */
export interface SketchedCell {
  readonly cell: AggregateCell;
  readonly sketches: ReadonlyMap<string, HyperLogLog>;
}

/** Sketch Queries in flight at once for one window's keys: overlaps the round trips without crowding the table. */
const SKETCH_READ_CONCURRENCY = 8;

/**
 * The sketches of each cell of one window: one Query per key whose item names distinct fields (a window's
 * cells are different keys, each with its own sketch `pk`), at most
 * {@link SKETCH_READ_CONCURRENCY} at once. Holds one window's sketches.
 */
export async function sketchWindowCells(
  dynamo: DynamoDBClient,
  table: string,
  window: { type: string; granularity: string; windowStartMs: number },
  cells: readonly AggregateCell[],
): Promise<SketchedCell[]> {
  // Only items naming distinct fields (`qd`) have sketches: the others cost no Query.
  const settled = await mapWithConcurrency(cells, SKETCH_READ_CONCURRENCY, async (cell) =>
    cell.distinctFields === undefined ? NO_SKETCHES : readCellSketches(dynamo, table, { ...window, key: cell.key }),
  );
  return settled.map((result, index) => {
    if (result.status === 'rejected') throw result.reason;
    return { cell: cells[index]!, sketches: result.value };
  });
}

/**
 * One key's cells joined with its sketches, page by page: both come in
 * window order (an ISO window start sorts as its time), so each page of
 * cells takes the sketches up to its last window from the sketch pages and
 * no more. Holds a page of each, never the range.
 */
export async function* joinKeySketches(
  cellPages: AsyncIterable<AggregateCell[]>,
  sketchPages: AsyncIterator<DistinctSketch[]>,
): AsyncGenerator<SketchedCell[]> {
  let buffered: DistinctSketch[] = [];
  let sketchesDone = false;
  for await (const cells of cellPages) {
    const last = cells[cells.length - 1]?.windowStart;
    if (last === undefined) continue;
    while (!sketchesDone && (buffered.length === 0 || buffered[buffered.length - 1]!.windowStart <= last)) {
      const next = await sketchPages.next();
      if (next.done) sketchesDone = true;
      else buffered.push(...next.value);
    }
    const byWindow = new Map<string, Map<string, HyperLogLog>>();
    for (const { windowStart, field, sketch } of buffered) {
      if (windowStart > last) break;
      let fields = byWindow.get(windowStart);
      if (!fields) byWindow.set(windowStart, (fields = new Map()));
      fields.set(field, sketch);
    }
    buffered = buffered.filter((sketch) => sketch.windowStart > last);
    yield cells.map((cell) => ({ cell, sketches: byWindow.get(cell.windowStart) ?? NO_SKETCHES }));
  }
}

const NO_SKETCHES: ReadonlyMap<string, HyperLogLog> = new Map();
