import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readNdjsonLines, type NdjsonLine } from '../../../src/producer/readNdjsonLines';

async function lines(chunks: (string | Uint8Array)[], maxLineBytes?: number): Promise<NdjsonLine[]> {
  const result: NdjsonLine[] = [];
  async function* source() {
    yield* chunks;
  }
  for await (const line of readNdjsonLines(source(), maxLineBytes)) result.push(line);
  return result;
}

const text = (line: NdjsonLine) =>
  'data' in line ? [line.lineNumber, line.data.toString('utf8')] : [line.lineNumber, `<${line.oversizedBytes} bytes>`];

describe('readNdjsonLines', () => {
  it('numbers lines from 1, skipping but counting blank ones, with or without CRLF and a final newline', async () => {
    const result = await lines(['{"a":1}\r\n\n  \n{"b":2}\n', '{"c":3}']);
    expect(result.map(text)).toEqual([
      [1, '{"a":1}'],
      [4, '{"b":2}'],
      [5, '{"c":3}'],
    ]);
  });

  it('keeps the bytes as they are, invalid UTF-8 included', async () => {
    const result = await lines([Buffer.from([0x7b, 0xff, 0x7d, 0x0a])]);
    expect('data' in result[0]! && [...result[0].data]).toEqual([0x7b, 0xff, 0x7d]);
  });

  it('reports a line over the limit by its size only, and goes on', async () => {
    const result = await lines(['ok\n', 'x'.repeat(30), 'x'.repeat(30), '\nafter\n'], 50);
    expect(result.map(text)).toEqual([
      [1, 'ok'],
      [2, '<60 bytes>'],
      [3, 'after'],
    ]);
  });

  it('gives the same lines however the input is cut into chunks', async () => {
    const input = '{"id":"1"}\n\n{"id":"ü"}\r\n{"id":"3"}';
    const expected = (await lines([input])).map(text);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: Buffer.byteLength(input) }), { maxLength: 8 }), async (cuts) => {
        const bytes = Buffer.from(input);
        const points = [0, ...[...cuts].sort((a, b) => a - b), bytes.length];
        const chunks = points.slice(1).map((end, i) => bytes.subarray(points[i], end));
        expect((await lines(chunks)).map(text)).toEqual(expected);
      }),
    );
  });
});
