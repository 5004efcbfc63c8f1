import type { FaultPlan, PutRecordsEntry } from './FaultProxy';

/** The event id inside a proxied record. */
export function idOf(entry: PutRecordsEntry | { data: Buffer }): string {
  const bytes = 'data' in entry ? entry.data : Buffer.from(entry.Data, 'base64');
  return (JSON.parse(bytes.toString('utf8')) as { id: string }).id;
}

/**
 * A stream of `recordsPerSecond` capacity, counted per wall-clock second as
 * Kinesis counts per shard: records beyond it are refused with
 * ProvisionedThroughputExceededException, the rest are written.
 */
export function capacityPlan(recordsPerSecond: number): FaultPlan {
  let second = -1;
  let used = 0;
  return () => ({
    kind: 'partial',
    refuse: () => {
      const now = Math.floor(Date.now() / 1000);
      if (now !== second) {
        second = now;
        used = 0;
      }
      if (used >= recordsPerSecond) return true;
      used += 1;
      return false;
    },
  });
}

/** A deterministic "random" choice per record, from its id: the same record meets the same fate per attempt number. */
export function hashFraction(text: string): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return (hash >>> 0) / 4_294_967_296;
}
