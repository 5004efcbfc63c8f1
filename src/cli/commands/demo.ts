import { NO_MEASURES, parseGranularities, windowStartMs, type MeasuresConfig } from '../../../core';
import { checkConservation } from '../../demo/checkConservation';
import { alertLine, alertStates } from '../../demo/describeAlerts';
import { measureLine, readMeasureSummary } from '../../demo/readMeasureSummary';
import { countAggregated, countQuarantined, sumOfMetric, type ConsumerMetricIdentity } from '../../demo/readTotals';
import type { LocalRuntime } from '../../local/runtime/startLocalRuntime';
import { DashboardReader } from '../../dashboard/DashboardReader';
import { Producer } from '../../producer';
import { readTopKeys } from '../../query/readAggregates';
import { DEMO_MIX, runSynthetic, SyntheticEvents } from '../../synthetic';
import { integerFlag, parseFlags } from '../parseFlags';
import { UserError } from '../errors';
import { listenForCli } from './dashboard';
import { DEFAULT_DASHBOARD_PORT } from './dashboardUsage';
import { startRuntimeForCli } from './local';
import { demoUsage } from './demoUsage';

const DRAIN_TIMEOUT_MS = 120_000;
/** While draining, the longest wait between two reads of the stored totals when the consumer's metrics do not yet account for every record. */
const FULL_READ_EVERY_MS = 15_000;
/** The consumer's metrics that together account for every record it finished with. */
const ACCOUNTING_METRICS = ['EventsAggregated', 'DuplicatesDropped', 'QuarantinedInvalid', 'QuarantinedLate', 'QuarantinedFuture'] as const;
/** CloudWatch's alarm periods are aligned to multiples of their length since the epoch (AlarmEvaluator). */
const MINUTE_MS = 60_000;

/** `streamtally demo`: the whole pipeline on this machine, watched live. */
export async function demoCommand(argv: readonly string[], out: (text: string) => void): Promise<void> {
  const { values } = parseFlags('demo', argv, {
    duration: { type: 'string' },
    rate: { type: 'string' },
    seed: { type: 'string' },
    stack: { type: 'string' },
    'dashboard-port': { type: 'string' },
  });
  if (values.help) return out(demoUsage);
  const durationS = integerFlag('duration', values.duration, 60, 1, 86_400);
  const rate = integerFlag('rate', values.rate, 200, 1, 100_000);
  const seed = integerFlag('seed', values.seed, 1, 0, 2 ** 31 - 1);
  const dashboardPort = integerFlag('dashboard-port', values['dashboard-port'], DEFAULT_DASHBOARD_PORT, 0, 65_535);
  const interactive = Boolean(process.stdout.isTTY) && !values.json;
  const alarmLines: string[] = [];
  const alarmed = new Set<string>();
  const say = (line: string) => (values.json ? process.stderr.write(`${line}\n`) : out(line));

  say('starting the local stack (emulators, tables, stream, consumer)...');
  const runtime = await startRuntimeForCli({
    projectRoot: process.cwd(),
    stackName: values.stack,
    // Start-up notices go to the log; the demo shows only what flows.
    log: () => undefined,
    onAlarmLine: (line) => alarmLines.push(line),
    onAlarmChange: (change) => {
      if (change.state === 'ALARM') alarmed.add(change.alarmName);
    },
  });
  const reader = new DashboardReader({
    dynamo: runtime.clients.dynamodb,
    s3: runtime.clients.s3,
    kinesis: runtime.clients.kinesis,
    resources: runtime.state.resources,
    consumers: ['aggregator'],
    alarmStates: async () => Object.entries(runtime.alarmStates()).map(([name, state]) => ({ name, state })),
  });
  // The default port may be taken (another demo, another dashboard): then any free port
  // will do, since the address is printed. A port asked for is a port required.
  const dashboard = await listenForCli(reader, '127.0.0.1', dashboardPort)
    .catch((error: unknown) => {
      if (values['dashboard-port'] !== undefined || !(error instanceof UserError)) throw error;
      return listenForCli(reader, '127.0.0.1', 0);
    })
    .catch(async (error: unknown) => {
      await runtime.stop();
      throw error;
    });
  say(`dashboard at ${dashboard.url}`);
  const stopOnSignal = () =>
    void dashboard
      .close()
      .then(() => runtime.stop())
      .finally(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    const aggregator = runtime.plan.functions.find((fn) => fn.environment.CONSUMER_NAME);
    if (!aggregator) throw new UserError('demo: the stack in cdk.out has no aggregating consumer');
    const consumer: ConsumerMetricIdentity = {
      namespace: aggregator.environment.POWERTOOLS_METRICS_NAMESPACE ?? 'streamtally',
      service: aggregator.environment.POWERTOOLS_SERVICE_NAME ?? aggregator.environment.CONSUMER_NAME,
    };
    const measures = declaredMeasures(aggregator.environment.MEASURES);
    const granularities = parseGranularities(aggregator.environment.WINDOWS ?? '1m:7d,1h:90d,1d:1100d');
    const coarsest = granularities[granularities.length - 1].label;
    const finest = granularities[0];
    const { resources } = runtime.state;
    say(`local stack ready: ${runtime.stateFile}; sending ${rate} ev/s for ${durationS} s`);

    const producer = new Producer({ streamName: resources.streamName, client: runtime.clients.kinesis });
    const events = new SyntheticEvents({
      seed,
      ...DEMO_MIX,
      allowedLatenessMs: Number(aggregator.environment.ALLOWED_LATENESS_MS ?? 3_600_000),
      maxClockSkewMs: Number(aggregator.environment.MAX_CLOCK_SKEW_MS ?? 300_000),
    });
    const startedMs = Date.now();
    // With --json the live view goes to stderr beside the progress lines, so stdout holds the summary alone.
    const view = new LiveView(interactive, say);
    const refresh = async (phase: string): Promise<void> => {
      const now = Date.now();
      const window = windowStartMs(now, finest.sizeMs);
      const top = await readTopKeys(runtime.clients.dynamodb, resources.aggregatesTable, {
        type: 'page_view',
        granularity: finest.label,
        windowStartMs: window,
        limit: 5,
      }).catch(() => []);
      view.draw([
        `streamtally demo · ${phase} · ${Math.round((now - startedMs) / 1000)} s · stream ${resources.streamName}`,
        `  in   ${rateOf(producer.counts().sent, startedMs, now)} ev/s   sent ${producer.counts().sent}   retried ${producer.counts().retried}   throttled ${producer.counts().throttled}   failed ${producer.counts().failed}`,
        `  out  ${(sumOfMetric(runtime.metrics, consumer, 'EventsAggregated', now - 5_000, now + 1) / 5).toFixed(0)} ev/s   aggregated ${sumOfMetric(runtime.metrics, consumer, 'EventsAggregated', 0, now + 1)}   duplicates ${sumOfMetric(runtime.metrics, consumer, 'DuplicatesDropped', 0, now + 1)}   quarantined invalid ${sumOfMetric(runtime.metrics, consumer, 'QuarantinedInvalid', 0, now + 1)} · late ${sumOfMetric(runtime.metrics, consumer, 'QuarantinedLate', 0, now + 1)} · future ${sumOfMetric(runtime.metrics, consumer, 'QuarantinedFuture', 0, now + 1)}`,
        ...lagLines(runtime, now),
        `  top page_view keys this ${finest.label}: ${top.map((row) => `${row.key} ${row.count}`).join(' · ') || '(none yet)'}`,
        `  alarms: ${alarmSummary(runtime)}${alarmLines.length ? `; last change: ${alarmLines[alarmLines.length - 1]}` : ''}`,
      ]);
    };
    const timer = setInterval(() => void refresh('producing'), interactive ? 1_000 : 10_000);
    const run = await runSynthetic({ events, sink: producer, ratePerSecond: rate, durationMs: durationS * 1000 });
    const report = await producer.close();
    clearInterval(timer);

    // Wait until the consumer has put every record somewhere. The totals that
    // decide are a Scan of the whole aggregates table and a listing of the
    // quarantine, whose cost grows with the run: read every second, they took
    // the one DynamoDB emulator from the consumer they wait for. The consumer's
    // own metrics (in memory) say when a read is worth it; one every
    // FULL_READ_EVERY_MS still decides when the metrics fall short.
    let totals = await readDemoTotals(runtime, consumer, coarsest, report.sent, report.possibleDuplicates);
    let fresh = true;
    let readAtMs = Date.now();
    const drainDeadline = Date.now() + DRAIN_TIMEOUT_MS;
    while (checkConservation(totals).accountedFor < report.sent && Date.now() < drainDeadline) {
      await refresh('draining');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      fresh = false;
      const due =
        consumerAccountedFor(runtime, consumer) >= report.sent ||
        Date.now() - readAtMs >= FULL_READ_EVERY_MS ||
        Date.now() >= drainDeadline;
      if (!due) continue;
      totals = await readDemoTotals(runtime, consumer, coarsest, report.sent, report.possibleDuplicates);
      fresh = true;
      readAtMs = Date.now();
    }
    if (!fresh) totals = await readDemoTotals(runtime, consumer, coarsest, report.sent, report.possibleDuplicates);
    closeAlarmPeriods(runtime, startedMs);
    await refresh('done');
    const verdict = checkConservation(totals);
    const alerts = alertStates(measures.alerts, runtime.alarmStates(), alarmed);
    const measureLines = await readMeasureSummary(runtime.clients.dynamodb, resources.aggregatesTable, measures, {
      granularity: finest.label,
      fromWindowMs: windowStartMs(startedMs, finest.sizeMs),
      toWindowMs: windowStartMs(Date.now(), finest.sizeMs),
    });
    const summary = {
      durationS,
      items: run.items,
      generated: { ...events.counts },
      producer: {
        sent: report.sent,
        retried: report.retried,
        throttled: report.throttled,
        failed: report.failed,
        possibleDuplicates: report.possibleDuplicates,
      },
      consumer: { aggregated: totals.aggregated, duplicates: totals.duplicates, quarantined: totals.quarantined },
      conservation: verdict.statement,
      alarmChanges: alarmLines,
      alerts,
      measures: measureLines,
    };
    if (values.json) out(JSON.stringify(summary));
    else {
      out('');
      out(
        `generated: ${Object.entries(summary.generated)
          .map(([tag, count]) => `${tag} ${count}`)
          .join(', ')}`,
      );
      out(`producer:  sent ${report.sent}, retried ${report.retried}, throttled ${report.throttled}, failed ${report.failed}`);
      out(
        `consumer:  aggregated ${totals.aggregated}, duplicates dropped ${totals.duplicates}, quarantined ${Object.entries(
          totals.quarantined,
        )
          .map(([reason, count]) => `${reason} ${count}`)
          .join(', ')}`,
      );
      out(verdict.statement);
      for (const line of measureLines) out(measureLine(line));
      for (const alert of alerts) out(alertLine(alert));
      out(`try: npx streamtally query --type page_view --window 1m --top 5   (while a stack runs: npx streamtally local up)`);
    }
    if (report.failed > 0) throw new UserError(`demo: ${report.failed} event(s) could not be sent`, 1);
    if (!verdict.holds) throw new UserError(`demo: ${verdict.statement}`, 1);
  } finally {
    process.off('SIGINT', stopOnSignal);
    process.off('SIGTERM', stopOnSignal);
    await dashboard.close();
    await runtime.stop();
  }
}

async function readDemoTotals(
  runtime: LocalRuntime,
  consumer: ConsumerMetricIdentity,
  coarsest: string,
  sent: number,
  possibleDuplicates: number,
) {
  const { resources } = runtime.state;
  const [aggregated, quarantined] = await Promise.all([
    countAggregated(runtime.clients.dynamodb, resources.aggregatesTable, coarsest),
    countQuarantined(runtime.clients.s3, resources.quarantineBucket),
  ]);
  const duplicates = sumOfMetric(runtime.metrics, consumer, 'DuplicatesDropped', 0, Date.now() + 1);
  return { sent, possibleDuplicates, aggregated, duplicates, quarantined };
}

/** Records the consumer says it aggregated, dropped or quarantined: a cheap hint of the stored totals, never the verdict. */
function consumerAccountedFor(runtime: LocalRuntime, consumer: ConsumerMetricIdentity): number {
  const end = Date.now() + 1;
  return ACCOUNTING_METRICS.reduce((sum, metric) => sum + sumOfMetric(runtime.metrics, consumer, metric, 0, end), 0);
}

/** The declaration the stack gave the consumer (lib/config validated it at synth); none for a plain stack. */
function declaredMeasures(json: string | undefined): MeasuresConfig {
  if (json === undefined || json === '') return NO_MEASURES;
  try {
    return JSON.parse(json) as MeasuresConfig;
  } catch {
    throw new UserError("demo: the consumer's MEASURES in cdk.out is not JSON; synthesize the stack again (npx cdk synth)", 1);
  }
}

/**
 * Evaluates the alarms as of the end of each minute the demo touched. The timer
 * evaluates complete one-minute periods every 10 s, and a 60 s demo need not
 * contain a whole minute: its last minute (or its only one, for a short demo)
 * would complete, and its alerts fire, only after the demo has stopped. No event
 * arrives after the drain, so those periods hold all they ever will: evaluated at
 * their ends, the alarms show now what CloudWatch would show within the next minute.
 */
function closeAlarmPeriods(runtime: LocalRuntime, startedMs: number): void {
  const lastEnd = windowStartMs(Date.now(), MINUTE_MS) + MINUTE_MS;
  for (let end = windowStartMs(startedMs, MINUTE_MS) + MINUTE_MS; end <= lastEnd; end += MINUTE_MS) runtime.evaluateAlarmsNow(end);
}

function lagLines(runtime: LocalRuntime, now: number): string[] {
  return runtime.mappingStates().flatMap((mapping) =>
    mapping.shards.map((shard) => {
      const behind = shard.checkpoint
        ? `${((now - shard.checkpoint.arrivalMs) / 1000).toFixed(1)} s since the last applied record arrived`
        : 'nothing applied yet';
      return `  lag  ${shard.shardId}: ${behind}, ${shard.recordsInFlight} in flight`;
    }),
  );
}

function alarmSummary(runtime: LocalRuntime): string {
  const inAlarm = Object.entries(runtime.alarmStates())
    .filter(([, state]) => state === 'ALARM')
    .map(([name]) => name);
  return inAlarm.length === 0 ? 'none in ALARM' : `${inAlarm.length} in ALARM: ${inAlarm.join(', ')}`;
}

function rateOf(count: number, startedMs: number, now: number): string {
  return (count / Math.max(1, (now - startedMs) / 1000)).toFixed(0);
}

/** Redraws a block of lines in place on a terminal; prints them as they come elsewhere. */
class LiveView {
  private drawn = 0;
  constructor(
    private readonly interactive: boolean,
    private readonly out: (text: string) => void,
  ) {}

  draw(lines: readonly string[]): void {
    if (!this.interactive) {
      this.out(lines.join('\n'));
      return;
    }
    const clear = this.drawn > 0 ? `\x1b[${this.drawn}A\x1b[0J` : '';
    process.stdout.write(`${clear}${lines.join('\n')}\n`);
    this.drawn = lines.length;
  }
}
