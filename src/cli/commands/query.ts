import { tryParseDuration, windowStartMs } from '../../../core';
import { readKeyWindows, readTopKeys, readWindowKeys, type AggregateRow } from '../../query/readAggregates';
import { integerFlag, parseFlags, timeFlag } from '../parseFlags';
import { printTable } from '../printTable';
import { resolveTarget } from '../targets/resolveTarget';
import { TopKeysDepthError } from '../../query/errors';
import { UserError } from '../errors';

/** Most windows one `query` reads when no `--key` is given (one index Query each). */
const MAX_WINDOWS = 1_000;
/** Windows shown when `--from` is left out. */
const DEFAULT_WINDOWS = 60;

export const queryUsage = `streamtally query --type T [--key K] --window 1m|1h|1d [--from ISO] [--to ISO]
streamtally query --type T --window 1m --top N [--at ISO]
  Prints window aggregates (count, sum, min, max). Without --key, every key of each window.
  --top N prints the N keys with the highest count in the window that holds --at (default now).`;

/** `streamtally query`: window aggregates of a type, a key or the top keys. */
export async function queryCommand(argv: readonly string[], out: (text: string) => void): Promise<void> {
  const { values } = parseFlags('query', argv, {
    type: { type: 'string' },
    key: { type: 'string' },
    window: { type: 'string', default: '1m' },
    from: { type: 'string' },
    to: { type: 'string' },
    top: { type: 'string' },
    at: { type: 'string' },
  });
  if (values.help) return out(queryUsage);
  if (!values.type) throw new UserError('query: --type is required (e.g. --type page_view)');
  const granularity = values.window;
  const sizeMs = tryParseDuration(granularity);
  if (sizeMs === undefined) throw new UserError(`query: --window must be a window such as 1m, 1h or 1d, got "${granularity}"`);
  const target = await resolveTarget(values);
  const table = target.resources.aggregatesTable;

  let rows: AggregateRow[];
  if (values.top !== undefined) {
    if (values.key !== undefined) throw new UserError('query: --top and --key cannot be used together');
    const limit = integerFlag('top', values.top, 10, 1, 1_000);
    const windowMs = windowStartMs(timeFlag('at', values.at, Date.now()), sizeMs);
    try {
      rows = await readTopKeys(target.dynamo, table, { type: values.type, granularity, windowStartMs: windowMs, limit });
    } catch (error) {
      if (error instanceof TopKeysDepthError) throw new UserError(`query: --top ${limit}: ${error.message}`);
      throw error;
    }
  } else {
    const toMs = windowStartMs(timeFlag('to', values.to, Date.now()), sizeMs);
    const fromMs = windowStartMs(timeFlag('from', values.from, toMs - (DEFAULT_WINDOWS - 1) * sizeMs), sizeMs);
    if (fromMs > toMs) throw new UserError('query: --from is after --to');
    if (values.key !== undefined) {
      rows = await readKeyWindows(target.dynamo, table, { type: values.type, granularity, key: values.key, fromWindowMs: fromMs, toWindowMs: toMs });
    } else {
      const windows = (toMs - fromMs) / sizeMs + 1;
      if (windows > MAX_WINDOWS) {
        throw new UserError(`query: ${windows} windows of ${granularity} between --from and --to; narrow the range to ${MAX_WINDOWS} or give --key`);
      }
      rows = [];
      for (let start = fromMs; start <= toMs; start += sizeMs) {
        rows.push(...(await readWindowKeys(target.dynamo, table, { type: values.type, granularity, windowStartMs: start })));
      }
    }
  }
  if (values.json) return out(JSON.stringify({ type: values.type, window: granularity, rows }));
  if (rows.length === 0) return out(`no aggregates of ${values.type} in ${granularity} windows for that range`);
  printTable(
    out,
    ['windowStart', 'key', 'count', 'sum', 'min', 'max'],
    rows.map((row) => [row.windowStart, row.key, row.count, row.sum, row.min, row.max]),
  );
}
