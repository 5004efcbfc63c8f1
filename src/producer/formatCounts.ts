import type { ProducerCounts } from './types';

/**
 * One line of progress: `812 ev/s · sent 12,345 · retried 3 · throttled 0 · failed 0 · buffered 120`.
 * `eventsPerSecond` is the caller's to measure (over the last interval or the whole run).
 */
export function formatCounts(counts: ProducerCounts, eventsPerSecond: number): string {
  const n = (value: number) => value.toLocaleString('en-US');
  return [
    `${n(Math.round(eventsPerSecond))} ev/s`,
    `sent ${n(counts.sent)}`,
    `retried ${n(counts.retried)}`,
    `throttled ${n(counts.throttled)}`,
    `failed ${n(counts.failed)}`,
    `buffered ${n(counts.buffered)}`,
  ].join(' · ');
}
