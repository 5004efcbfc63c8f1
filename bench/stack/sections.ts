import { loadavg } from 'node:os';
import { formatCliStartup } from '../cli/formatCliStartup';
import { measureCliStartup, type CliStartupResult } from '../cli/measureCliStartup';
import { formatProducer } from '../producer/formatProducer';
import { measureProducer, type ProducerBenchResult } from '../producer/measureProducer';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatCost } from '../cost/formatCost';
import { renderCostDoc, type DeployedStackShape } from '../cost/renderCostDoc';
import { synthStack } from '../../test/infra/synthStack';
import { measureCost, type CostResult } from '../cost/measureCost';
import { machineInfo } from '../machine';
import { formatKinesisEngines } from '../kinesisEngines/formatKinesisEngines';
import { measureKinesisEngines, type KinesisEnginesResult } from '../kinesisEngines/measureKinesisEngines';
import { formatMeasures, measureMeasures, type MeasuresSectionResult } from '../measures/measureMeasures';
import { formatStack } from './formatStack';
import { measureStack, type StackBenchResult } from './measureStack';

/** The parts of `npm run bench`: the consumer core (section 1), the local stack, the producer, DynamoDB's bill, the local Kinesis engines compared, the CLI's start-up. */
export const BENCH_SECTIONS = ['core', 'stack', 'producer', 'cost', 'measures', 'kinesis-engines', 'cli'] as const;
export type BenchSection = (typeof BENCH_SECTIONS)[number];

/** `npm run bench` options. */
export interface BenchArgs {
  readonly json: boolean;
  readonly only: ReadonlySet<BenchSection>;
  /** `--write-cost-doc`: render docs/cost.md from the cost section's figures. */
  readonly writeCostDoc: boolean;
  /** `--cost-events <n>`: records per cost run. @default 12,000 */
  readonly costEvents: number | undefined;
  /** `--cost-sweep-events <n>`: records per run of the cost section's batch-size sweep. @default 40,000 */
  readonly costSweepEvents: number | undefined;
}

/** `npm run bench` options: `--json`, `--only <sections>` (comma-separated; default all), `--write-cost-doc`, `--cost-events <n>`, `--cost-sweep-events <n>`. */
export function parseBenchArgs(args: readonly string[]): BenchArgs | { readonly error: string } {
  let json = false;
  let writeCostDoc = false;
  let costEvents: number | undefined;
  let costSweepEvents: number | undefined;
  let only: Set<BenchSection> | undefined;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === '--json') {
      json = true;
      continue;
    }
    if (arg === '--write-cost-doc') {
      writeCostDoc = true;
      continue;
    }
    if (arg === '--cost-events') {
      costEvents = Number(args[++index]);
      if (!Number.isInteger(costEvents) || costEvents < 500)
        return { error: '--cost-events takes a whole number of records, at least 500' };
      continue;
    }
    if (arg === '--cost-sweep-events') {
      costSweepEvents = Number(args[++index]);
      if (!Number.isInteger(costSweepEvents) || costSweepEvents < 10_000)
        return { error: '--cost-sweep-events takes a whole number of records, at least 10,000 (one batch of the largest size)' };
      continue;
    }
    const value = arg === '--only' ? args[++index] : arg.startsWith('--only=') ? arg.slice('--only='.length) : undefined;
    if (value === undefined) return { error: `unknown option ${arg}; the options are --json and --only ${BENCH_SECTIONS.join('|')}` };
    const names = value.split(',').filter(Boolean);
    const wrong = names.find((name) => !(BENCH_SECTIONS as readonly string[]).includes(name));
    if (names.length === 0 || wrong !== undefined)
      return { error: `--only takes ${BENCH_SECTIONS.join(', ')} (comma-separated), got "${value}"` };
    only = new Set([...(only ?? []), ...(names as BenchSection[])]);
  }
  return { json, only: only ?? new Set(BENCH_SECTIONS), writeCostDoc, costEvents, costSweepEvents };
}

/** The local-stack and producer sections' figures, each with how long it took and the load around it. */
export interface ExtraSections {
  readonly stack?: StackBenchResult & SectionRun;
  readonly producer?: ProducerBenchResult & SectionRun;
  readonly cost?: CostResult & SectionRun;
  readonly measures?: MeasuresSectionResult & SectionRun;
  readonly kinesisEngines?: KinesisEnginesResult & SectionRun;
  readonly cli?: CliStartupResult & SectionRun;
}

interface SectionRun {
  readonly durationSeconds: number;
  readonly loadAverageAtStart: number;
  readonly loadAverageAtEnd: number;
}

/** Runs the local-stack, producer, cost and CLI sections that `only` selects, one after the other. */
export async function runExtraSections(
  only: ReadonlySet<BenchSection>,
  progress: (message: string) => void,
  costOptions: { readonly events?: number; readonly sweepEvents?: number } = {},
): Promise<ExtraSections> {
  const timed = async <T>(measure: () => Promise<T>): Promise<T & SectionRun> => {
    const start = performance.now();
    const loadAverageAtStart = loadavg()[0]!;
    const result = await measure();
    return { ...result, durationSeconds: (performance.now() - start) / 1000, loadAverageAtStart, loadAverageAtEnd: loadavg()[0]! };
  };
  const stack = only.has('stack') ? await timed(() => measureStack({ onProgress: progress })) : undefined;
  const producer = only.has('producer') ? await timed(() => measureProducer({ onProgress: progress })) : undefined;
  const cost = only.has('cost') ? await timed(() => measureCost({ ...costOptions, onProgress: progress })) : undefined;
  // Part of the cost section already; alone, for a quick look at what the declared measures add.
  const measures =
    only.has('measures') && !only.has('cost') ? await timed(() => measureMeasures(costOptions.events ?? 12_000, progress)) : undefined;
  const kinesisEngines = only.has('kinesis-engines') ? await timed(() => measureKinesisEngines({ onProgress: progress })) : undefined;
  const cli = only.has('cli') ? await timed(async () => measureCliStartup(progress)) : undefined;
  return {
    ...(stack ? { stack } : {}),
    ...(producer ? { producer } : {}),
    ...(cost ? { cost } : {}),
    ...(measures ? { measures } : {}),
    ...(kinesisEngines ? { kinesisEngines } : {}),
    ...(cli ? { cli } : {}),
  };
}

/** The sections as text, after the core report (or alone). */
export function formatExtraSections(extras: ExtraSections): string {
  const parts: string[] = [];
  const when = (run: SectionRun) =>
    `(${run.durationSeconds.toFixed(0)} s, 1-min load average ${run.loadAverageAtStart.toFixed(2)} at start, ${run.loadAverageAtEnd.toFixed(2)} at end)`;
  if (extras.stack) parts.push(`${formatStack(extras.stack)}\n  ${when(extras.stack)}`);
  if (extras.producer) parts.push(`${formatProducer(extras.producer)}\n  ${when(extras.producer)}`);
  if (extras.cost) parts.push(`${formatCost(extras.cost)}\n  ${when(extras.cost)}`);
  if (extras.measures) parts.push(`${formatMeasures(extras.measures)}\n  ${when(extras.measures)}`);
  if (extras.kinesisEngines) parts.push(`${formatKinesisEngines(extras.kinesisEngines)}\n\n  ${when(extras.kinesisEngines)}`);
  if (extras.cli) parts.push(`${formatCliStartup(extras.cli)}\n  ${when(extras.cli)}`);
  return parts.map((part) => `\n${part}\n`).join('');
}

/**
 * `--only` without `core`: the selected sections alone, printed as the core
 * report would be (one JSON object with `--json`).
 */
export async function runWithoutCore(args: BenchArgs, progress: (message: string) => void): Promise<void> {
  const { only, json } = args;
  const startedMs = Date.now();
  const machine = machineInfo();
  const extras = await runExtraSections(only, progress, costOptionsOf(args));
  writeCostDocIfAsked(args, extras, progress);
  const report = {
    date: new Date(startedMs).toISOString(),
    durationSeconds: (Date.now() - startedMs) / 1000,
    machine: { ...machine, loadAverageAtEnd: loadavg()[0]! },
    ...extras,
  };
  progress('done');
  process.stdout.write(
    json
      ? `${JSON.stringify(report)}\n`
      : `\nstreamtally benchmark (${[...only].join(', ')}), ${report.date} (${report.durationSeconds.toFixed(0)} s)\n` +
          `machine: ${machine.os}, ${machine.cpuCount} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}\n` +
          formatExtraSections(extras),
  );
}

/** The default stack's batching settings and how many alarms its template holds, for docs/cost.md. */
export function defaultStackShape(): DeployedStackShape {
  const { config, template } = synthStack();
  return {
    batchSize: config.batchSize,
    maxBatchingWindowSeconds: config.maxBatchingWindowSeconds,
    alarms: Object.keys(template.findResources('AWS::CloudWatch::Alarm')).length,
  };
}

/** The cost section's options from the command line; unset ones keep measureCost's defaults. */
export function costOptionsOf(args: BenchArgs): { events?: number; sweepEvents?: number } {
  return {
    ...(args.costEvents === undefined ? {} : { events: args.costEvents }),
    ...(args.costSweepEvents === undefined ? {} : { sweepEvents: args.costSweepEvents }),
  };
}

/** `--write-cost-doc`: docs/cost.md rendered from this run's cost figures. */
export function writeCostDocIfAsked(args: BenchArgs, extras: ExtraSections, progress: (message: string) => void): void {
  if (!args.writeCostDoc) return;
  if (!extras.cost) throw new Error('--write-cost-doc needs the cost section (--only cost)');
  const path = join(__dirname, '..', '..', 'docs', 'cost.md');
  writeFileSync(path, renderCostDoc(extras.cost, new Date().toISOString(), defaultStackShape()));
  progress(`wrote ${path}`);
}
