/**
 * The last lines a child process wrote, kept so that an error can say why an emulator
 * failed without holding all of its output in memory.
 */
export class OutputTail {
  private lines: string[] = [];
  private partial = '';

  /** @param maxLines how many lines to keep @default 10 */
  constructor(private readonly maxLines = 10) {}

  /** Adds a chunk of output. */
  push(chunk: Buffer | string): void {
    const parts = (this.partial + chunk.toString()).split(/\r?\n/);
    this.partial = (parts.pop() ?? '').slice(-2000);
    for (const line of parts) if (line.trim() !== '') this.lines.push(line.trim().slice(0, 500));
    if (this.lines.length > this.maxLines) this.lines = this.lines.slice(-this.maxLines);
  }

  /** Whether any kept line contains `text`. */
  includes(text: string): boolean {
    return this.text().includes(text);
  }

  /** The kept lines joined by ` | `, or `(no output)`. */
  text(): string {
    const lines = this.partial.trim() === '' ? this.lines : [...this.lines, this.partial.trim()];
    return lines.length === 0 ? '(no output)' : lines.join(' | ');
  }
}
