import type { BilledFigures } from './billedFigures';
import type { CostResult, MeasuresCost } from './measureCost';

/** The declared measures' rows: the same events with and without them. */
export function formatMeasuresCostLines(measures: MeasuresCost): string[] {
  const row = (label: string, figures: BilledFigures) =>
    `  ${label.padEnd(22)} ${figures.writeUnitsPerEvent.toFixed(3).padStart(9)} ${figures.readUnitsPerEvent.toFixed(3).padStart(9)} ${figures.hottestPartitionWriteUnitsPerSecond
      .toFixed(0)
      .padStart(22)}  ${Object.entries(figures.writeUnitsPerEventBy)
      .map(([resource, units]) => `${resource} ${units.toFixed(3)}`)
      .join(', ')}`;
  return [
    `  measures, zipf with users/countries/latencies, 1 shard, dedup on, ${measures.eventsPerRun} records; declared: ${measures.declaration}:`,
    row('nothing declared', measures.plain),
    row('measures declared', measures.declared),
    `  the measures add ${measures.addedWriteUnitsPerEvent.toFixed(3)} write units and ${measures.addedReadUnitsPerEvent.toFixed(3)} read units per event`,
    `  steady state, the first ${measures.steady.warmupRecords} records unpriced:`,
    row('nothing declared', measures.steady.plain),
    row('measures declared', measures.steady.declared),
    `  the measures add ${measures.steady.addedWriteUnitsPerEvent.toFixed(3)} write units and ${measures.steady.addedReadUnitsPerEvent.toFixed(3)} read units per event`,
  ];
}

/** The cost section as a readable table: one row per workload × shards × dedup, then the Powertools way. */
export function formatCost(result: CostResult): string {
  const lines = [
    `DynamoDB billed units (on-demand rules), ${result.eventsPerRun} records per run, batch ${result.batchSize}, ${(result.producerRetryRate * 100).toFixed(0)} % producer retries`,
    `  ${'run'.padEnd(22)} ${'WU/event'.padStart(9)} ${'RU/event'.padStart(9)} ${'hottest WU/s @1k ev/s'.padStart(22)}  write units per event by table/index`,
  ];
  const row = (label: string, figures: BilledFigures) =>
    `  ${label.padEnd(22)} ${figures.writeUnitsPerEvent.toFixed(3).padStart(9)} ${figures.readUnitsPerEvent.toFixed(3).padStart(9)} ${figures.hottestPartitionWriteUnitsPerSecond
      .toFixed(0)
      .padStart(22)}  ${Object.entries(figures.writeUnitsPerEventBy)
      .map(([resource, units]) => `${resource} ${units.toFixed(3)}`)
      .join(', ')}`;
  for (const [workload, byShards] of Object.entries(result.runs)) {
    for (const [shards, pair] of Object.entries(byShards)) {
      lines.push(row(`${workload} ${shards} shard dedup on`, pair.on), row(`${workload} ${shards} shard dedup off`, pair.off));
    }
    lines.push(row(`${workload} Powertools way`, result.powertools[workload as keyof CostResult['powertools']]));
  }
  lines.push(
    `  ratio to the Powertools way (write units per event), zipf 1 shard dedup on: ${result.ratioToPowertools.headline.toFixed(3)}`,
  );
  lines.push('  per-key items only (PAGE_BUDGET_BYTES=0, the layout before cell pages), dedup on; ratio = cell pages ÷ per-key:');
  for (const [workload, byShards] of Object.entries(result.perKeyLayout)) {
    for (const [shards, figures] of Object.entries(byShards)) {
      const ratio = result.ratioToPerKeyLayout[workload as keyof CostResult['ratioToPerKeyLayout']][shards]!;
      lines.push(`${row(`${workload} ${shards} shard per-key`, figures)}  (ratio ${ratio.toFixed(3)})`);
    }
  }
  lines.push(
    `  batch-size sweep, 1 shard, dedup on, ${result.batchSizeSweep.eventsPerRun} records per run, the first ${result.batchSizeSweep.warmupRecords} unpriced:`,
  );
  for (const [workload, byBatchSize] of Object.entries(result.batchSizeSweep.runs)) {
    for (const [batchSize, figures] of Object.entries(byBatchSize)) lines.push(row(`${workload} batch ${batchSize}`, figures));
  }
  const { measures } = result;
  lines.push(
    `  measures, zipf with users/countries/latencies, 1 shard, dedup on, ${measures.eventsPerRun} records; declared: ${measures.declaration}:`,
  );
  lines.push(row('nothing declared', measures.plain), row('measures declared', measures.declared));
  lines.push(
    `  the measures add ${measures.addedWriteUnitsPerEvent.toFixed(3)} write units and ${measures.addedReadUnitsPerEvent.toFixed(3)} read units per event`,
  );
  return lines.join('\n');
}
