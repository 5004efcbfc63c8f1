import { readdirSync, readFileSync } from 'node:fs';

/** What one process of the sampled tree used. */
export interface ProcessUsage {
  readonly pid: number;
  /** What the caller calls it (e.g. `runtime`, `kinesis`), or its command name from /proc. */
  readonly name: string;
  /** Highest VmRSS seen, in bytes. */
  readonly peakRssBytes: number;
}

/** CPU time used by each named process between two {@link ProcessTreeSampler.cpuMark} calls. */
export interface CpuShare {
  readonly name: string;
  /** CPU seconds (user + system) over wall seconds: 1 = one core busy the whole time. */
  readonly cores: number;
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

/**
 * Samples, every `intervalMs`, the resident set size (VmRSS of /proc/<pid>/status)
 * of a set of root processes and all of their descendants, and keeps the peak of
 * the sum (sampled at the same moment, not the sum of separate peaks). Linux only;
 * elsewhere it reports nothing.
 */
export class ProcessTreeSampler {
  private readonly roots = new Map<number, string>();
  private timer: NodeJS.Timeout | undefined;
  private peakTotal = 0;
  private peakAt = 0;
  private samples = 0;
  private readonly peaks = new Map<number, { name: string; peak: number }>();

  constructor(private readonly intervalMs = 250) {}

  /** Adds a process (and, from then on, its descendants) to the sampled set. */
  watch(pid: number, name: string): void {
    this.roots.set(pid, name);
  }

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  get peakTotalBytes(): number {
    return this.peakTotal;
  }

  get peakAtMs(): number {
    return this.peakAt;
  }

  get sampleCount(): number {
    return this.samples;
  }

  /** Per process, its own peak (these peaks need not coincide). */
  processes(): ProcessUsage[] {
    return [...this.peaks.entries()].map(([pid, { name, peak }]) => ({ pid, name, peakRssBytes: peak }));
  }

  /** The processes sampled now: roots and descendants, each with its name. */
  tree(): Map<number, string> {
    const result = new Map(this.roots);
    const children = childrenByParent();
    const queue = [...this.roots.keys()];
    while (queue.length > 0) {
      const pid = queue.shift()!;
      for (const child of children.get(pid) ?? []) {
        if (result.has(child)) continue;
        result.set(child, `${result.get(pid)} child (${commandName(child)})`);
        queue.push(child);
      }
    }
    return result;
  }

  /** CPU ticks (user + system) per process of the tree now; pass two marks to {@link cpuBetween}. */
  cpuMark(): { readonly atMs: number; readonly ticks: Map<number, { name: string; ticks: number }> } {
    const ticks = new Map<number, { name: string; ticks: number }>();
    for (const [pid, name] of this.tree()) {
      const used = cpuTicks(pid);
      if (used !== undefined) ticks.set(pid, { name, ticks: used });
    }
    return { atMs: performance.now(), ticks };
  }

  private sample(): void {
    let total = 0;
    for (const [pid, name] of this.tree()) {
      const rss = rssBytes(pid);
      if (rss === undefined) continue;
      total += rss;
      const entry = this.peaks.get(pid);
      if (!entry) this.peaks.set(pid, { name, peak: rss });
      else {
        entry.peak = Math.max(entry.peak, rss);
        // A process first seen as a child may be named by watch() later.
        entry.name = name;
      }
    }
    this.samples += 1;
    if (total > this.peakTotal) {
      this.peakTotal = total;
      this.peakAt = Date.now();
    }
  }
}

/** Cores used per process between two marks of {@link ProcessTreeSampler.cpuMark}. */
export function cpuBetween(
  before: ReturnType<ProcessTreeSampler['cpuMark']>,
  after: ReturnType<ProcessTreeSampler['cpuMark']>,
): CpuShare[] {
  const seconds = (after.atMs - before.atMs) / 1000;
  const shares: CpuShare[] = [];
  for (const [pid, { name, ticks }] of after.ticks) {
    const start = before.ticks.get(pid)?.ticks ?? 0;
    shares.push({ name, cores: (ticks - start) / CLOCK_TICKS_PER_SECOND / seconds });
  }
  return shares;
}

/** This process's own CPU ticks, for a process that is not in a sampled tree. */
export function ownCpuTicks(): number {
  return cpuTicks(process.pid) ?? 0;
}

function rssBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

function cpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) in parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

function commandName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

function childrenByParent(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return children;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(parent);
      if (list) list.push(Number(entry));
      else children.set(parent, [Number(entry)]);
    } catch {
      // The process ended while /proc was read.
    }
  }
  return children;
}
