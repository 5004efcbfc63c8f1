import { KinesisLimits } from './kinesisLimits';

/** One line of NDJSON input, numbered from 1; blank lines are skipped but counted. */
export type NdjsonLine =
  | { readonly lineNumber: number; readonly data: Buffer }
  /** A line longer than the limit: dropped while reading, so memory stays bounded. */
  | { readonly lineNumber: number; readonly oversizedBytes: number };

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Splits a byte stream into lines without decoding it, so that each line's
 * bytes can be validated (and sent) exactly as they are, invalid UTF-8
 * included. A line of more than `maxLineBytes` is not held in memory: it
 * comes out as its size only. A trailing `\r` is dropped; so are blank lines.
 *
 * @param maxLineBytes the longest line kept. @default 1 MiB, the Kinesis record limit
 */
export async function* readNdjsonLines(
  input: AsyncIterable<Uint8Array | string>,
  maxLineBytes: number = KinesisLimits.maxBytesPerRecord,
): AsyncGenerator<NdjsonLine> {
  let parts: Buffer[] = [];
  let lineBytes = 0;
  let lineNumber = 1;
  // One byte of slack for a \r that is dropped.
  const keepLimit = maxLineBytes + 1;

  const finish = (): NdjsonLine | undefined => {
    const number = lineNumber;
    const size = lineBytes;
    const kept = parts;
    lineNumber += 1;
    parts = [];
    lineBytes = 0;
    if (size > keepLimit) return { lineNumber: number, oversizedBytes: size };
    let data = Buffer.concat(kept, size); // a copy: the input chunk is not kept alive by the line
    if (data.length > 0 && data[data.length - 1] === CARRIAGE_RETURN) data = data.subarray(0, data.length - 1);
    if (data.length > maxLineBytes) return { lineNumber: number, oversizedBytes: data.length };
    return isBlank(data) ? undefined : { lineNumber: number, data };
  };

  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (;;) {
      const newline = bytes.indexOf(NEWLINE, start);
      const end = newline === -1 ? bytes.length : newline;
      if (end > start) {
        if (lineBytes + (end - start) <= keepLimit) parts.push(bytes.subarray(start, end));
        else parts = [];
        lineBytes += end - start;
      }
      if (newline === -1) break;
      const line = finish();
      if (line) yield line;
      start = newline + 1;
    }
  }
  if (lineBytes > 0) {
    const line = finish();
    if (line) yield line;
  }
}

function isBlank(data: Buffer): boolean {
  for (const byte of data) {
    if (byte !== 0x20 && byte !== 0x09 && byte !== CARRIAGE_RETURN) return false;
  }
  return true;
}
