import type { KinesisEnginesResult } from './measureKinesisEngines';

/** The engine comparison as a markdown table (docs/local-runtime.md takes it as it is). */
export function formatKinesisEngines(result: KinesisEnginesResult): string {
  const { engines } = result;
  const row = (label: string, cell: (index: number) => string) => `| ${label} | ${engines.map((_, index) => cell(index)).join(' | ')} |`;
  const marks = [...new Set(engines.flatMap((engine) => Object.keys(engine.putMsAtHeld)))].sort((a, b) => Number(a) - Number(b));
  const lines = [
    `Kinesis engines, one shard, up to ${result.recordsAsked.toLocaleString('en-US')} records in PutRecords of 500, ${result.budgetSeconds} s of puts at most per engine:`,
    '',
    `| | ${engines.map((engine) => engine.engine).join(' | ')} |`,
    `| --- | ${engines.map(() => '---').join(' | ')} |`,
    row('records put', (i) => `${engines[i]!.recordsPut.toLocaleString('en-US')} in ${engines[i]!.putSeconds} s`),
    ...marks.map((mark) =>
      row(`PutRecords ms at ${Number(mark).toLocaleString('en-US')} held`, (i) => String(engines[i]!.putMsAtHeld[mark] ?? 'not reached')),
    ),
    row('PutRecords ms, first 4 / last 4', (i) => `${engines[i]!.putMsAtStart} / ${engines[i]!.putMsAtEnd}`),
    row('GetRecords ms (1,000 records) at the end', (i) => String(engines[i]!.getRecordsMs)),
    row('engine CPU per record put', (i) => `${engines[i]!.cpuMicrosPerRecord} µs`),
    row('peak RSS', (i) => `${engines[i]!.peakRssMiB} MiB`),
    row(
      'acknowledged records lost on SIGKILL',
      (i) => `${engines[i]!.sigkill.lost} of ${engines[i]!.sigkill.acknowledged.toLocaleString('en-US')}`,
    ),
  ];
  const calls = engines[0]?.apiCalls.map((call) => call.call) ?? [];
  for (const call of calls) {
    lines.push(
      row(call, (i) => {
        const outcome = engines[i]!.apiCalls.find((entry) => entry.call === call);
        return outcome
          ? outcome.outcome === 'ok'
            ? 'ok'
            : `${outcome.outcome}${outcome.detail ? `: ${outcome.detail.replaceAll('|', '/')}` : ''}`
          : '-';
      }),
    );
  }
  return lines.join('\n');
}
