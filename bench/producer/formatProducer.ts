import type { TargetCheck } from '../report';
import type { ProducerBenchResult, ProducerRun } from './measureProducer';

const LABELS: Record<ProducerRun['contender'], string> = {
  putRecordsLoop: 'hand-written PutRecords loop (500/request, no retries)',
  producer: 'Producer (send each, then close)',
  putRecordLoop: 'one PutRecord per event',
};

/** The producer bench as readable lines. */
export function formatProducer(result: ProducerBenchResult): string {
  const lines: string[] = [];
  lines.push(
    `Producer (issue 5): against ${result.emulator}; ${result.shards} shards, a fresh stream per run, events of ~${Math.round(result.meanEventBytes)} B; ${result.producerSettings}`,
  );
  lines.push('  straight to kinesalite:');
  for (const run of result.direct.runs) lines.push(`    ${runLine(run)}`);
  lines.push(
    `  Producer / PutRecords loop = ${int(result.direct.producerEventsPerSecond)} / ${int(result.direct.putRecordsLoopEventsPerSecond)} = ${result.producerToPutRecordsLoop.value.toFixed(2)} ` +
      `(target ${result.producerToPutRecordsLoop.target}: ${met(result.producerToPutRecordsLoop)}; loss ${result.direct.zeroLoss ? 'none' : 'SOME'})`,
  );
  lines.push(
    `  Producer / PutRecord loop (same event count) = ${int(result.direct.producerOnPutRecordCountEventsPerSecond)} / ${int(result.direct.putRecordLoopEventsPerSecond)} = ` +
      `${result.producerToPutRecordLoop.value.toFixed(1)} (target ${result.producerToPutRecordLoop.target}: ${met(result.producerToPutRecordLoop)}); ` +
      `the producer's ${int(result.direct.runs.find((run) => run.contender === 'putRecordsLoop')?.events ?? 0)}-event runs over it: ${result.producerLargeRunsToPutRecordLoop.toFixed(1)}`,
  );
  lines.push(`  behind a proxy adding ${result.delayed.delayMs} ms to every request (a stand-in for a network round trip):`);
  for (const run of result.delayed.runs) lines.push(`    ${runLine(run)}`);
  lines.push(
    `  with the delay: Producer / PutRecords loop = ${result.delayed.producerToPutRecordsLoop.toFixed(2)}, Producer / PutRecord loop = ${result.delayed.producerToPutRecordLoop.toFixed(1)}`,
  );
  const o = result.overload;
  lines.push(
    `  overload: a proxy lets ${int(o.capacityPerSecond)} records/s through (the rest throttled), the caller paces send() at ${int(o.offeredPerSecond)}/s for ${o.seconds.toFixed(1)} s ` +
      `and awaits each: ${int(o.sendsCompleted)} sends completed of ${int(o.sendsAttempted)} due`,
  );
  lines.push(
    `    peak buffered ${int(o.peakBuffered)} (maxBufferedEvents ${int(o.maxBufferedEvents)}); heap + arrayBuffers after GC ${mib(o.memoryBeforeBytes)} before, ` +
      `peak ${mib(o.peakMemoryBytes)} (+${mib(o.peakMemoryBytes - o.memoryBeforeBytes)})`,
  );
  lines.push(
    `    then close() drained the buffer at the same capacity in ${o.drainSeconds.toFixed(1)} s: sent ${int(o.sent)}, throttled attempts ${int(o.throttledAttempts)}, failed ${o.failed}; ` +
      `on the stream ${int(o.onStream)} records, ${int(o.distinctIdsOnStream)} distinct ids`,
  );
  return lines.join('\n');
}

function runLine(run: ProducerRun): string {
  const stream = run.onStream ? `; read back ${int(run.onStream.records)} records, ${int(run.onStream.distinctIds)} distinct ids` : '';
  return (
    `${LABELS[run.contender].padEnd(56)} ${int(run.events).padStart(6)} events ${run.seconds.toFixed(2).padStart(6)} s ${int(run.eventsPerSecond).padStart(7)} events/s, ` +
    `${run.requests} requests, lost ${run.lost}, retried ${run.retried}${stream}`
  );
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function int(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function met(check: TargetCheck): string {
  return check.met ? 'met' : 'NOT met';
}
