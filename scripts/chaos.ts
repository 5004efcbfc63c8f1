/**
 * `npm run test:chaos [-- --soak]`: runs only the chaos suite (test/chaos) against the
 * local stack, then writes RELIABILITY.md from the results it recorded. `--soak` runs
 * the longer workloads (CHAOS_SOAK=1), outside CI's time budget. Exits with the suite's code.
 *
 * The test files run in parallel; each scenario records its result in its own file of a
 * fresh results directory, merged afterwards into test/chaos/results/latest.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readResults, renderReliabilityReport, REPORT_FILE } from '../test/chaos/support/results';

const soak = process.argv.includes('--soak');
const root = path.resolve(__dirname, '..');
const latestFile = path.join(root, 'test', 'chaos', 'results', 'latest.json');
const soakFile = path.join(root, 'test', 'chaos', 'results', 'soak.json');
const resultsDir = mkdtempSync(path.join(tmpdir(), 'streamtally-chaos-results-'));
rmSync(soak ? soakFile : latestFile, { force: true });

const env = { ...process.env, CHAOS_RESULTS_DIR: resultsDir, ...(soak ? { CHAOS_SOAK: '1' } : {}) };
const startedMs = Date.now();
const run = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/chaos'], {
  cwd: root,
  env,
  stdio: 'inherit',
});
const seconds = ((Date.now() - startedMs) / 1000).toFixed(0);

try {
  const results = readResults(resultsDir);
  // The CI workload's results and the soak's are kept apart; the report shows the CI run and the latest soak.
  writeFileSync(
    soak ? soakFile : latestFile,
    `${JSON.stringify({ ...results, seconds: Number(seconds), date: new Date().toISOString().slice(0, 10) }, null, 2)}\n`,
  );
  const ci = soak ? (existsSync(latestFile) ? (JSON.parse(readFileSync(latestFile, 'utf8')) as typeof results) : undefined) : results;
  const soakRun = existsSync(soakFile)
    ? (JSON.parse(readFileSync(soakFile, 'utf8')) as typeof results & { seconds: number; date: string })
    : undefined;
  const report = renderReliabilityReport(ci ?? results, {
    date: new Date().toISOString().slice(0, 10),
    command: ci ? 'npm run test:chaos' : 'npm run test:chaos -- --soak',
    soak: soakRun && ci ? { results: soakRun, date: soakRun.date, seconds: soakRun.seconds } : undefined,
  });
  writeFileSync(REPORT_FILE, report);
  process.stdout.write(
    `chaos suite: ${run.status === 0 ? 'passed' : 'FAILED'} in ${seconds} s; wrote ${path.relative(root, REPORT_FILE)}\n`,
  );
} catch (error) {
  process.stderr.write(`chaos suite: no results to report (${(error as Error).message})\n`);
} finally {
  rmSync(resultsDir, { recursive: true, force: true });
}
process.exit(run.status ?? 1);
