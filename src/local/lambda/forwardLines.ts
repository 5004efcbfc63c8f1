import type { Readable } from 'node:stream';

/**
 * Calls `onLine` for every complete line a stream carries (a final line
 * without a newline included when the stream ends). Handlers write EMF
 * metrics as one JSON document per line, so lines must reach the sink whole,
 * however the worker's output was chunked.
 */
export function forwardLines(stream: Readable, onLine: (line: string) => void): void {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  });
  stream.on('end', () => {
    if (partial.length > 0) onLine(partial);
    partial = '';
  });
}
