import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes a function asset as `cdk.out` holds one: a directory with a plain
 * CommonJS `index.js`. Returns the directory.
 */
export function writeAsset(root: string, name: string, source: string): string {
  const directory = join(root, name);
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'index.js'), source);
  return directory;
}

/**
 * Code every recording test handler starts with: `note(event, extra)` appends
 * one line per invocation to `$RECORD_FILE` (a synchronous write, so the line
 * is there before the invocation answers), and `once(key)` is true the first
 * time it is called with a key, across execution environments.
 */
export const RECORDING_PRELUDE = `
const fs = require('node:fs');
const { threadId } = require('node:worker_threads');
const decode = (record) => Buffer.from(record.kinesis.data, 'base64').toString('utf8');
function note(event, extra) {
  const records = event.Records.map((record) => {
    const data = decode(record);
    return {
      shardId: record.eventID.slice(0, record.eventID.lastIndexOf(':')),
      sequenceNumber: record.kinesis.sequenceNumber,
      partitionKey: record.kinesis.partitionKey,
      arrivalMs: Math.round(record.kinesis.approximateArrivalTimestamp * 1000),
      data: data.length > 200 ? '#' + data.length : data,
    };
  });
  const line = { threadId, eventBytes: Buffer.byteLength(JSON.stringify(event)), ...extra, records };
  if (process.env.LOG_EVENTS === '1') line.event = event;
  fs.appendFileSync(process.env.RECORD_FILE, JSON.stringify(line) + '\\n');
}
function once(key) {
  const marker = process.env.RECORD_FILE + '.' + key.replace(/[^A-Za-z0-9_-]/g, '_');
  if (fs.existsSync(marker)) return false;
  fs.writeFileSync(marker, '');
  return true;
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
`;

/** One record as a recording handler saw it. */
export interface SeenRecord {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly arrivalMs: number;
  /** The data as text, or `#<length>` for long data. */
  readonly data: string;
}

/** One invocation as a recording handler noted it (plus whatever the handler added). */
export interface SeenInvocation {
  readonly threadId: number;
  readonly eventBytes: number;
  readonly records: readonly SeenRecord[];
  readonly failed?: boolean;
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly event?: unknown;
  readonly [extra: string]: unknown;
}

/** The invocations noted in `file` so far, in order. */
export function readInvocations(file: string): SeenInvocation[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as SeenInvocation);
}
