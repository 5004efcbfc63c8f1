import type { DynamoWritesResult } from './dynamo/measureDynamoWrites';
import type { MachineInfo } from './machine';
import type { CpuResult } from './measureCpu';
import type { MeasuresCpuResult } from './measures/measureMeasuresCpu';

/** A figure with the target it is held to. */
export interface TargetCheck {
  readonly value: number;
  readonly target: string;
  readonly met: boolean;
}

/** Everything one `npm run bench` found: printed as a table, or as this object with `--json`. */
export interface BenchReport {
  readonly date: string;
  readonly durationSeconds: number;
  readonly machine: MachineInfo & { readonly loadAverageAtEnd: number };
  readonly workload: {
    readonly records: number;
    readonly batches: number;
    readonly batchSize: number;
    readonly shards: number;
    readonly meanPayloadBytes: number;
    readonly keys: number;
    readonly zipfExponent: number;
    readonly types: readonly string[];
    readonly eventTimeSpanSeconds: number;
    readonly producerRetries: number;
    readonly invalidRecords: number;
  };
  readonly cpu: {
    readonly rounds: number;
    readonly warmupRounds: number;
    readonly warmupRecords: number;
    readonly contenders: readonly CpuResult[];
    readonly ratios: {
      /** b / a */
      readonly coreToBaseline: TargetCheck;
      /** b / c */
      readonly coreToPowertools: number;
      /** b / c' */
      readonly coreToPowertoolsPlainBase64: number;
    };
    /** What the declared measures add, on the same events (m1 vs m0). */
    readonly measures: MeasuresCpuResult;
  };
  readonly dynamo: {
    readonly emulator: string;
    readonly quarantineSink: string;
    readonly records: number;
    readonly batchSize: number;
    readonly dedupOn: DynamoWritesResult;
    readonly dedupOff: DynamoWritesResult;
    /** Aggregate UpdateItem per distinct item touched, per batch, checkpoint aside (dedup on). */
    readonly aggregateUpdatesPerDistinctItem: TargetCheck;
  };
}

/** The report as a readable table. */
export function formatReport(report: BenchReport): string {
  const { machine, workload, cpu, dynamo } = report;
  const lines: string[] = [];
  lines.push(`streamtally consumer benchmark, ${report.date} (${report.durationSeconds.toFixed(0)} s)`);
  lines.push(
    `machine: ${machine.os}, ${machine.cpuCount} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, ` +
      `1-min load average ${machine.loadAverageAtStart.toFixed(2)} at start, ${machine.loadAverageAtEnd.toFixed(2)} at end`,
  );
  lines.push(
    `workload: ${int(workload.records)} records in ${workload.batches} batches of ${workload.batchSize}, ${workload.shards} shard, ` +
      `${workload.meanPayloadBytes.toFixed(0)} B mean JSON, types ${workload.types.join('/')}, ${int(workload.keys)} keys (Zipf s=${workload.zipfExponent}), ` +
      `event times over ${workload.eventTimeSpanSeconds.toFixed(0)} s, ${workload.producerRetries} producer retries, ${workload.invalidRecords} invalid`,
  );
  lines.push('');
  lines.push(
    `CPU: one process, one batch at a time, no I/O; median of ${cpu.rounds} interleaved rounds ` +
      `after ${cpu.warmupRounds} warm-up round(s) of ${int(cpu.warmupRecords)} records`,
  );
  const cpuRows: string[][] = [['contender', 'median ev/s', 'min-max ev/s', 'cpu/wall', 'counted', 'dups', 'rejected', 'store writes']];
  const row = (result: CpuResult) => [
    result.label,
    int(result.medianEventsPerSecond),
    `${int(Math.min(...result.eventsPerSecond))}-${int(Math.max(...result.eventsPerSecond))}`,
    result.medianCpuShare.toFixed(2),
    int(result.work.counted),
    int(result.work.duplicates),
    int(result.work.rejected),
    int(result.work.storeWrites),
  ];
  for (const result of cpu.contenders.filter((candidate) => !candidate.diagnostic)) cpuRows.push(row(result));
  cpuRows.push(['diagnostics:', '', '', '', '', '', '', '']);
  for (const result of cpu.contenders.filter((candidate) => candidate.diagnostic)) cpuRows.push(row(result));
  lines.push(...table(cpuRows));
  const { ratios } = cpu;
  lines.push(
    `ratios: b/a = ${ratios.coreToBaseline.value.toFixed(2)} (target ${ratios.coreToBaseline.target}: ${metText(ratios.coreToBaseline)}), ` +
      `b/c = ${ratios.coreToPowertools.toFixed(1)}, b/c' = ${ratios.coreToPowertoolsPlainBase64.toFixed(2)}`,
  );
  const { measures } = cpu;
  lines.push(`measures: ${int(measures.records)} records with users/countries/latencies, same rounds`);
  lines.push(
    ...table([
      ['contender', 'median ev/s', 'min-max ev/s', 'cpu/wall', 'counted', 'dups', 'rejected', 'store writes'],
      ...measures.contenders.map(row),
    ]),
  );
  lines.push(`measures add ${measures.addedMicrosecondsPerEvent.toFixed(1)} µs of CPU per event (m0/m1 = ${measures.slowdown.toFixed(2)})`);
  lines.push('');
  lines.push(
    `DynamoDB: real adapters against ${dynamo.emulator}, quarantine to ${dynamo.quarantineSink}; ` +
      `${int(dynamo.records)} records in batches of ${dynamo.batchSize}, fresh tables per run`,
  );
  const on = dynamo.dedupOn;
  const off = dynamo.dedupOff;
  const both = (label: string, pick: (result: DynamoWritesResult) => string) => [label, pick(on), pick(off)];
  lines.push(
    ...table([
      ['', 'dedup on', 'dedup off'],
      both('aggregate UpdateItem', (result) => int(result.aggregateUpdates)),
      both('  of which failed their condition', (result) => int(result.aggregateUpdatesConditionFailed)),
      both('distinct aggregate items (sum over batches)', (result) => int(result.distinctItemsTouched)),
      both('UpdateItem per distinct item', (result) => result.aggregateUpdatesPerDistinctItem.toFixed(3)),
      both('  worst batch', (result) => result.worstBatchUpdatesPerDistinctItem.toFixed(3)),
      both('aggregate re-read GetItem', (result) => int(result.aggregateRereads)),
      both('claim PutItem', (result) => int(result.claimPuts)),
      both('  of which failed their condition (duplicates)', (result) => int(result.claimPutsConditionFailed)),
      both('checkpoint UpdateItem / GetItem', (result) => `${result.checkpointWrites} / ${result.checkpointReads}`),
      both('quarantine S3 PutObject', (result) => int(result.quarantinePuts)),
      both('DynamoDB writes per event', (result) => result.dynamoWritesPerEvent.toFixed(3)),
      both('  without the checkpoint writes', (result) => result.dynamoWritesPerEventExcludingCheckpoints.toFixed(3)),
      both('DynamoDB reads per event', (result) => (result.dynamoReads / result.records).toFixed(3)),
      both('SDK retries', (result) => int(result.retries)),
      both('counted / duplicates / quarantined', (result) => `${int(result.counted)} / ${result.duplicates} / ${result.quarantined}`),
      both('events/s end to end (informational)', (result) => int(result.eventsPerSecond)),
    ]),
  );
  const check = dynamo.aggregateUpdatesPerDistinctItem;
  lines.push(`UpdateItem per distinct item per batch = ${check.value.toFixed(3)} (target ${check.target}: ${metText(check)})`);
  return lines.join('\n');
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((cells) => (cells[column] ?? '').length)));
  return rows.map((cells) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ')
      .trimEnd(),
  );
}

function int(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function metText(check: TargetCheck): string {
  return check.met ? 'met' : 'NOT met';
}
