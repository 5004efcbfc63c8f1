import { once } from 'node:events';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type HyperLogLog, SketchError, TOTAL_KEY, dimensionType, totalType, tryParseDuration, windowStartMs } from '../../../core';
import { joinKeySketches, sketchWindowCells, type SketchedCell } from '../../query/attachSketches';
import { QUERY_FORMATS, RowWriter, type QueryFormat } from '../../query/formatRows';
import { DEFAULT_QUANTILES, measuredRow, parseQuantiles } from '../../query/measuredRows';
import { readKeyWindowPages, readTopKeys, type AggregateCell } from '../../query/readAggregates';
import { readDistinctPages, type DistinctSketch } from '../../query/readDistinct';
import { Rollup } from '../../query/Rollup';
import { streamWindowRows } from '../../query/streamWindowRows';
import { integerFlag, parseFlags, timeFlag } from '../parseFlags';
import { resolveTarget } from '../targets/resolveTarget';
import { QuantileAccuracyMismatchError, TopKeysDepthError } from '../../query/errors';
import { UserError } from '../errors';
import { LONG_READ_WINDOWS, queryUsage } from './queryUsage';

/** Windows shown when `--from` is left out. */
const DEFAULT_WINDOWS = 60;

/** `streamtally query`: window aggregates of a type, a key or the top keys, with the measures the items keep. */
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
    quantiles: { type: 'string' },
    by: { type: 'string' },
    total: { type: 'boolean', default: false },
    rollup: { type: 'boolean', default: false },
    'no-distinct': { type: 'boolean', default: false },
  });
  if (values.help) return out(queryUsage);
  if (!values.type) throw new UserError('query: --type is required (e.g. --type page_view)');
  const format = formatOf(values.format, values.json);
  const granularity = values.window;
  const sizeMs = tryParseDuration(granularity);
  if (sizeMs === undefined) throw new UserError(`query: --window must be a window such as 1m, 1h or 1d, got "${granularity}"`);
  const { type, key } = seriesOf(values.type, values.by, values.total, values.key);
  const quantiles = values.quantiles === undefined ? DEFAULT_QUANTILES : parseQuantiles(values.quantiles);
  if (!quantiles)
    throw new UserError(
      `query: --quantiles must be ranks from 0 to 1 separated by commas (e.g. 0.5,0.95,0.999), got "${values.quantiles}"`,
    );
  const writerOptions = values.quantiles === undefined ? {} : { quantileColumns: quantiles.map((spec) => spec.name) };
  const empty = `no aggregates of ${type} in ${granularity} windows for that range`;
  const toRow = ({ cell, sketches }: SketchedCell) => measuredRow(cell, sketches, quantiles);
  // Distinct counts cost a Query per row's key (a listing of 200 keys a window took 3 to 5 times as long on
  // dynalite): --no-distinct skips them for a type that counts nothing distinct, or when they are not wanted.
  const readDistinct = !values['no-distinct'];
  const sketchCells = (dynamo: DynamoDBClient, table: string, windowMs: number, cells: AggregateCell[]): Promise<SketchedCell[]> =>
    readDistinct
      ? sketchWindowCells(dynamo, table, { type, granularity, windowStartMs: windowMs }, cells)
      : Promise.resolve(cells.map((cell) => ({ cell, sketches: NO_SKETCHES })));

  if (values.top !== undefined) {
    if (values.key !== undefined) throw new UserError('query: --top and --key cannot be used together');
    if (values.rollup) throw new UserError('query: --top reads one window; --rollup merges a range (use --from and --to)');
    const limit = integerFlag('top', values.top, 10, 1, 1_000);
    const windowMs = windowStartMs(timeFlag('at', values.at, Date.now()), sizeMs);
    const target = await resolveTarget(values);
    const table = target.resources.aggregatesTable;
    let sketched;
    try {
      const cells = await readTopKeys(target.dynamo, table, { type, granularity, windowStartMs: windowMs, limit });
      sketched = await sketchCells(target.dynamo, table, windowMs, cells);
    } catch (error) {
      if (error instanceof TopKeysDepthError) throw new UserError(`query: --top ${limit}: ${error.message}`);
      if (error instanceof SketchError) throw new UserError(`query: ${error.message}`);
      throw error;
    }
    const writer = new RowWriter(format, lineWriter(out), { type, window: granularity }, writerOptions);
    writer.add(sketched.map(toRow));
    return writer.end(empty);
  }

  const toMs = windowStartMs(timeFlag('to', values.to, Date.now()), sizeMs);
  const fromMs = windowStartMs(timeFlag('from', values.from, toMs - (DEFAULT_WINDOWS - 1) * sizeMs), sizeMs);
  if (fromMs > toMs) throw new UserError('query: --from is after --to');
  const target = await resolveTarget(values);
  const dynamo = target.dynamo;
  const table = target.resources.aggregatesTable;
  const windows = (toMs - fromMs) / sizeMs + 1;
  const writer = new RowWriter(format, lineWriter(out), { type, window: granularity }, writerOptions);
  const progress = progressReporter(windows, key !== undefined);
  const rollup = values.rollup ? new Rollup(new Date(fromMs).toISOString()) : undefined;
  // A rollup prints nothing until the range is read; otherwise rows go out as they come.
  const emit = async (sketched: readonly SketchedCell[]) => {
    if (rollup) for (const { cell, sketches } of sketched) rollup.add(cell, sketches);
    else {
      writer.add(sketched.map(toRow));
      await stdoutDrained();
    }
  };
  try {
    if (key !== undefined) {
      const range = { type, granularity, key, fromWindowMs: fromMs, toWindowMs: toMs };
      const sketchPages = readDistinct ? readDistinctPages(dynamo, table, range) : noPages();
      for await (const page of joinKeySketches(readKeyWindowPages(dynamo, table, range), sketchPages)) {
        await emit(page);
        const last = page[page.length - 1];
        progress?.(last ? (Date.parse(last.cell.windowStart) - fromMs) / sizeMs + 1 : 0, writer.count);
      }
      await sketchPages.return(undefined);
    } else {
      let done = 0;
      for await (const window of streamWindowRows(
        dynamo,
        table,
        { type, granularity, sizeMs, fromWindowMs: fromMs, toWindowMs: toMs },
        (windowMs, cells) => sketchCells(dynamo, table, windowMs, cells),
      )) {
        await emit(window.rows);
        progress?.(++done, writer.count);
      }
    }
    if (rollup) writer.add(rollup.cells().map(toRow));
  } catch (error) {
    if (error instanceof QuantileAccuracyMismatchError) throw new UserError(`query: --rollup: ${error.message}`);
    // Sketches of two precisions in one rollup (the declaration changed within the range), or bytes that are no sketch.
    if (error instanceof SketchError) throw new UserError(`query: ${values.rollup ? '--rollup: ' : ''}${error.message}`);
    throw error;
  }
  progress?.(windows, writer.count, true);
  writer.end(empty);
}

/**
 * The series a query reads: the type itself, a dimension's derived type
 * (`--by attrs.country`: its keys are the attribute's values) or the
 * type's total (`--total`: the one key `all`), docs/measures.md.
 */
function seriesOf(type: string, by: string | undefined, total: boolean, key: string | undefined): { type: string; key?: string } {
  if (by !== undefined && total) throw new UserError('query: --by and --total cannot be used together');
  if (by !== undefined) {
    if (!DIMENSION_FIELD.test(by)) throw new UserError(`query: --by must be an attribute such as attrs.country, got "${by}"`);
    return { type: dimensionType(type, by), key };
  }
  if (total) {
    if (key !== undefined) throw new UserError(`query: --total has the one key ${TOTAL_KEY}; leave out --key`);
    return { type: totalType(type), key: TOTAL_KEY };
  }
  return { type, key };
}

/** `attrs.<name>[.<name>...]`, as a dimension's field is declared (docs/measures.md). */
const DIMENSION_FIELD = /^attrs(\.[^.#\s]+)+$/;

const NO_SKETCHES: ReadonlyMap<string, HyperLogLog> = new Map();

async function* noPages(): AsyncGenerator<DistinctSketch[]> {}

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
