import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BatchWriteItemCommand, CreateTableCommand, DeleteTableCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import {
  AggregateAttributes as A,
  HyperLogLog,
  MeasureAttributes as M,
  TOTAL_KEY,
  aggregatePk,
  dimensionType,
  distinctSketchPk,
  distinctSketchSk,
  quantileBinAttribute,
  topKeysPk,
  totalType,
  windowPk,
  windowSk,
} from '../../../core';
import { main } from '../../../src/cli/main';
import { tablesFromTemplate } from '../../../src/local/template/tablesFromTemplate';
import { dynamoClient } from '../../support/clients';
import { outputLogicalId, synthesizedTemplate } from '../../support/synthesizedTemplate';

// `query` over items written in the measures' layout (docs/measures.md), as the
// consumer writes them: the expectations are computed from the events here, not
// by the code under test.
const ACCURACY = 0.01;
const PRECISION = 12;
const FROM = Date.parse('2026-12-03T12:00:00.000Z');
const WINDOWS = 5;
const TO = FROM + (WINDOWS - 1) * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

interface TestEvent {
  readonly key: string;
  readonly windowMs: number;
  readonly value: number;
  readonly user: string;
  readonly country: string;
}

/** A deterministic mix: three keys of different volume, values over three decades, users seen again across windows. */
function makeEvents(): TestEvent[] {
  let seed = 7;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const events: TestEvent[] = [];
  for (let window = 0; window < WINDOWS; window++) {
    for (const [key, n, users] of [
      ['/a', 60, 40],
      ['/b', 30, 200],
      ['/c', 5 + window, 3],
    ] as const) {
      for (let i = 0; i < n; i++) {
        events.push({
          key,
          windowMs: FROM + window * 60_000,
          value: Math.round(1 + next() ** 3 * 5_000),
          user: `u${Math.floor(next() * users)}`,
          country: ['de', 'fr', 'fr', 'jp'][Math.floor(next() * 4)]!,
        });
      }
    }
  }
  return events;
}

/** The events of one cell, by (type, key, window). */
function cellsOf(events: readonly TestEvent[]): Map<string, { type: string; key: string; windowMs: number; events: TestEvent[] }> {
  const cells = new Map<string, { type: string; key: string; windowMs: number; events: TestEvent[] }>();
  for (const event of events) {
    for (const [type, key] of [
      ['page_view', event.key],
      [dimensionType('page_view', 'attrs.country'), event.country],
      [totalType('page_view'), TOTAL_KEY],
    ] as const) {
      const id = `${type}|${key}|${event.windowMs}`;
      let cell = cells.get(id);
      if (!cell) cells.set(id, (cell = { type, key, windowMs: event.windowMs, events: [] }));
      cell.events.push(event);
    }
  }
  return cells;
}

function sketchOf(users: Iterable<string>): HyperLogLog {
  const sketch = HyperLogLog.create(PRECISION);
  for (const user of users) sketch.add(user);
  return sketch;
}

/** The items the consumer would have written: aggregate items with bins, sketch items, leaderboards. */
function itemsOf(events: readonly TestEvent[]): Record<string, AttributeValue>[] {
  const items: Record<string, AttributeValue>[] = [];
  const boards = new Map<string, Record<string, AttributeValue>>();
  for (const { type, key, windowMs, events: cellEvents } of cellsOf(events).values()) {
    const values = cellEvents.map((event) => event.value);
    const bins: Record<string, AttributeValue> = {};
    for (const value of values) {
      const name = quantileBinAttribute(value, ACCURACY);
      bins[name] = { N: String(Number(bins[name]?.N ?? 0) + 1) };
    }
    items.push({
      [A.pk]: { S: aggregatePk(type, '1m', key) },
      [A.sk]: { S: windowSk(windowMs) },
      [A.windowPk]: { S: windowPk(type, '1m', windowMs, key) },
      [A.type]: { S: type },
      [A.key]: { S: key },
      [A.granularity]: { S: '1m' },
      [A.windowStart]: { S: windowSk(windowMs) },
      [A.count]: { N: String(values.length) },
      [A.sum]: { N: String(values.reduce((a, b) => a + b, 0)) },
      [A.min]: { N: String(Math.min(...values)) },
      [A.max]: { N: String(Math.max(...values)) },
      [M.relativeAccuracy]: { N: String(ACCURACY) },
      [M.distinctFields]: { S: 'attrs.user' },
      ...bins,
    });
    items.push({
      [A.pk]: { S: distinctSketchPk(type, '1m', key) },
      [A.sk]: { S: distinctSketchSk(windowSk(windowMs), 'attrs.user') },
      [M.sketch]: { B: sketchOf(cellEvents.map((event) => event.user)).toBytes() },
      [M.version]: { N: '1' },
    });
    const boardId = `${type}|${windowMs}`;
    let board = boards.get(boardId);
    if (!board) {
      board = {
        [A.pk]: { S: topKeysPk(type, '1m') },
        [A.sk]: { S: windowSk(windowMs) },
        depth: { N: '100' },
        version: { N: '1' },
        top: { M: {} },
      };
      boards.set(boardId, board);
    }
    board.top!.M![key] = { N: String(values.length) };
  }
  // A type that declares nothing: its rows must read exactly as before.
  items.push({
    [A.pk]: { S: aggregatePk('search', '1m', 'shoes') },
    [A.sk]: { S: windowSk(FROM) },
    [A.windowPk]: { S: windowPk('search', '1m', FROM, 'shoes') },
    [A.type]: { S: 'search' },
    [A.key]: { S: 'shoes' },
    [A.granularity]: { S: '1m' },
    [A.windowStart]: { S: windowSk(FROM) },
    [A.count]: { N: '3' },
    [A.sum]: { N: '3' },
    [A.min]: { N: '1' },
    [A.max]: { N: '1' },
  });
  // A sketch item whose bytes are no sketch, and a key whose declaration's accuracy changed between two windows.
  items.push({
    [A.pk]: { S: distinctSketchPk('broken', '1m', '/x') },
    [A.sk]: { S: distinctSketchSk(windowSk(FROM), 'attrs.user') },
    [M.sketch]: { B: new Uint8Array([1, 2, 3]) },
    [M.version]: { N: '1' },
  });
  for (const [type, key] of [
    ['broken', '/x'],
    ['mixed', '/m'],
    ['mixed', '/m'],
  ] as const) {
    const windowMs = items.some((item) => item[A.pk]!.S === aggregatePk(type, '1m', key)) ? FROM + 60_000 : FROM;
    items.push({
      [A.pk]: { S: aggregatePk(type, '1m', key) },
      [A.sk]: { S: windowSk(windowMs) },
      [A.key]: { S: key },
      [A.windowStart]: { S: windowSk(windowMs) },
      [A.count]: { N: '1' },
      [A.sum]: { N: '5' },
      [A.min]: { N: '5' },
      [A.max]: { N: '5' },
      [M.relativeAccuracy]: { N: windowMs === FROM ? '0.01' : '0.02' },
      ...(type === 'broken' ? { [M.distinctFields]: { S: 'attrs.user' } } : {}),
      [windowMs === FROM ? quantileBinAttribute(5, 0.01) : quantileBinAttribute(5, 0.02)]: { N: '1' },
    });
  }
  return [...items, ...boards.values()];
}

/** The value of rank q·(n−1) of the sorted values, either neighbour when the rank falls between two. */
function trueQuantiles(values: readonly number[], q: number): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = q * (sorted.length - 1);
  return [sorted[Math.floor(rank)]!, sorted[Math.ceil(rank)]!];
}

/** DDSketch's promise: within the relative accuracy of a true value of that rank. */
function expectQuantile(estimate: number | undefined, values: readonly number[], q: number): void {
  expect(estimate).toBeDefined();
  const close = trueQuantiles(values, q).some((truth) => Math.abs(estimate! - truth) <= ACCURACY * Math.abs(truth) + 1e-9);
  if (!close) throw new Error(`p${q * 100} = ${estimate}, true values of that rank ${trueQuantiles(values, q).join(' or ')}`);
}

interface Row {
  key: string;
  windowStart: string;
  count: number;
  sum: number;
  min: number;
  max: number;
  quantiles?: Record<string, number>;
  distinct?: Record<string, number>;
}

describe('query reads the declared measures (dynalite)', () => {
  const dynamo = dynamoClient(inject('dynamoEndpoint'));
  const template = synthesizedTemplate();
  const table = tablesFromTemplate(template, (logicalId) => `${logicalId}-measures-${process.pid}`).find(
    (candidate) => candidate.logicalId === outputLogicalId(template, 'AggregatesTableName'),
  )!.input;
  const events = makeEvents();
  let projectRoot: string;
  let cwd: string;

  beforeAll(async () => {
    await dynamo.send(new CreateTableCommand(table));
    const items = itemsOf(events);
    for (let i = 0; i < items.length; i += 25) {
      let pending: Record<string, { PutRequest: { Item: Record<string, AttributeValue> } }[]> | undefined = {
        [table.TableName!]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
      };
      while (pending && Object.keys(pending).length > 0) {
        const answer = await dynamo.send(new BatchWriteItemCommand({ RequestItems: pending }));
        pending = answer.UnprocessedItems as typeof pending;
      }
    }
    projectRoot = mkdtempSync(path.join(tmpdir(), 'streamtally-query-measures-'));
    mkdirSync(path.join(projectRoot, '.streamtally'));
    const state = {
      region: 'us-east-1',
      endpoints: { kinesis: 'http://127.0.0.1:1', dynamodb: inject('dynamoEndpoint'), s3: inject('s3Endpoint') },
      resources: { streamName: 'unused', aggregatesTable: table.TableName!, checkpointTable: 'unused', quarantineBucket: 'unused' },
      outputs: {},
      stackName: 'Streamtally-test',
      pid: process.pid,
      emulatorPids: { kinesis: process.pid, dynamodb: process.pid, s3: process.pid },
      startedAt: new Date().toISOString(),
    };
    writeFileSync(path.join(projectRoot, '.streamtally', 'local.json'), JSON.stringify(state));
    cwd = process.cwd();
    process.chdir(projectRoot);
  }, 120_000);

  afterAll(async () => {
    process.chdir(cwd);
    rmSync(projectRoot, { recursive: true, force: true });
    await dynamo.send(new DeleteTableCommand({ TableName: table.TableName! }));
  });

  async function query(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const lines: string[] = [];
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const code = await main(['query', ...argv], (text) => {
        lines.push(text);
        return true;
      });
      // `out` is called once a line, without its newline: joined, this is stdout exactly.
      return { code, out: lines.map((line) => `${line}\n`).join(''), err: stderr.mock.calls.map((call) => String(call[0])).join('') };
    } finally {
      stderr.mockRestore();
    }
  }

  async function rows(...argv: string[]): Promise<{ type: string; rows: Row[] }> {
    const { code, out, err } = await query(...argv, '--json');
    expect(err).toBe('');
    expect(code).toBe(0);
    return JSON.parse(out) as { type: string; rows: Row[] };
  }

  const range = ['--window', '1m', '--from', iso(FROM), '--to', iso(TO)];
  const cells = cellsOf(events);

  it('every row of a listing has its quantiles (within the accuracy of the true ones) and its distinct count', async () => {
    const answer = await rows('--type', 'page_view', ...range);
    expect(answer.rows).toHaveLength(3 * WINDOWS);
    for (const row of answer.rows) {
      const cell = cells.get(`page_view|${row.key}|${Date.parse(row.windowStart)}`)!;
      const values = cell.events.map((event) => event.value);
      expect(row.count).toBe(values.length);
      expect(Object.keys(row.quantiles ?? {})).toEqual(['p50', 'p90', 'p99']);
      expectQuantile(row.quantiles!.p50, values, 0.5);
      expectQuantile(row.quantiles!.p90, values, 0.9);
      expectQuantile(row.quantiles!.p99, values, 0.99);
      expect(row.quantiles!.p99).toBeLessThanOrEqual(row.max);
      const users = new Set(cell.events.map((event) => event.user)).size;
      expect(Math.abs(row.distinct!['attrs.user']! - users)).toBeLessThanOrEqual(Math.max(1, 0.05 * users));
    }
  });

  it('--key reads one key over the range with its sketches; --quantiles names what it asks for', async () => {
    const answer = await rows('--type', 'page_view', '--key', '/a', ...range, '--quantiles', '0.5,0.95,0.999');
    expect(answer.rows.map((row) => row.windowStart)).toEqual(Array.from({ length: WINDOWS }, (_, w) => iso(FROM + w * 60_000)));
    for (const row of answer.rows) {
      const cell = cells.get(`page_view|/a|${Date.parse(row.windowStart)}`)!;
      const values = cell.events.map((event) => event.value);
      expect(Object.keys(row.quantiles!)).toEqual(['p50', 'p95', 'p99.9']);
      expectQuantile(row.quantiles!['p99.9'], values, 0.999);
      expect(row.distinct!['attrs.user']).toBe(sketchOf(cell.events.map((event) => event.user)).estimate());
    }
  });

  it('--no-distinct reads no sketch, in a listing, for a key and for the top keys', async () => {
    for (const flags of [range, ['--key', '/a', ...range], ['--window', '1m', '--top', '3', '--at', iso(FROM)]]) {
      const answer = await rows('--type', 'page_view', ...flags, '--no-distinct');
      expect(answer.rows.length).toBeGreaterThan(0);
      for (const row of answer.rows) {
        expect(row.distinct).toBeUndefined();
        expect(row.quantiles).toBeDefined();
      }
    }
  });

  it('--rollup merges the windows into one row per key: counts and sums added, bins and sketches merged', async () => {
    const answer = await rows('--type', 'page_view', ...range, '--rollup');
    expect(answer.rows.map((row) => row.key)).toEqual(['/a', '/b', '/c']);
    for (const row of answer.rows) {
      const own = events.filter((event) => event.key === row.key);
      const values = own.map((event) => event.value);
      expect(row).toMatchObject({
        windowStart: iso(FROM),
        count: own.length,
        sum: values.reduce((a, b) => a + b, 0),
        min: Math.min(...values),
        max: Math.max(...values),
      });
      for (const [name, q] of [
        ['p50', 0.5],
        ['p90', 0.9],
        ['p99', 0.99],
      ] as const)
        expectQuantile(row.quantiles![name], values, q);
      // One sketch of every user of the range: a user seen in every window counts once.
      const users = own.map((event) => event.user);
      expect(row.distinct!['attrs.user']).toBe(sketchOf(users).estimate());
      expect(Math.abs(row.distinct!['attrs.user']! - new Set(users).size)).toBeLessThanOrEqual(Math.max(1, 0.05 * new Set(users).size));
    }
    const a = answer.rows[0]!;
    expect(a.distinct!['attrs.user']).toBeLessThan(
      [...cells.values()]
        .filter((cell) => cell.type === 'page_view' && cell.key === '/a')
        .reduce((sum, cell) => sum + new Set(cell.events.map((e) => e.user)).size, 0),
    );
    const one = await rows('--type', 'page_view', '--key', '/c', ...range, '--rollup');
    expect(one.rows).toEqual([answer.rows[2]]);
  });

  it('--by reads the dimension with its leaderboards, --total the one key all', async () => {
    const top = await rows('--type', 'page_view', '--by', 'attrs.country', '--window', '1m', '--top', '2', '--at', iso(FROM + 60_000));
    expect(top.type).toBe('page_view@attrs.country');
    const countries = [...cells.values()]
      .filter((cell) => cell.type === top.type && cell.windowMs === FROM + 60_000)
      .map((cell) => ({ key: cell.key, count: cell.events.length }))
      .sort((x, y) => y.count - x.count || (x.key < y.key ? -1 : 1));
    expect(top.rows.map((row) => [row.key, row.count])).toEqual(countries.slice(0, 2).map((c) => [c.key, c.count]));
    expect(top.rows[0]!.distinct!['attrs.user']).toBeGreaterThan(0);
    const total = await rows('--type', 'page_view', '--total', ...range, '--rollup');
    expect(total.type).toBe('page_view@total');
    expect(total.rows).toHaveLength(1);
    expect(total.rows[0]).toMatchObject({ key: 'all', count: events.length, sum: events.reduce((s, e) => s + e.value, 0) });
    expect(total.rows[0]!.distinct!['attrs.user']).toBe(sketchOf(events.map((event) => event.user)).estimate());
  });

  it('csv has the measure columns in its header, and its records agree with json', async () => {
    const json = await rows('--type', 'page_view', ...range);
    const { code, out } = await query('--type', 'page_view', ...range, '--format', 'csv');
    expect(code).toBe(0);
    const lines = out.split('\r\n').filter((line) => line !== '\n' && line !== '');
    expect(lines[0]).toBe('windowStart,key,count,sum,min,max,p50,p90,p99,distinct:attrs.user');
    expect(lines.slice(1)).toEqual(
      json.rows.map((row) =>
        [
          row.windowStart,
          row.key,
          row.count,
          row.sum,
          row.min,
          row.max,
          row.quantiles!.p50,
          row.quantiles!.p90,
          row.quantiles!.p99,
          row.distinct!['attrs.user'],
        ].join(','),
      ),
    );
    const asked = await query(
      '--type',
      'search',
      '--window',
      '1m',
      '--from',
      iso(FROM),
      '--to',
      iso(FROM),
      '--format',
      'csv',
      '--quantiles',
      '0.5',
    );
    expect(asked.out).toBe('windowStart,key,count,sum,min,max,p50\r\n2026-12-03T12:00:00.000Z,shoes,3,3,1,1,\r\n');
  });

  it('a type that declares nothing reads exactly as before, in json and csv', async () => {
    const flags = ['--type', 'search', '--window', '1m', '--from', iso(FROM), '--to', iso(TO)];
    expect((await query(...flags, '--json')).out).toBe(
      '{"type":"search","window":"1m","rows":[\n{"key":"shoes","windowStart":"2026-12-03T12:00:00.000Z","count":3,"sum":3,"min":1,"max":1}\n]}\n',
    );
    expect((await query(...flags, '--format', 'csv')).out).toBe(
      'windowStart,key,count,sum,min,max\r\n2026-12-03T12:00:00.000Z,shoes,3,3,1,1\r\n',
    );
  });

  it('data the reads cannot use is one line and exit 2, not a stack trace', async () => {
    const broken = await query('--type', 'broken', '--key', '/x', ...range, '--json');
    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(/^streamtally: query: [^\n]+\n$/);
    const mixed = await query('--type', 'mixed', '--key', '/m', ...range, '--rollup');
    expect(mixed.code).toBe(2);
    expect(mixed.err).toBe(
      'streamtally: query: --rollup: the windows of key "/m" hold quantile bins of accuracy 0.01 and 0.02, which cannot be merged; roll up a range of one accuracy\n',
    );
    // Without --rollup each window is read on its own, whatever its accuracy.
    expect((await rows('--type', 'mixed', '--key', '/m', ...range)).rows.map((row) => row.quantiles)).toEqual([
      { p50: 5, p90: 5, p99: 5 },
      { p50: 5, p90: 5, p99: 5 },
    ]);
  });

  it.each([
    [['--quantiles', '1.5'], 'query: --quantiles must be ranks from 0 to 1 separated by commas (e.g. 0.5,0.95,0.999), got "1.5"'],
    [['--quantiles', '0.5,,0.9'], 'query: --quantiles must be ranks from 0 to 1 separated by commas (e.g. 0.5,0.95,0.999), got "0.5,,0.9"'],
    [['--by', 'country'], 'query: --by must be an attribute such as attrs.country, got "country"'],
    [['--by', 'attrs.country', '--total'], 'query: --by and --total cannot be used together'],
    [['--total', '--key', '/a'], 'query: --total has the one key all; leave out --key'],
    [['--top', '3', '--rollup'], 'query: --top reads one window; --rollup merges a range (use --from and --to)'],
  ])('%j is one line and exit 2', async (argv, message) => {
    const { code, err, out } = await query('--type', 'page_view', ...argv);
    expect(out).toBe('');
    expect(code).toBe(2);
    expect(err).toBe(`streamtally: ${message}\n`);
  });
});
