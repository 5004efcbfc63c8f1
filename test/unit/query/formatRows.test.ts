import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main';
import { RowWriter, csvField, csvRecord } from '../../../src/query/formatRows';

const row = (key: string, count = 1) => ({ key, windowStart: '2026-11-26T12:00:00.000Z', count, sum: count, min: 1, max: 1 });

describe('CSV by RFC 4180', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    ['"', '""""'],
    ['', ''],
    [' spaced ', ' spaced '],
  ])('quotes %j as %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('ends records with CRLF and writes numbers as they are', () => {
    expect(csvRecord(['k,1', 2, -0.5])).toBe('"k,1",2,-0.5\r\n');
  });

  it('writes a header, then one record per row as the rows come', () => {
    const chunks: string[] = [];
    const writer = new RowWriter('csv', (text) => chunks.push(text), { type: 't', window: '1m' });
    writer.add([row('/a')]);
    writer.add([row('x"y', 2)]);
    writer.end('none');
    expect(chunks).toEqual([
      'windowStart,key,count,sum,min,max\r\n',
      '2026-11-26T12:00:00.000Z,/a,1,1,1,1\r\n',
      '2026-11-26T12:00:00.000Z,"x""y",2,2,1,1\r\n',
    ]);
  });
});

describe('the other formats', () => {
  it('json is the one object query --json has always printed, also when written in pieces', () => {
    const chunks: string[] = [];
    const writer = new RowWriter('json', (text) => chunks.push(text), { type: 't', window: '1m' });
    writer.add([row('/a'), row('/b')]);
    writer.add([row('/c')]);
    writer.end('none');
    expect(JSON.parse(chunks.join(''))).toEqual({ type: 't', window: '1m', rows: [row('/a'), row('/b'), row('/c')] });
    const empty: string[] = [];
    new RowWriter('json', (text) => empty.push(text), { type: 't', window: '1m' }).end('none');
    expect(JSON.parse(empty.join(''))).toEqual({ type: 't', window: '1m', rows: [] });
  });

  it('jsonl is one row object a line', () => {
    const chunks: string[] = [];
    const writer = new RowWriter('jsonl', (text) => chunks.push(text), { type: 't', window: '1m' });
    writer.add([row('/a'), row('/b')]);
    writer.end('none');
    expect(
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line)),
    ).toEqual([row('/a'), row('/b')]);
  });

  it('a table aligns columns and says so when there are no rows', () => {
    const chunks: string[] = [];
    const writer = new RowWriter('table', (text) => chunks.push(text), { type: 't', window: '1m' });
    writer.add([row('/a', 5), row('/longer', 10)]);
    writer.end('none');
    expect(chunks.join('')).toBe(
      'windowStart               key      count  sum  min  max\n' +
        '2026-11-26T12:00:00.000Z  /a           5    5    1    1\n' +
        '2026-11-26T12:00:00.000Z  /longer     10   10    1    1\n',
    );
    const empty: string[] = [];
    new RowWriter('table', (text) => empty.push(text), { type: 't', window: '1m' }).end('nothing here');
    expect(empty).toEqual(['nothing here\n']);
  });
});

describe('query flags', () => {
  it.each([
    [['query', '--type', 't', '--format', 'xml'], 'streamtally: query: --format must be one of table, json, jsonl, csv, got "xml"\n'],
    [['query', '--type', 't', '--json', '--format', 'csv'], 'streamtally: query: --json and --format csv cannot be used together\n'],
    [['query', '--type', 't', '--formt', 'csv'], "streamtally: query: Unknown option '--formt'\n"],
  ])('%j is one line and a non-zero exit', async (argv, message) => {
    const stderr: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((text: string) => (stderr.push(text), true)) as typeof process.stderr.write;
    let code: number;
    try {
      code = await main(argv, () => true);
    } finally {
      process.stderr.write = write;
    }
    expect(code).not.toBe(0);
    expect(stderr).toEqual([message]);
  });
});

describe('the declared measures', () => {
  const measured = (key: string, p99: number, users?: number) => ({
    ...row(key),
    quantiles: { p50: 1, p90: 2.5, p99 },
    ...(users === undefined ? {} : { distinct: { 'attrs.user': users } }),
  });

  it('json and jsonl carry quantiles and distinct only on the rows that have them', () => {
    const chunks: string[] = [];
    const writer = new RowWriter('jsonl', (text) => chunks.push(text), { type: 't', window: '1m' });
    writer.add([measured('/a', 9, 4), row('/plain')]);
    writer.end('none');
    expect(chunks.join('')).toBe(
      '{"key":"/a","windowStart":"2026-11-26T12:00:00.000Z","count":1,"sum":1,"min":1,"max":1,"quantiles":{"p50":1,"p90":2.5,"p99":9},"distinct":{"attrs.user":4}}\n' +
        '{"key":"/plain","windowStart":"2026-11-26T12:00:00.000Z","count":1,"sum":1,"min":1,"max":1}\n',
    );
  });

  it('csv names the measures of the first rows in its header; a later row without them has empty cells', () => {
    const chunks: string[] = [];
    const writer = new RowWriter('csv', (text) => chunks.push(text), { type: 't', window: '1m' });
    writer.add([measured('/a', 9, 4)]);
    writer.add([row('/b'), { ...row('/c'), distinct: { 'attrs.user': 2, 'attrs.new': 7 } }]);
    writer.end('none');
    expect(chunks.join('')).toBe(
      'windowStart,key,count,sum,min,max,p50,p90,p99,distinct:attrs.user\r\n' +
        '2026-11-26T12:00:00.000Z,/a,1,1,1,1,1,2.5,9,4\r\n' +
        '2026-11-26T12:00:00.000Z,/b,1,1,1,1,,,,\r\n' +
        '2026-11-26T12:00:00.000Z,/c,1,1,1,1,,,,2\r\n',
    );
  });

  it('csv has the asked quantiles as columns even before (or without) a row that has them', () => {
    const chunks: string[] = [];
    const writer = new RowWriter('csv', (text) => chunks.push(text), { type: 't', window: '1m' }, { quantileColumns: ['p95', 'p99.9'] });
    writer.end('none');
    expect(chunks).toEqual(['windowStart,key,count,sum,min,max,p95,p99.9\r\n']);
  });

  it('a table shows the measures as compact columns', () => {
    const chunks: string[] = [];
    const writer = new RowWriter('table', (text) => chunks.push(text), { type: 't', window: '1m' });
    writer.add([measured('/a', 1 / 3, 12), row('/b')]);
    writer.end('none');
    expect(chunks.join('')).toBe(
      'windowStart               key  count  sum  min  max  p50  p90  p99       distinct:attrs.user\n' +
        '2026-11-26T12:00:00.000Z  /a       1    1    1    1    1  2.5  0.333333                   12\n' +
        '2026-11-26T12:00:00.000Z  /b       1    1    1    1\n',
    );
  });
});
