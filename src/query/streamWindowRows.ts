import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readWindowKeys, type AggregateCell } from './readAggregates';

/** Windows read ahead of the one being printed: enough to overlap the round trips, few enough to hold. */
const READ_AHEAD = 4;

/**
 * Every key of every window from `fromWindowMs` to `toWindowMs`, one window
 * at a time in window order (within a window highest count first), reading
 * at most {@link READ_AHEAD} windows ahead of the consumer. Memory holds a
 * few windows, never the range, so any range can be read.
 *
 * `enrich` turns a window's cells into what is handed out (the measures
 * `query` reads per key, such as distinct-count sketches), inside the
 * read-ahead, so those reads overlap too.
 */
export function streamWindowRows(
  dynamo: DynamoDBClient,
  table: string,
  query: WindowRange,
): AsyncGenerator<{ windowStartMs: number; rows: AggregateCell[] }>;
export function streamWindowRows<R>(
  dynamo: DynamoDBClient,
  table: string,
  query: WindowRange,
  enrich: (windowStartMs: number, cells: AggregateCell[]) => Promise<R[]>,
): AsyncGenerator<{ windowStartMs: number; rows: R[] }>;
export async function* streamWindowRows<R>(
  dynamo: DynamoDBClient,
  table: string,
  query: WindowRange,
  enrich?: (windowStartMs: number, cells: AggregateCell[]) => Promise<R[]>,
): AsyncGenerator<{ windowStartMs: number; rows: (R | AggregateCell)[] }> {
  const pending: { windowStartMs: number; rows: Promise<(R | AggregateCell)[]> }[] = [];
  let next = query.fromWindowMs;
  const fill = () => {
    while (pending.length < READ_AHEAD && next <= query.toWindowMs) {
      const windowStartMs = next;
      const cells = readWindowKeys(dynamo, table, { type: query.type, granularity: query.granularity, windowStartMs });
      const rows = enrich ? cells.then((read) => enrich(windowStartMs, read)) : cells;
      // Awaited in order below; until then a failure must not count as unhandled.
      rows.catch(() => undefined);
      pending.push({ windowStartMs, rows });
      next += query.sizeMs;
    }
  };
  fill();
  while (pending.length > 0) {
    const head = pending.shift()!;
    const rows = await head.rows;
    fill();
    yield { windowStartMs: head.windowStartMs, rows };
  }
}

/** A type's windows of one granularity, by window start. */
interface WindowRange {
  readonly type: string;
  readonly granularity: string;
  readonly sizeMs: number;
  readonly fromWindowMs: number;
  readonly toWindowMs: number;
}
