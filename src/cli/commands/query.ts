import { once } from 'node:events';
import { tryParseDuration, windowStartMs } from '../../../core';
import { QUERY_FORMATS, RowWriter, type QueryFormat } from '../../query/formatRows';
import { readKeyWindowPages, readTopKeys } from '../../query/readAggregates';
import { streamWindowRows } from '../../query/streamWindowRows';
import { integerFlag, parseFlags, timeFlag } from '../parseFlags';
import { resolveTarget } from '../targets/resolveTarget';
import { TopKeysDepthError } from '../../query/errors';
import { UserError } from '../errors';
import { LONG_READ_WINDOWS, queryUsage } from './queryUsage';

/** Windows shown when `--from` is left out. */
const DEFAULT_WINDOWS = 60;

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
    format: { type: 'string' },
  });
  if (values.help) return out(queryUsage);
  if (!values.type) throw new UserError('query: --type is required (e.g. --type page_view)');
  const format = formatOf(values.format, values.json);
  const granularity = values.window;
  const sizeMs = tryParseDuration(granularity);
  if (sizeMs === undefined) throw new UserError(`query: --window must be a window such as 1m, 1h or 1d, got "${granularity}"`);
  const type = values.type;
  const empty = `no aggregates of ${type} in ${granularity} windows for that range`;

  if (values.top !== undefined) {
    if (values.key !== undefined) throw new UserError('query: --top and --key cannot be used together');
    const limit = integerFlag('top', values.top, 10, 1, 1_000);
    const windowMs = windowStartMs(timeFlag('at', values.at, Date.now()), sizeMs);
    const target = await resolveTarget(values);
    let rows;
    try {
      rows = await readTopKeys(target.dynamo, target.resources.aggregatesTable, { type, granularity, windowStartMs: windowMs, limit });
    } catch (error) {
      if (error instanceof TopKeysDepthError) throw new UserError(`query: --top ${limit}: ${error.message}`);
      throw error;
    }
    const writer = new RowWriter(format, lineWriter(out), { type, window: granularity });
    writer.add(rows);
    return writer.end(empty);
  }

  const toMs = windowStartMs(timeFlag('to', values.to, Date.now()), sizeMs);
  const fromMs = windowStartMs(timeFlag('from', values.from, toMs - (DEFAULT_WINDOWS - 1) * sizeMs), sizeMs);
  if (fromMs > toMs) throw new UserError('query: --from is after --to');
  const target = await resolveTarget(values);
  const table = target.resources.aggregatesTable;
  const windows = (toMs - fromMs) / sizeMs + 1;
  const writer = new RowWriter(format, lineWriter(out), { type, window: granularity });
  const progress = progressReporter(windows, values.key !== undefined);
  if (values.key !== undefined) {
    for await (const page of readKeyWindowPages(target.dynamo, table, {
      type,
      granularity,
      key: values.key,
      fromWindowMs: fromMs,
      toWindowMs: toMs,
    })) {
      writer.add(page);
      const last = page[page.length - 1];
      progress?.(last ? (Date.parse(last.windowStart) - fromMs) / sizeMs + 1 : 0, writer.count);
      await stdoutDrained();
    }
  } else {
    let done = 0;
    for await (const window of streamWindowRows(target.dynamo, table, {
      type,
      granularity,
      sizeMs,
      fromWindowMs: fromMs,
      toWindowMs: toMs,
    })) {
      writer.add(window.rows);
      progress?.(++done, writer.count);
      await stdoutDrained();
    }
  }
  progress?.(windows, writer.count, true);
  writer.end(empty);
}

function formatOf(text: string | undefined, json: boolean | undefined): QueryFormat {
  if (text === undefined) return json ? 'json' : 'table';
  if (!(QUERY_FORMATS as readonly string[]).includes(text))
    throw new UserError(`query: --format must be one of ${QUERY_FORMATS.join(', ')}, got "${text}"`);
  if (json && text !== 'json') throw new UserError(`query: --json and --format ${text} cannot be used together`);
  return text as QueryFormat;
}

/** The RowWriter writes whole lines; `out` ends each call with a newline of its own. */
function lineWriter(out: (text: string) => void): (text: string) => void {
  return (text) => out(text.endsWith('\n') ? text.slice(0, -1) : text);
}

/** Waits while stdout's buffer is full, so a slow reader of the output bounds what is held. */
async function stdoutDrained(): Promise<void> {
  if (process.stdout.writableNeedDrain) await once(process.stdout, 'drain');
}

/**
 * Progress on stderr: rewritten in place on a terminal, otherwise a line per
 * tenth of a long read. Nothing for a short read off a terminal.
 */
function progressReporter(windows: number, byKey: boolean): ((done: number, rows: number, final?: boolean) => void) | undefined {
  const tty = process.stderr.isTTY === true;
  if (!tty && windows <= LONG_READ_WINDOWS) return undefined;
  let lastTenth = 0;
  return (done, rows, final = false) => {
    const line = `query: ${Math.min(done, windows)}/${windows} windows${byKey ? ' of the key' : ''} read, ${rows} rows`;
    if (tty) process.stderr.write(`\r${line}${final ? '\n' : ''}`);
    else {
      const tenth = Math.floor((10 * done) / windows);
      if (tenth > lastTenth) process.stderr.write(`${line}\n`);
      lastTenth = Math.max(lastTenth, tenth);
    }
  };
}
