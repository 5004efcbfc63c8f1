import { statSync } from 'node:fs';

/**
 * Watches the file kinesis-mock writes its memory to and tells from when on every
 * record is in a complete snapshot. kinesis-mock writes the file in place, one
 * snapshot after the other; a snapshot that finished at time t2 began after the one
 * before it finished (t1), so it holds everything the emulator had stored before t1.
 * A write is taken as finished once the file's time and size have not changed over
 * one whole interval between looks.
 */
export class SnapshotWatcher {
  private lastSeen: { mtimeMs: number; size: number } | undefined;
  /** Finish times of the snapshots seen complete, newest last (two kept). */
  private readonly finished: number[] = [];

  constructor(private readonly file: string) {}

  /** Looks at the file once; call it at a steady interval. */
  look(): void {
    let seen: { mtimeMs: number; size: number };
    try {
      const stats = statSync(this.file);
      seen = { mtimeMs: stats.mtimeMs, size: stats.size };
    } catch {
      this.lastSeen = undefined;
      return;
    }
    const unchanged = this.lastSeen !== undefined && this.lastSeen.mtimeMs === seen.mtimeMs && this.lastSeen.size === seen.size;
    this.lastSeen = seen;
    if (!unchanged || this.finished.at(-1) === seen.mtimeMs) return;
    this.finished.push(seen.mtimeMs);
    if (this.finished.length > 2) this.finished.shift();
  }

  /** Forgets the snapshots seen so far (the emulator was restarted and is not yet whole). */
  reset(): void {
    this.lastSeen = undefined;
    this.finished.length = 0;
  }

  /** Every record the emulator stored before this time is in the file; undefined until two snapshots were seen. */
  everythingStoredBefore(): number | undefined {
    return this.finished.length >= 2 ? this.finished[0] : undefined;
  }
}
