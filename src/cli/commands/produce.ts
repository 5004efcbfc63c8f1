import { createReadStream, statSync, writeFileSync } from 'node:fs';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { formatCounts } from '../../producer/formatCounts';
import { Producer } from '../../producer/Producer';
import { ProducerValidationError } from '../../producer/errors';
import { readNdjsonLines } from '../../producer/readNdjsonLines';
import { singleAttemptClient } from '../../producer/singleAttemptClient';
import type { FailedRecord, ProducerCounts } from '../../producer/types';
import { runSynthetic } from '../../synthetic/runSynthetic';
import { SyntheticEvents, type SyntheticOptions } from '../../synthetic/SyntheticEvents';
import { integerFlag, parseFlags } from '../parseFlags';
import { resolveTarget } from '../targets/resolveTarget';
import { UserError } from '../errors';
import { produceUsage } from './produceUsage';

/** Bad lines listed one by one; beyond this only counted. */
const MAX_LISTED = 100;
/** How often the progress line is redrawn on a terminal. */
const PROGRESS_INTERVAL_MS = 250;

/** Where `runProduce` takes its events from. */
export type ProduceSource =
  | { readonly kind: 'file'; readonly input: AsyncIterable<Uint8Array | string> }
  | { readonly kind: 'synthetic'; readonly options: SyntheticOptions; readonly ratePerSecond: number; readonly durationMs: number };

/** Everything `runProduce` needs, injected, so that it runs against any stream in tests. */
export interface ProduceRun {
  readonly source: ProduceSource;
  readonly producer: Producer;
  /** Aborted on SIGINT: stop reading, flush what was read. */
  readonly signal?: AbortSignal;
  /** Receives the progress line to redraw (a terminal); absent: no progress line. */
  readonly progress?: (line: string) => void;
  /** Receives each bad line's report, `line 17: field "ts": ...`. */
  readonly badLine?: (text: string) => void;
}

/** The outcome of a `produce` run, as `--json` prints it. */
export interface ProduceSummary {
  readonly source: 'file' | 'synthetic';
  /** Events (or malformed synthetic records) handed to the producer. */
  readonly events: number;
  readonly sent: number;
  readonly failed: number;
  readonly retried: number;
  readonly throttled: number;
  readonly possibleDuplicates: number;
  readonly badLines: number;
  /** The first bad lines, `{ line, message }`. */
  readonly badLineSamples: readonly { readonly line: number; readonly message: string }[];
  /** The first events that failed for good. */
  readonly failedSamples: readonly {
    readonly id?: string;
    readonly partitionKey: string;
    readonly errorCode: string;
    readonly errorMessage: string;
    readonly attempts: number;
  }[];
  /** Synthetic runs: items by intended outcome (valid, duplicate, late, future, malformed). */
  readonly synthetic?: Readonly<Record<string, number>>;
  readonly interrupted: boolean;
  readonly elapsedMs: number;
  readonly eventsPerSecond: number;
  readonly warnings: readonly string[];
}

/**
 * The part of `produce` that does the work: reads or generates events, sends
 * them through `producer`, closes it (flushing) and summarizes. Bad lines are
 * counted and reported, never sent.
 */
export async function runProduce(run: ProduceRun): Promise<{ summary: ProduceSummary; failedRecords: readonly FailedRecord[] }> {
  const started = Date.now();
  const badLineSamples: { line: number; message: string }[] = [];
  let badLines = 0;
  let events = 0;
  let synthetic: SyntheticEvents | undefined;
  const reportBad = (line: number, message: string) => {
    badLines += 1;
    if (badLineSamples.length < MAX_LISTED) badLineSamples.push({ line, message });
    if (badLines <= MAX_LISTED) run.badLine?.(`line ${line}: ${message}`);
    else if (badLines === MAX_LISTED + 1) run.badLine?.(`more bad lines: only counted from here on`);
  };

  const stopProgress = run.progress ? drawProgress(run.producer, run.progress) : () => undefined;
  try {
    if (run.source.kind === 'file') {
      for await (const line of untilAborted(readNdjsonLines(run.source.input), run.signal)) {
        if ('oversizedBytes' in line) {
          reportBad(line.lineNumber, `line is ${line.oversizedBytes} bytes; a record may have at most 1048576`);
          continue;
        }
        try {
          await run.producer.sendEncoded(line.data);
          events += 1;
        } catch (error) {
          if (!(error instanceof ProducerValidationError)) throw error;
          reportBad(line.lineNumber, error.reason);
        }
      }
    } else {
      synthetic = new SyntheticEvents(run.source.options);
      const result = await runSynthetic({
        events: synthetic,
        sink: run.producer,
        ratePerSecond: run.source.ratePerSecond,
        durationMs: run.source.durationMs,
        signal: run.signal,
      });
      events = result.items;
    }
  } finally {
    await run.producer.close();
    stopProgress();
  }

  const report = run.producer.report();
  const elapsedMs = Date.now() - started;
  const summary: ProduceSummary = {
    source: run.source.kind,
    events,
    sent: report.sent,
    failed: report.failed,
    retried: report.retried,
    throttled: report.throttled,
    possibleDuplicates: report.possibleDuplicates,
    badLines,
    badLineSamples,
    failedSamples: report.failedRecords.slice(0, MAX_LISTED).map((record) => ({
      ...(record.event ? { id: record.event.id } : {}),
      partitionKey: record.partitionKey,
      errorCode: record.errorCode,
      errorMessage: record.errorMessage,
      attempts: record.attempts,
    })),
    ...(synthetic ? { synthetic: { ...synthetic.counts } } : {}),
    interrupted: Boolean(run.signal?.aborted),
    elapsedMs,
    eventsPerSecond: elapsedMs > 0 ? Math.round((report.sent * 1000) / elapsedMs) : report.sent,
    warnings: report.warnings,
  };
  return { summary, failedRecords: report.failedRecords };
}

/** A summary in plain lines, for a person. */
export function formatSummary(summary: ProduceSummary, streamName: string): string[] {
  const n = (value: number) => value.toLocaleString('en-US');
  const lines = [
    `sent ${n(summary.sent)} of ${n(summary.events)} event(s) to ${streamName} in ${(summary.elapsedMs / 1000).toFixed(1)} s (${n(summary.eventsPerSecond)} ev/s); ` +
      `retried ${n(summary.retried)}, throttled ${n(summary.throttled)}, possible duplicates ${n(summary.possibleDuplicates)}`,
  ];
  if (summary.synthetic) {
    lines.push(
      `synthetic: ${Object.entries(summary.synthetic)
        .map(([tag, count]) => `${tag} ${n(count)}`)
        .join(', ')}`,
    );
  }
  if (summary.badLines > 0) lines.push(`${n(summary.badLines)} bad line(s) skipped, not sent`);
  if (summary.failed > 0) {
    const codes = [...new Set(summary.failedSamples.map((sample) => sample.errorCode))].join(', ');
    lines.push(`${n(summary.failed)} event(s) failed for good (${codes})`);
  }
  for (const warning of summary.warnings) lines.push(`warning: ${warning}`);
  if (summary.interrupted) lines.push('interrupted: what was read was flushed; the rest was not sent');
  return lines;
}

/** What `produceCommand` takes from its surroundings; tests replace it. */
export interface ProduceEnvironment {
  readonly resolveTarget: (
    flags: Parameters<typeof resolveTarget>[0],
  ) => Promise<{ resources: { streamName: string }; kinesis: KinesisClient }>;
  readonly stdin: NodeJS.ReadableStream & { destroy?: () => void };
  readonly stderr: (text: string) => void;
  /** Redraws the progress line, or absent when stdout is not a terminal. */
  readonly progress?: (line: string) => void;
  /** Registers the SIGINT handler; returns its removal. */
  readonly onInterrupt: (handler: () => void) => () => void;
}

const processEnvironment = (): ProduceEnvironment => ({
  resolveTarget,
  stdin: process.stdin,
  // On a terminal the progress line is cleared first, so that the message does not land on it.
  stderr: (text) => process.stderr.write(`${process.stdout.isTTY ? '\r\x1b[K' : ''}${text}\n`),
  progress: process.stdout.isTTY ? (line) => process.stdout.write(`\r\x1b[K${line}`) : undefined,
  onInterrupt: (handler) => {
    process.on('SIGINT', handler);
    return () => process.off('SIGINT', handler);
  },
});

/** `streamtally produce`: NDJSON from a file or stdin, or synthetic events, to the stream. */
export async function produceCommand(
  argv: readonly string[],
  out: (text: string) => void,
  environment: ProduceEnvironment = processEnvironment(),
): Promise<void> {
  const { values } = parseFlags('produce', argv, {
    file: { type: 'string' },
    rate: { type: 'string' },
    duration: { type: 'string' },
    seed: { type: 'string' },
    keys: { type: 'string' },
    types: { type: 'string' },
    'duplicate-rate': { type: 'string' },
    'malformed-rate': { type: 'string' },
    'late-rate': { type: 'string' },
    'future-rate': { type: 'string' },
    ordered: { type: 'boolean', default: false },
    'max-attempts': { type: 'string' },
    'failed-out': { type: 'string' },
  });
  if (values.help) return out(produceUsage);
  const source = sourceFromFlags(values, environment);
  const maxAttempts = integerFlag('max-attempts', values['max-attempts'], 10, 1, 100);
  const target = await environment.resolveTarget(values);
  const streamName = target.resources.streamName;
  const producer = new Producer({ streamName, client: singleAttemptClient(target.kinesis), orderedPerKey: values.ordered, maxAttempts });

  const interrupt = new AbortController();
  const removeHandler = environment.onInterrupt(() => {
    if (interrupt.signal.aborted) process.exit(130); // a second Ctrl-C: leave now
    environment.stderr('\ninterrupted: flushing what was read (Ctrl-C again to quit at once)');
    interrupt.abort();
  });
  let result: Awaited<ReturnType<typeof runProduce>>;
  try {
    result = await runProduce({
      source,
      producer,
      signal: interrupt.signal,
      progress: values.json ? undefined : environment.progress,
      badLine: environment.stderr,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR')
      throw new UserError(`produce: cannot read --file ${values.file}: ${code}`, 2, { cause: error });
    throw error;
  } finally {
    removeHandler();
    if (source.kind === 'file' && 'destroy' in source.input && typeof source.input.destroy === 'function') source.input.destroy();
  }
  const { summary, failedRecords } = result;

  if (values['failed-out'] !== undefined && failedRecords.length > 0) {
    writeFileSync(values['failed-out'], failedRecords.map((record) => `${Buffer.from(record.data).toString('utf8')}\n`).join(''));
  }
  if (values.json) out(JSON.stringify(summary));
  else for (const line of formatSummary(summary, streamName)) out(line);

  const problems = [
    summary.badLines > 0 ? `${summary.badLines} bad line(s) skipped` : undefined,
    summary.failed > 0
      ? `${summary.failed} event(s) failed for good${values['failed-out'] ? ` (written to ${values['failed-out']})` : ''}`
      : undefined,
  ].filter((problem): problem is string => problem !== undefined);
  if (problems.length > 0) throw new UserError(`produce: ${problems.join(' and ')}`, 1);
  if (summary.interrupted) throw new UserError('produce: interrupted before the end of the input', 130);
}

type ProduceFlags = { readonly [name: string]: string | boolean | undefined };

function sourceFromFlags(values: ProduceFlags, environment: ProduceEnvironment): ProduceSource {
  const file = values.file as string | undefined;
  const rateText = values.rate as string | undefined;
  if (file !== undefined && rateText !== undefined) throw new UserError('produce: give either --file or --rate, not both');
  if (file !== undefined) {
    if (file === '-') return { kind: 'file', input: environment.stdin as AsyncIterable<Uint8Array | string> };
    let isFile = false;
    try {
      isFile = statSync(file).isFile();
    } catch (error) {
      throw new UserError(`produce: cannot read --file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 2, {
        cause: error,
      });
    }
    if (!isFile) throw new UserError(`produce: --file ${file} is not a file`);
    return { kind: 'file', input: createReadStream(file) };
  }
  if (rateText === undefined) throw new UserError('produce: give --file <ndjson> (- for stdin) or --rate <events per second>');
  const ratePerSecond = numberFlag('rate', rateText, 0.001, 1_000_000);
  const durationMs = numberFlag('duration', (values.duration as string | undefined) ?? '10', 0.001, 31_536_000) * 1000;
  const types =
    values.types === undefined
      ? undefined
      : String(values.types)
          .split(',')
          .map((type) => type.trim())
          .filter(Boolean);
  for (const type of types ?? []) {
    if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(type))
      throw new UserError(`produce: --types: "${type}" is not a valid type (1-64 characters of A-Z a-z 0-9 _ . : -)`);
  }
  const options: SyntheticOptions = {
    seed: integerFlag('seed', values.seed as string | undefined, 1, 0, 2 ** 32 - 1),
    keys: integerFlag('keys', values.keys as string | undefined, 1000, 1, 10_000_000),
    ...(types ? { types } : {}),
    duplicateRate: fractionFlag('duplicate-rate', values['duplicate-rate'] as string | undefined),
    malformedRate: fractionFlag('malformed-rate', values['malformed-rate'] as string | undefined),
    lateRate: fractionFlag('late-rate', values['late-rate'] as string | undefined),
    futureRate: fractionFlag('future-rate', values['future-rate'] as string | undefined),
  };
  const total = (options.duplicateRate ?? 0) + (options.malformedRate ?? 0) + (options.lateRate ?? 0) + (options.futureRate ?? 0);
  if (total > 1)
    throw new UserError(`produce: the --*-rate flags add up to ${total}; they are fractions of all events and must add up to at most 1`);
  return { kind: 'synthetic', options, ratePerSecond, durationMs };
}

function numberFlag(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new UserError(`--${name} must be a number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

function fractionFlag(name: string, text: string | undefined): number {
  return text === undefined ? 0 : numberFlag(name, text, 0, 1);
}

/** Redraws the progress line every {@link PROGRESS_INTERVAL_MS}; returns the function that stops it and ends the line. */
function drawProgress(producer: Producer, draw: (line: string) => void): () => void {
  let last: { at: number; counts: ProducerCounts } = { at: Date.now(), counts: producer.counts() };
  const timer = setInterval(() => {
    const now = Date.now();
    const counts = producer.counts();
    const perSecond = ((counts.sent - last.counts.sent) * 1000) / Math.max(1, now - last.at);
    last = { at: now, counts };
    draw(formatCounts(counts, perSecond));
  }, PROGRESS_INTERVAL_MS);
  return () => {
    clearInterval(timer);
    draw('');
  };
}

/** Iterates until the signal aborts, even while the source waits for input (an idle stdin). */
async function* untilAborted<T>(iterable: AsyncIterable<T>, signal: AbortSignal | undefined): AsyncGenerator<T> {
  const iterator = iterable[Symbol.asyncIterator]();
  const aborted = new Promise<IteratorResult<T>>((resolve) => {
    if (signal?.aborted) resolve({ done: true, value: undefined });
    signal?.addEventListener('abort', () => resolve({ done: true, value: undefined }), { once: true });
  });
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (next.done) return;
      yield next.value;
    }
  } finally {
    if (!signal?.aborted) await iterator.return?.();
  }
}
