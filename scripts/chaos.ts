/**
 * `npm run test:chaos [-- --soak]`: runs only the chaos suite (test/chaos) against the
 * local stack, then writes RELIABILITY.md from the results it recorded. `--soak` runs
 * the longer workloads (CHAOS_SOAK=1), outside CI's time budget. Exits with the suite's code.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const soak = process.argv.includes('--soak');
const root = path.resolve(__dirname, '..');
const resultsFile = path.join(root, 'test', 'chaos', 'results', 'latest.json');
rmSync(resultsFile, { force: true });

const env = { ...process.env, CHAOS_RESULTS_FILE: resultsFile, ...(soak ? { CHAOS_SOAK: '1' } : {}) };
const startedMs = Date.now();
const run = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/chaos'], { cwd: root, env, stdio: 'inherit' });
const seconds = ((Date.now() - startedMs) / 1000).toFixed(0);

// Loaded after the run: the results module reads CHAOS_RESULTS_FILE when it is first imported.
process.env.CHAOS_RESULTS_FILE = resultsFile;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { readResults, renderReliabilityReport, REPORT_FILE } = require('../test/chaos/support/results') as typeof import('../test/chaos/support/results');
try {
  const report = renderReliabilityReport(readResults(), {
    date: new Date().toISOString().slice(0, 10),
    command: soak ? 'npm run test:chaos -- --soak' : 'npm run test:chaos',
  });
  writeFileSync(REPORT_FILE, report);
  process.stdout.write(`chaos suite: ${run.status === 0 ? 'passed' : 'FAILED'} in ${seconds} s; wrote ${path.relative(root, REPORT_FILE)}\n`);
} catch (error) {
  process.stderr.write(`chaos suite: no results to report (${(error as Error).message})\n`);
}
process.exit(run.status ?? 1);
