import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRecord } from '../../../core';
import { produceCommand, type ProduceEnvironment, type ProduceSummary } from '../../../src/cli/commands/produce';
import { FaultProxy } from './support/FaultProxy';
import { createStream, kinesisClient, readStream } from './support/streamRecords';
import { startTestKinesis, type TestKinesis } from '../../support/startTestKinesis';
import { UserError } from '../../../src/cli/errors';

let kinesis: TestKinesis;
let proxy: FaultProxy;
let directory: string;
let streams = 0;

beforeAll(async () => {
  kinesis = await startTestKinesis();
  proxy = await FaultProxy.start(kinesis.endpoint);
  directory = mkdtempSync(join(tmpdir(), 'streamtally-produce-'));
});

afterAll(async () => {
  await proxy?.close();
  await kinesis?.close();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

/** Runs `streamtally produce` against a new stream, capturing what it prints and its exit code. */
async function produce(
  args: string[],
  options: { stdin?: Readable; endpoint?: string; progress?: (line: string) => void; onInterrupt?: (handler: () => void) => void } = {},
) {
  const streamName = `produce-${++streams}`;
  await createStream(kinesis.kinesis, streamName, 2);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const client = kinesisClient(options.endpoint ?? kinesis.endpoint);
  const environment: ProduceEnvironment = {
    resolveTarget: async () => ({ resources: { streamName }, kinesis: client }),
    stdin: options.stdin ?? Readable.from([]),
    stderr: (text) => stderr.push(text),
    onInterrupt: (handler) => {
      options.onInterrupt?.(handler);
      return () => undefined;
    },
    ...(options.progress ? { progress: options.progress } : {}),
  };
  let exitCode = 0;
  let error: string | undefined;
  try {
    await produceCommand(args, (text) => stdout.push(text), environment);
  } catch (caught) {
    if (!(caught instanceof UserError)) throw caught;
    exitCode = caught.exitCode;
    error = caught.message;
  }
  client.destroy();
  const stored = await readStream(kinesis.kinesis, streamName);
  return { stdout, stderr, exitCode, error, stored };
}

const line = (n: number, overrides: Record<string, unknown> = {}) =>
  JSON.stringify({ id: `line-${n}`, type: 'page_view', key: `/p/${n % 5}`, ts: '2026-11-26T12:00:00Z', ...overrides });

describe('streamtally produce --file', () => {
  it('reports bad lines by number, never sends them, sends the rest byte for byte, and exits 1', async () => {
    // Prepare: 40 lines, among them 3 bad ones and a blank one
    const lines = Array.from({ length: 40 }, (_, i) => line(i + 1));
    lines[6] = line(7, { ts: 'yesterday' });
    lines[16] = '{"id": "line-17", "type":';
    lines[29] = line(30, { key: undefined });
    lines[34] = '   ';
    const file = join(directory, 'events.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);

    // Act
    const result = await produce(['--file', file, '--json']);

    // Assess
    expect(result.exitCode).toBe(1);
    expect(result.error).toBe('produce: 3 bad line(s) skipped');
    expect(result.stderr).toEqual([
      expect.stringMatching(/^line 7: field "ts": must be an ISO-8601 string with a zone or epoch milliseconds/),
      expect.stringMatching(/^line 17: not JSON: /),
      expect.stringMatching(/^line 30: field "key": /),
    ]);
    const summary = JSON.parse(result.stdout.join('\n')) as ProduceSummary;
    expect(summary).toMatchObject({ source: 'file', events: 36, sent: 36, failed: 0, badLines: 3 });
    expect(summary.badLineSamples.map((bad) => bad.line)).toEqual([7, 17, 30]);
    const good = lines.filter((_, i) => ![6, 16, 29, 34].includes(i));
    expect(result.stored.map((record) => record.data.toString('utf8')).sort()).toEqual([...good].sort());
    expect(result.stored.every((record) => record.partitionKey === (JSON.parse(record.data.toString()) as { key: string }).key)).toBe(true);
  });

  it('exits 0 with a plain summary when every line was delivered', async () => {
    const file = join(directory, 'good.ndjson');
    writeFileSync(file, Array.from({ length: 25 }, (_, i) => line(i)).join('\r\n'));
    const result = await produce(['--file', file]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout[0]).toMatch(
      /^sent 25 of 25 event\(s\) to produce-\d+ in [\d.]+ s \([\d,]+ ev\/s\); retried 0, throttled 0, possible duplicates 0$/,
    );
    expect(result.stored).toHaveLength(25);
  });

  it('reads stdin with --file -, and still delivers through partial failures', async () => {
    // Every other record is throttled once.
    const refusedOnce = new Set<string>();
    proxy.reset(() => ({
      kind: 'partial',
      refuse: (index, entry) => index % 2 === 0 && !refusedOnce.has(entry.Data) && Boolean(refusedOnce.add(entry.Data)),
    }));
    const stdin = Readable.from([`${line(1)}\n${line(2)}\n`, `${line(3)}\n`, `${line(4)}`]);
    const result = await produce(['--file', '-', '--json'], { stdin, endpoint: proxy.endpoint });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout[0]!)).toMatchObject({ events: 4, sent: 4, retried: refusedOnce.size, throttled: refusedOnce.size });
    expect(refusedOnce.size).toBeGreaterThan(0);
    expect(result.stored).toHaveLength(4);
  });

  it('on SIGINT stops reading, flushes what was read, and exits 130', async () => {
    // Prepare: stdin that sends three lines and then stays open
    const stdin = new PassThrough();
    stdin.write(`${line(1)}\n${line(2)}\n${line(3)}\n`);
    let interrupt: (() => void) | undefined;
    setTimeout(() => interrupt!(), 300);

    // Act
    const result = await produce(['--file', '-'], { stdin, onInterrupt: (handler) => (interrupt = handler) });

    // Assess
    expect(result.exitCode).toBe(130);
    expect(result.stderr[0]).toMatch(/interrupted: flushing what was read/);
    expect(result.stdout).toContain('interrupted: what was read was flushed; the rest was not sent');
    expect(result.stored).toHaveLength(3);
    expect(stdin.destroyed).toBe(true);
  });

  it('exits 1 and names the events that failed for good, writing them to --failed-out', async () => {
    proxy.reset(() => ({
      kind: 'partial',
      errorCode: 'InternalFailure',
      refuse: (_, entry) => Buffer.from(entry.Data, 'base64').toString().includes('"line-2"'),
    }));
    const file = join(directory, 'some.ndjson');
    const failedOut = join(directory, 'failed.ndjson');
    writeFileSync(file, [line(1), line(2), line(3)].join('\n'));
    const result = await produce(['--file', file, '--max-attempts', '2', '--failed-out', failedOut], { endpoint: proxy.endpoint });
    expect(result.exitCode).toBe(1);
    expect(result.error).toBe(`produce: 1 event(s) failed for good (written to ${failedOut})`);
    expect(result.stdout).toContain('1 event(s) failed for good (InternalFailure)');
    expect(readFileSync(failedOut, 'utf8')).toBe(`${line(2)}\n`);
    expect(result.stored).toHaveLength(2);
  });

  it('refuses a missing file and contradictory flags with one line', async () => {
    expect((await produce(['--file', join(directory, 'nope.ndjson')])).error).toBe(
      `produce: cannot read --file ${join(directory, 'nope.ndjson')}: ENOENT`,
    );
    expect((await produce(['--file', '-', '--rate', '10'])).error).toBe('produce: give either --file or --rate, not both');
    expect((await produce([])).error).toBe('produce: give --file <ndjson> (- for stdin) or --rate <events per second>');
    expect((await produce(['--rate', '10', '--malformed-rate', '2'])).error).toBe('--malformed-rate must be a number from 0 to 1, got "2"');
  });
});

describe('streamtally produce --rate', () => {
  it('redraws a progress line on a terminal, and clears it before the summary', async () => {
    const drawn: string[] = [];
    const result = await produce(['--rate', '300', '--duration', '0.8'], { progress: (text) => drawn.push(text) });
    expect(result.exitCode).toBe(0);
    expect(drawn.length).toBeGreaterThan(1);
    expect(drawn[0]).toMatch(/^[\d,]+ ev\/s · sent [\d,]+ · retried 0 · throttled 0 · failed 0 · buffered \d+$/);
    expect(drawn.at(-1)).toBe('');
    expect(result.stdout[0]).toMatch(/^sent \d+ of \d+ event/);
  });

  it('sends the synthetic mix, malformed records included, at about the rate asked', async () => {
    // Act
    const result = await produce([
      '--rate',
      '400',
      '--duration',
      '1',
      '--seed',
      '3',
      '--keys',
      '20',
      '--malformed-rate',
      '0.1',
      '--duplicate-rate',
      '0.1',
      '--json',
    ]);

    // Assess
    expect(result.exitCode).toBe(0);
    const summary = JSON.parse(result.stdout[0]!) as ProduceSummary;
    expect(summary.source).toBe('synthetic');
    expect(summary.events).toBeGreaterThan(300);
    expect(summary.events).toBeLessThanOrEqual(400);
    expect(summary.sent).toBe(summary.events);
    expect(result.stored).toHaveLength(summary.events);
    const invalid = result.stored.filter((record) => !decodeRecord(record.data).ok);
    expect(invalid).toHaveLength(summary.synthetic!.malformed!);
    expect(summary.synthetic!.malformed).toBeGreaterThan(10);
    expect(summary.synthetic!.duplicate).toBeGreaterThan(10);
  });
});
