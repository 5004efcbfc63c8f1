import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import * as path from 'node:path';

/**
 * One entry of the journal. A put is written as a `request` before it reaches the
 * emulator and as a `response` once the emulator has answered; a request without a
 * response is in doubt (the emulator died while it held it).
 */
export type JournalEntry =
  | { readonly kind: 'request'; readonly id: number; readonly atMs: number; readonly operation: 'PutRecord' | 'PutRecords'; readonly body: string }
  | { readonly kind: 'response'; readonly id: number; readonly status: number; readonly body: string }
  /** The request was settled without an answer from the emulator (refused, or answered by the recovery). */
  | { readonly kind: 'settled'; readonly id: number; readonly body?: string }
  /** A record the recovery put again: `oldSequenceNumber` is now found at `newSequenceNumber`. */
  | { readonly kind: 'moved'; readonly shardId: string; readonly oldSequenceNumber: string; readonly newSequenceNumber: string };

/** Options of {@link WriteAheadJournal}. */
export interface WriteAheadJournalOptions {
  /** Directory of the segment files (created if missing). */
  readonly directory: string;
  /** A new segment is begun once the current one is this old. @default 10_000 */
  readonly segmentMs?: number;
  /** Clock, epoch ms. @default Date.now */
  readonly now?: () => number;
}

const SEGMENT_PATTERN = /^journal-(\d+)\.log$/;

/**
 * An append-only journal of the puts that reached the Kinesis emulator, in the order
 * it received them, split into segments that can be dropped once the emulator's own
 * snapshot holds them.
 *
 * Each entry is a header line (JSON) followed by the body bytes it announces, so any
 * body (a PutRecords request of up to 5 MiB) is kept as the emulator got it, without
 * being parsed on the hot path. Writes are synchronous (`writeSync`): an entry is in
 * the operating system's hands before the emulator sees the request, so a killed
 * emulator cannot take it along. There is no fsync: a power cut is outside what a
 * local stack promises (the emulator keeps its own data in memory anyway).
 */
export class WriteAheadJournal {
  private readonly segmentMs: number;
  private readonly now: () => number;
  private current: { readonly fd: number; readonly file: string; readonly openedAtMs: number } | undefined;
  /** Closed segments and when they were closed. */
  private readonly closed: { readonly file: string; readonly closedAtMs: number }[] = [];
  private nextId: number;

  constructor(private readonly options: WriteAheadJournalOptions) {
    this.segmentMs = options.segmentMs ?? 10_000;
    this.now = options.now ?? Date.now;
    mkdirSync(options.directory, { recursive: true });
    // Segments left by an earlier run are kept (and count as closed now): they may hold
    // what that run's emulator never saved.
    const openedAt = this.now();
    for (const file of this.segmentFiles()) this.closed.push({ file, closedAtMs: openedAt });
    this.nextId = this.readAll().reduce((max, entry) => ('id' in entry ? Math.max(max, entry.id) : max), 0) + 1;
  }

  /** Writes a put request before it is forwarded; returns its id. */
  appendRequest(operation: 'PutRecord' | 'PutRecords', body: string): number {
    const id = this.nextId++;
    this.write({ kind: 'request', id, atMs: this.now(), operation }, body);
    return id;
  }

  appendResponse(id: number, status: number, body: string): void {
    this.write({ kind: 'response', id, status }, body);
  }

  appendSettled(id: number, body?: string): void {
    this.write({ kind: 'settled', id }, body ?? '');
  }

  appendMoved(shardId: string, oldSequenceNumber: string, newSequenceNumber: string): void {
    this.write({ kind: 'moved', shardId, oldSequenceNumber, newSequenceNumber }, '');
  }

  /** Every entry of every segment, oldest first. */
  readAll(): JournalEntry[] {
    const entries: JournalEntry[] = [];
    for (const file of this.segmentFiles()) entries.push(...parseSegment(readFileSync(path.join(this.options.directory, file))));
    return entries;
  }

  /** When the oldest segment still kept was begun (from its name); undefined when empty. */
  oldestEntryMs(): number | undefined {
    const first = this.segmentFiles()[0];
    return first === undefined ? undefined : Number(SEGMENT_PATTERN.exec(first)![1]);
  }

  /**
   * Drops the closed segments whose every record the emulator's saved data holds: those
   * closed before `savedBeforeMs` (everything stored before it is in a complete snapshot).
   */
  dropSegmentsClosedBefore(savedBeforeMs: number): number {
    let dropped = 0;
    while (this.closed.length > 0 && this.closed[0]!.closedAtMs < savedBeforeMs) {
      rmSync(path.join(this.options.directory, this.closed.shift()!.file), { force: true });
      dropped += 1;
    }
    return dropped;
  }

  /** Closes the current segment once it is old enough, even without a new entry, so it can be dropped. */
  rotateIfOld(): void {
    if (this.current && this.now() - this.current.openedAtMs >= this.segmentMs) {
      closeSync(this.current.fd);
      this.closed.push({ file: this.current.file, closedAtMs: this.now() });
      this.current = undefined;
    }
  }

  close(): void {
    if (this.current) closeSync(this.current.fd);
    this.current = undefined;
  }

  private write(header: Record<string, unknown>, body: string): void {
    const segment = this.segment();
    const bytes = Buffer.from(body, 'utf8');
    writeSync(segment.fd, `${JSON.stringify({ ...header, bytes: bytes.length })}\n`);
    if (bytes.length > 0) writeSync(segment.fd, bytes);
    writeSync(segment.fd, '\n');
  }

  private segment(): { readonly fd: number; readonly file: string; readonly openedAtMs: number } {
    this.rotateIfOld();
    const now = this.now();
    if (!this.current) {
      // Names sort by time; a second segment begun in the same millisecond takes the next one.
      let openedAtMs = now;
      while (this.segmentFiles().includes(segmentName(openedAtMs))) openedAtMs += 1;
      const file = segmentName(openedAtMs);
      this.current = { fd: openSync(path.join(this.options.directory, file), 'a'), file, openedAtMs };
    }
    return this.current;
  }

  private segmentFiles(): string[] {
    return readdirSync(this.options.directory)
      .filter((name) => SEGMENT_PATTERN.test(name))
      .sort((a, b) => Number(SEGMENT_PATTERN.exec(a)![1]) - Number(SEGMENT_PATTERN.exec(b)![1]));
  }
}

function segmentName(openedAtMs: number): string {
  return `journal-${String(openedAtMs).padStart(15, '0')}.log`;
}

/**
 * The entries of one segment. A header or body cut short (the process died while
 * writing it) ends the segment: what follows cannot have been written after it.
 */
export function parseSegment(data: Buffer): JournalEntry[] {
  const entries: JournalEntry[] = [];
  let offset = 0;
  while (offset < data.length) {
    const newline = data.indexOf(0x0a, offset);
    if (newline < 0) break;
    let header: Record<string, unknown>;
    try {
      header = JSON.parse(data.subarray(offset, newline).toString('utf8')) as Record<string, unknown>;
    } catch {
      break;
    }
    const length = Number(header.bytes);
    const bodyEnd = newline + 1 + length;
    if (!Number.isInteger(length) || bodyEnd + 1 > data.length) break;
    const { bytes: _bytes, ...rest } = header;
    entries.push({ ...rest, body: data.subarray(newline + 1, bodyEnd).toString('utf8') } as unknown as JournalEntry);
    offset = bodyEnd + 1;
  }
  return entries;
}
