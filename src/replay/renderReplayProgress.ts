import type { ProgressSnapshot } from './ReplayProgress';

const BAR_WIDTH = 24;

/**
 * The progress bar a terminal redraws in place:
 * `[#########---------------]  38%  shards 1/3  records 12,345 (2,100/s)  ETA 0:42`.
 */
export function progressBar(snapshot: ProgressSnapshot): string {
  const filled = Math.round(snapshot.fraction * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
  return `${bar} ${percent(snapshot)}  ${counts(snapshot)}  ETA ${eta(snapshot)}`;
}

/** The same as one plain line, for logs and pipes: `replay: 38%, shards 1/3, records 12,345 (2,100/s), ETA 0:42`. */
export function progressLine(snapshot: ProgressSnapshot): string {
  return `replay: ${percent(snapshot).trim()}, ${counts(snapshot).replace('  ', ', ')}, ETA ${eta(snapshot)}`;
}

function percent(snapshot: ProgressSnapshot): string {
  return `${Math.floor(snapshot.fraction * 100)}%`.padStart(4);
}

function counts(snapshot: ProgressSnapshot): string {
  const n = (value: number) => Math.round(value).toLocaleString('en-US');
  return `shards ${snapshot.shardsDone}/${snapshot.shardsTotal}  records ${n(snapshot.records)} (${n(snapshot.recordsPerSecond)}/s)`;
}

/** `m:ss` or `h:mm:ss`; `?` until there is a rate to go by. */
export function eta(snapshot: Pick<ProgressSnapshot, 'etaMs'>): string {
  if (snapshot.etaMs === undefined || !Number.isFinite(snapshot.etaMs)) return '?';
  const totalSeconds = Math.ceil(snapshot.etaMs / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = String(totalSeconds % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}
