import { readFileSync } from 'node:fs';

/** One invocation of the consumer, as its EMF metric document reports it. */
export interface BatchMetrics {
  /** `_aws.Timestamp`: when the batch's metrics were published, after its writes. */
  readonly atMs: number;
  readonly recordsIn: number;
  readonly eventsAggregated: number;
  readonly batchProcessingMs: number;
  /** Age of the batch's oldest record since it reached the stream, at commit. */
  readonly arrivalFreshnessMs?: number;
}

/**
 * The consumer's per-batch metrics from the function log files `local up`
 * writes (`.streamtally/logs/<function>.log`, one EMF document per invocation).
 */
export function readBatchMetrics(files: readonly string[]): BatchMetrics[] {
  const batches: BatchMetrics[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      if (!line.startsWith('{') || !line.includes('"_aws"') || !line.includes('"RecordsIn"')) continue;
      let document: Record<string, unknown>;
      try {
        document = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      const aws = document._aws as { Timestamp?: unknown } | undefined;
      const number = (name: string) => (typeof document[name] === 'number' ? (document[name] as number) : undefined);
      if (typeof aws?.Timestamp !== 'number') continue;
      batches.push({
        atMs: aws.Timestamp,
        recordsIn: number('RecordsIn') ?? 0,
        eventsAggregated: number('EventsAggregated') ?? 0,
        batchProcessingMs: number('BatchProcessingMs') ?? 0,
        arrivalFreshnessMs: number('ArrivalFreshnessMs'),
      });
    }
  }
  return batches.sort((a, b) => a.atMs - b.atMs);
}
