import type { TargetCheck } from '../report';
import type { CpuPerEvent, LoopSummary, PhaseCpu, StackBenchResult } from './measureStack';

/** The stack bench as readable lines. */
export function formatStack(result: StackBenchResult): string {
  const { stack, raw, endToEnd, halfLoad, rss } = result;
  const lines: string[] = [];
  lines.push(
    `Local stack end to end (issue 3): \`streamtally local up\` on the default stack (${stack.shards} shard, batch ${stack.batchSize}, ` +
      `batching window ${stack.maxBatchingWindowSeconds} s, parallelization ${stack.parallelizationFactor}, dedup ${stack.dedupProducerIds ? 'on' : 'off'}, ${stack.windows}); ` +
      `synth ${stack.synthSeconds.toFixed(1)} s, READY after ${stack.readySeconds.toFixed(1)} s, warm-up (cold start + 500 records) ${stack.warmUpSeconds.toFixed(1)} s`,
  );
  lines.push(`workload: ${result.workload}`);
  lines.push(`  raw PutRecords, bare kinesalite, before the stack   ${loopLine(raw.before.loop)}; cpu: ${cpuLine(raw.before.cpu)}`);
  lines.push(`  raw PutRecords, bare kinesalite, after the stack    ${loopLine(raw.after.loop)}; cpu: ${cpuLine(raw.after.cpu)}`);
  lines.push(`  the same loop against the stack                        ${loopLine(endToEnd.loop)}`);
  lines.push(
    `  end to end: ${int(endToEnd.records)} events aggregated ${endToEnd.seconds.toFixed(1)} s after the first put = ${int(endToEnd.eventsPerSecond)} events/s ` +
      `(${int(endToEnd.aggregatedPerSecondDuringPut)}/s while putting; ${int(endToEnd.backlogWhenPutDone)} behind when the loop finished)`,
  );
  lines.push(
    `  consumer: ${endToEnd.batches.invocations} invocations of ${endToEnd.batches.meanRecords} records, ${int(endToEnd.batches.meanProcessingMs)} ms each, ` +
      `busy ${(endToEnd.batches.busyShare * 100).toFixed(0)} % of the time; cpu: ${cpuLine(endToEnd.cpu)}`,
  );
  lines.push(
    `  CPU ms per event, end to end: ${msLine(endToEnd.cpuMsPerEvent)}; per record on the bare emulator: ${msLine(raw.before.cpuMsPerRecord)} (before), ${msLine(raw.after.cpuMsPerRecord)} (after)`,
  );
  lines.push(
    `  end-to-end / raw (both raw runs) = ${endToEnd.eventsPerSecond.toFixed(0)} / ${raw.recordsPerSecond.toFixed(0)} = ${result.endToEndToRaw.value.toFixed(2)} (target ${result.endToEndToRaw.target}: ${met(result.endToEndToRaw)})`,
  );
  lines.push(
    `  half load: ${int(halfLoad.offeredPerSecond)} events/s offered for ${halfLoad.loop.seconds.toFixed(0)} s (${int(halfLoad.loop.recordsPerSecond)}/s put), ${halfLoad.probes} probes (${halfLoad.probesVisible} seen), read every ${halfLoad.pollIntervalMs} ms`,
  );
  lines.push(`    put -> aggregate visible ms   ${pct(halfLoad.putToVisibleMs)}`);
  lines.push(`    put -> PutRecords answer ms   ${pct(halfLoad.putToAckMs)}`);
  lines.push(`    answer -> visible ms          ${pct(halfLoad.ackToVisibleMs)}`);
  lines.push(`    consumer ArrivalFreshnessMs   ${pct(halfLoad.arrivalFreshnessMs)} (per batch, its oldest record)`);
  lines.push(
    `    consumer: ${halfLoad.batches.invocations} invocations of ${halfLoad.batches.meanRecords} records, ${int(halfLoad.batches.meanProcessingMs)} ms each; cpu: ${cpuLine(halfLoad.cpu)}`,
  );
  lines.push(`  freshness p99 = ${int(result.freshnessP99.value)} ms (target ${result.freshnessP99.target}: ${met(result.freshnessP99)})`);
  lines.push(
    `  peak RSS of the stack (sum over ${rss.processes.length} processes, every ${rss.sampleIntervalMs} ms, ${rss.samples} samples) = ${mib(rss.peakTotalBytes)} during ${rss.peakPhase} ` +
      `(target <= 1 GiB: ${met(result.peakRss)}); each process's own peak: ` +
      rss.processes.map((process) => `${process.name} ${mib(process.peakRssBytes)}`).join(', '),
  );
  lines.push(
    `  conservation: ${int(result.conservation.put)} events put, ${int(result.conservation.aggregated)} aggregated (${result.conservation.exact ? 'exact' : 'NOT exact'}); ` +
      `stopped in ${result.stop.seconds.toFixed(1)} s, ${result.stop.processesLeft} process(es) left`,
  );
  return lines.join('\n');
}

function loopLine(loop: LoopSummary): string {
  return (
    `${int(loop.accepted)} records in ${loop.seconds.toFixed(1)} s = ${int(loop.recordsPerSecond)} records/s, ${loop.failed} failed; ` +
    `request time ${int(loop.firstRequestMs)} ms first, ${int(loop.lastRequestMs)} ms last`
  );
}

function cpuLine(cpu: PhaseCpu): string {
  const shares = cpu.processes.filter((share) => share.cores >= 0.005).map((share) => `${share.name} ${share.cores.toFixed(2)}`);
  return `${[...shares, `bench ${cpu.loadGeneratorCores.toFixed(2)}`].join(', ')} cores`;
}

function msLine(shares: readonly CpuPerEvent[]): string {
  const total = shares.reduce((sum, share) => sum + share.ms, 0);
  return `${shares.map((share) => `${share.name} ${share.ms.toFixed(2)}`).join(', ')} (total ${total.toFixed(2)})`;
}

function pct(values: { count: number; p50: number; p90: number; p99: number; max: number }): string {
  return `p50 ${int(values.p50)}  p90 ${int(values.p90)}  p99 ${int(values.p99)}  max ${int(values.max)}  (n=${values.count})`;
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

function int(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function met(check: TargetCheck): string {
  return check.met ? 'met' : 'NOT met';
}
