import type { KinesisStreamEvent } from 'aws-lambda';
import { betweenInvocations } from './betweenInvocations';
import type { Contender, ContenderRun } from './Contender';

/**
 * The ceiling: base64 decode, JSON.parse and a count per (type, key, minute)
 * in nested Maps. No validation, no dedup, no windows other than the minute,
 * no store.
 */
export function baselineContender(): Contender {
  return {
    id: 'baseline',
    label: 'a. baseline: decode + parse + group (type,key,minute)',
    diagnostic: false,
    async run(batches: readonly KinesisStreamEvent[]): Promise<ContenderRun> {
      const counts = new Map<string, Map<string, Map<number, number>>>();
      let records = 0;
      for (const batch of batches) {
        await betweenInvocations();
        for (const record of batch.Records) {
          const event = JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8')) as {
            type: string;
            key: string;
            ts: string | number;
          };
          const tsMs = typeof event.ts === 'number' ? event.ts : Date.parse(event.ts);
          const minute = tsMs - (tsMs % 60_000);
          let byKey = counts.get(event.type);
          if (byKey === undefined) counts.set(event.type, (byKey = new Map()));
          let byMinute = byKey.get(event.key);
          if (byMinute === undefined) byKey.set(event.key, (byMinute = new Map()));
          byMinute.set(minute, (byMinute.get(minute) ?? 0) + 1);
          records++;
        }
      }
      return { records, counted: records, duplicates: 0, rejected: 0, storeWrites: 0 };
    },
  };
}
