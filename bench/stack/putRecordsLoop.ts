import { PutRecordsCommand, type KinesisClient, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { SyntheticEvents } from '../../src/synthetic';

/** The most records one PutRecords takes. */
export const PUT_RECORDS_BATCH = 500;

/** What a loop put on the stream. */
export interface PutLoopResult {
  /** Wall-clock time the first request was made. */
  readonly startedAtMs: number;
  /** Records Kinesis acknowledged. */
  readonly accepted: number;
  /** Records the answers marked failed (FailedRecordCount); never retried. */
  readonly failed: number;
  readonly requests: number;
  /** How long each request took, ms. */
  readonly requestMs: readonly number[];
  readonly elapsedMs: number;
  /** Accepted records per second of the loop's own time. */
  readonly recordsPerSecond: number;
  /** Accepted records at each completed request: [ms since start, running total]. */
  readonly progress: readonly (readonly [number, number])[];
}

/**
 * Valid events of the synthetic generator (the demo's key and type mix, no
 * duplicates or bad records), encoded as PutRecords entries with the event
 * time = the time the entry is made.
 */
export class BenchEvents {
  private readonly events: SyntheticEvents;
  private made = 0;
  private bytes = 0;

  constructor(seed: number, runId: string) {
    this.events = new SyntheticEvents({ seed, runId });
  }

  /** `count` entries with event times around `nowMs`. */
  entries(count: number, nowMs = Date.now()): PutRecordsRequestEntry[] {
    const entries: PutRecordsRequestEntry[] = [];
    for (let i = 0; i < count; i++) {
      const item = this.events.next(nowMs);
      if (item.kind !== 'event') throw new Error('the bench generator made a malformed record; its rates must all be 0');
      const data = Buffer.from(JSON.stringify(item.event));
      this.made += 1;
      this.bytes += data.length;
      entries.push({ Data: data, PartitionKey: item.event.key });
    }
    return entries;
  }

  /** Mean JSON size of the events made so far, bytes. */
  get meanBytes(): number {
    return this.made > 0 ? this.bytes / this.made : 0;
  }
}

/**
 * The hand-written loop every comparison is made against: `records` records
 * in PutRecords of 500, one request at a time, as fast as the stream answers,
 * no retries (a failed record is counted, not re-sent).
 */
export async function putRecordsLoop(
  client: KinesisClient,
  streamName: string,
  events: BenchEvents,
  records: number,
): Promise<PutLoopResult> {
  const startedAtMs = Date.now();
  const start = performance.now();
  let accepted = 0;
  let failed = 0;
  const requestMs: number[] = [];
  const progress: [number, number][] = [];
  for (let offset = 0; offset < records; offset += PUT_RECORDS_BATCH) {
    const count = Math.min(PUT_RECORDS_BATCH, records - offset);
    const entries = events.entries(count);
    const requestStart = performance.now();
    const answer = await client.send(new PutRecordsCommand({ StreamName: streamName, Records: entries }));
    requestMs.push(performance.now() - requestStart);
    const failedHere = answer.FailedRecordCount ?? 0;
    failed += failedHere;
    accepted += count - failedHere;
    progress.push([performance.now() - start, accepted]);
  }
  const elapsedMs = performance.now() - start;
  return {
    startedAtMs,
    accepted,
    failed,
    requests: requestMs.length,
    requestMs,
    elapsedMs,
    recordsPerSecond: (accepted * 1000) / elapsedMs,
    progress,
  };
}

/** A probe record: added to a paced request, its put and acknowledgement times kept. */
export interface PacedProbe {
  readonly entry: PutRecordsRequestEntry;
  onPut(putAtMs: number): void;
  onAck(ackAtMs: number): void;
}

/**
 * Offers `ratePerSecond` records with PutRecords: every `tickMs`, what is due
 * so far (at most 500 per request), one request at a time; every
 * `probeEveryMs`, the next request also carries `makeProbe()`'s record.
 */
export async function putRecordsPaced(
  client: KinesisClient,
  streamName: string,
  events: BenchEvents,
  options: {
    readonly ratePerSecond: number;
    readonly durationMs: number;
    readonly tickMs?: number;
    readonly probeEveryMs?: number;
    readonly makeProbe?: () => PacedProbe;
  },
): Promise<PutLoopResult> {
  const tickMs = options.tickMs ?? 100;
  const startedAtMs = Date.now();
  const start = performance.now();
  const requestMs: number[] = [];
  let sent = 0;
  let accepted = 0;
  let failed = 0;
  let probesSent = 0;
  const progress: [number, number][] = [];
  for (let tick = 0; ; tick++) {
    const elapsed = performance.now() - start;
    if (elapsed >= options.durationMs) break;
    const due = Math.min(PUT_RECORDS_BATCH, Math.floor((elapsed * options.ratePerSecond) / 1000) - sent);
    const probeDue = options.makeProbe !== undefined && options.probeEveryMs !== undefined && elapsed >= probesSent * options.probeEveryMs;
    const probe = probeDue ? options.makeProbe!() : undefined;
    if (probe) probesSent += 1;
    const records = due > 0 ? events.entries(due) : [];
    if (probe) records.push(probe.entry);
    if (records.length > 0) {
      probe?.onPut(Date.now());
      const requestStart = performance.now();
      const answer = await client.send(new PutRecordsCommand({ StreamName: streamName, Records: records }));
      requestMs.push(performance.now() - requestStart);
      probe?.onAck(Date.now());
      sent += Math.max(0, due);
      const failedHere = answer.FailedRecordCount ?? 0;
      failed += failedHere;
      accepted += records.length - failedHere;
      progress.push([performance.now() - start, accepted]);
    }
    const wait = start + (tick + 1) * tickMs - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  const elapsedMs = performance.now() - start;
  return {
    startedAtMs,
    accepted,
    failed,
    requests: requestMs.length,
    requestMs,
    elapsedMs,
    recordsPerSecond: (accepted * 1000) / elapsedMs,
    progress,
  };
}
