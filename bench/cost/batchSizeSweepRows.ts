import type { BatchSizeSweep } from './measureCost';

/** The per-event figures a sweep row prices. */
interface UnitsPerEvent {
  readonly writeUnitsPerEvent: number;
  readonly readUnitsPerEvent: number;
}

/**
 * One markdown table row per batch size of the sweep: the batching window a
 * batch of that size needs on a shard at 1,000 records/s (Kinesis's write
 * limit per shard, so the shortest wait a full batch can have), then per
 * workload its billed write units per event and `price(figures)`.
 */
export function batchSizeSweepRows(sweep: BatchSizeSweep, price: (figures: UnitsPerEvent) => string): string[] {
  const workloads = sweepWorkloads(sweep);
  const batchSizes = Object.keys(sweep.runs[workloads[0]!]!).sort((a, b) => Number(a) - Number(b));
  return batchSizes.map((batchSize) => {
    const cells = workloads.flatMap((workload) => {
      const figures = sweep.runs[workload]![batchSize]!;
      return [figures.writeUnitsPerEvent.toFixed(3), price(figures)];
    });
    return `| ${Number(batchSize).toLocaleString('en-US')} | ${(Number(batchSize) / 1_000).toFixed(1)} s | ${cells.join(' | ')} |`;
  });
}

/** The sweep's workloads, in the order they were run. */
export function sweepWorkloads(sweep: BatchSizeSweep): (keyof BatchSizeSweep['runs'])[] {
  return Object.keys(sweep.runs) as (keyof BatchSizeSweep['runs'])[];
}
