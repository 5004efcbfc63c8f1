import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** What one chaos scenario did and found; one entry of the results file. */
export interface ScenarioResult {
  readonly id: string;
  readonly fault: string;
  readonly injection: string;
  readonly invariant: string;
  readonly eventsSent: number;
  readonly eventsLost: number;
  readonly doubleCounts: number;
  /** ms from the end of the fault to every record accounted for; null if never. */
  readonly recoveryMs: number | null;
  /** Faults actually applied (e.g. requests throttled, workers killed). */
  readonly faultsInjected: string;
  readonly passed: boolean;
}

/**
 * One JSON file per scenario in this directory, so that test files running in
 * parallel (vitest forks) never overwrite each other's results. `npm run test:chaos`
 * gives a fresh directory per run (CHAOS_RESULTS_DIR) and merges it into
 * test/chaos/results/latest.json; a plain `npm test` keeps them in the temp directory.
 */
export const RESULTS_DIR = process.env.CHAOS_RESULTS_DIR
  ? path.resolve(process.env.CHAOS_RESULTS_DIR)
  : path.join(tmpdir(), 'streamtally-chaos-results');
export const REPORT_FILE = path.resolve(__dirname, '..', '..', '..', 'RELIABILITY.md');

/** Every scenario's result of one run, merged (the layout of test/chaos/results/latest.json). */
export interface ResultsFile {
  readonly mode: 'ci' | 'soak';
  readonly startedAt: string;
  readonly scenarios: ScenarioResult[];
}

/** One scenario's file in {@link RESULTS_DIR}. */
interface ScenarioFile {
  readonly mode: 'ci' | 'soak';
  readonly recordedAt: string;
  readonly result: ScenarioResult;
}

/** Records (or replaces) one scenario's result: its own file, written whole and renamed into place. */
export function recordResult(result: ScenarioResult, mode: 'ci' | 'soak', directory: string = RESULTS_DIR): void {
  mkdirSync(directory, { recursive: true });
  const file = path.join(directory, `${encodeURIComponent(result.id)}.json`);
  const temporary = `${file}.${process.pid}.tmp`;
  const entry: ScenarioFile = { mode, recordedAt: new Date().toISOString(), result };
  writeFileSync(temporary, `${JSON.stringify(entry, null, 2)}\n`);
  renameSync(temporary, file);
}

/** The result recorded for one scenario so far, if any. */
export function recordedResult(id: string, directory: string = RESULTS_DIR): ScenarioResult | undefined {
  const file = path.join(directory, `${encodeURIComponent(id)}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ScenarioFile).result : undefined;
}

/**
 * The scenarios' results merged, sorted by id: those of the mode recorded last
 * (a CI run does not mix with an older soak run's results).
 * @throws when no result was recorded
 */
export function readResults(directory: string = RESULTS_DIR): ResultsFile {
  const entries = (existsSync(directory) ? readdirSync(directory) : [])
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(path.join(directory, name), 'utf8')) as ScenarioFile)
    .sort((a, b) => a.recordedAt.localeCompare(b.recordedAt));
  const latest = entries[entries.length - 1];
  if (!latest) throw new Error(`no chaos results in ${directory}`);
  const ofMode = entries.filter((entry) => entry.mode === latest.mode);
  return {
    mode: latest.mode,
    startedAt: ofMode[0]!.recordedAt,
    scenarios: ofMode.map((entry) => entry.result).sort((a, b) => a.id.localeCompare(b.id)),
  };
}

const cell = (text: string | number): string => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');

/**
 * RELIABILITY.md from a results file: a fixed layout, scenarios sorted by id,
 * so two runs with the same outcome differ only in the date and the timings.
 */
export function renderReliabilityReport(
  results: ResultsFile,
  options: { date: string; command: string; soak?: { readonly results: ResultsFile; readonly date: string; readonly seconds?: number } },
): string {
  const table = (scenarios: readonly ScenarioResult[]) => {
    const lostTotal = scenarios.reduce((sum, s) => sum + s.eventsLost, 0);
    const doubleTotal = scenarios.reduce((sum, s) => sum + s.doubleCounts, 0);
    return [
      '| Scenario | Fault | How injected | Events sent | Lost | Double counts | Recovery | Faults applied | Result |',
      '| --- | --- | --- | ---: | ---: | ---: | ---: | --- | --- |',
      ...scenarios.map(
        (s) =>
          `| ${cell(s.id)} | ${cell(s.fault)} | ${cell(s.injection)} | ${s.eventsSent} | ${s.eventsLost} | ${s.doubleCounts} | ${s.recoveryMs === null ? 'never' : `${(s.recoveryMs / 1000).toFixed(1)} s`} | ${cell(s.faultsInjected)} | ${s.passed ? 'pass' : 'FAIL'} |`,
      ),
      '',
      `Total: ${scenarios.length} scenarios, ${lostTotal} events lost, ${doubleTotal} double counts.`,
    ];
  };
  const soak = options.soak;
  return [
    '# RELIABILITY',
    '',
    '<!-- Generated by the chaos suite (test/chaos, scripts/chaos.ts). Do not edit by hand. -->',
    '',
    `Generated ${options.date} by \`${options.command}\` (${results.mode === 'soak' ? 'soak workload' : 'CI workload'}).`,
    '',
    'Each scenario runs a workload with exactly known expected aggregates through the real local runtime',
    '(producer → kinesalite → local event source mapping → bundled aggregator in a worker → dynalite and s3rver),',
    'injects its fault, and then checks conservation: every record sent is aggregated exactly once, dropped as a',
    'producer duplicate, or quarantined, and every aggregate item (each type, granularity, key and window) equals',
    'the count recomputed from the unique valid events. *Lost* = valid events missing from the aggregates plus bad',
    'records missing from the quarantine; *double counts* = counts above the expectation plus extra quarantine',
    'entries. *Recovery* = time from the end of the fault to every record accounted for.',
    '',
    ...table(results.scenarios),
    '',
    ...(soak
      ? [
          '## Soak run',
          '',
          `The same scenarios with the longer workloads of \`npm run test:chaos -- --soak\` (outside CI), run ${soak.date}` +
            `${soak.seconds === undefined ? '' : ` in ${soak.seconds} s`}; kept in test/chaos/results/soak.json and shown here by every run.`,
          '',
          ...table(soak.results.scenarios),
          '',
        ]
      : []),
    '## Invariants',
    '',
    ...results.scenarios.map((s) => `- **${s.id}**: ${s.invariant}`),
    '',
  ].join('\n');
}
