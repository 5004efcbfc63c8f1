import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readWindowKeys, type AggregateRow } from './readAggregates';

/** Windows read ahead of the one being printed: enough to overlap the round trips, few enough to hold. */
const READ_AHEAD = 4;

/**
 * Every key of every window from `fromWindowMs` to `toWindowMs`, one window
 * at a time in window order (within a window highest count first), reading
 * at most {@link READ_AHEAD} windows ahead of the consumer. Memory holds a
 * few windows, never the range, so any range can be read.
 */
export async function* streamWindowRows(
  dynamo: DynamoDBClient,
  table: string,
  query: { type: string; granularity: string; sizeMs: number; fromWindowMs: number; toWindowMs: number },
): AsyncGenerator<{ windowStartMs: number; rows: AggregateRow[] }> {
  const pending: { windowStartMs: number; rows: Promise<AggregateRow[]> }[] = [];
  let next = query.fromWindowMs;
  const fill = () => {
    while (pending.length < READ_AHEAD && next <= query.toWindowMs) {
      const windowStartMs = next;
      const rows = readWindowKeys(dynamo, table, { type: query.type, granularity: query.granularity, windowStartMs });
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
