import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { CLI_NODE_ARGS } from '../../test/support/cliFromSources';

const ROOT = path.resolve(__dirname, '..', '..');
const RUNS = 10;

/** Medians of whole-process runs of `streamtally --help`, in seconds. */
export interface CliStartupResult {
  readonly runs: number;
  /** `node bin/streamtally.js --help`: the compiled CLI, as `npx streamtally` runs it. */
  readonly compiledSeconds: number;
  /** The same entry from the TypeScript sources through tsx, as the CLI ran before it was compiled. */
  readonly throughTsxSeconds: number;
  /** `node -e 0`: what any Node.js process costs on this machine, the floor. */
  readonly bareNodeSeconds: number;
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

function timedRun(args: readonly string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const seconds = (performance.now() - start) / 1000;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return seconds;
}

/**
 * Builds dist/ first (`npm run build`: incremental, and what `npm ci` does), so the
 * compiled CLI measured is the current code; then runs each variant {@link RUNS}
 * times, interleaved, so that a change in the machine's load hits all three alike.
 */
export function measureCliStartup(onProgress: (message: string) => void = () => {}): CliStartupResult {
  onProgress('cli: npm run build');
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed: ${build.stderr}`);
  const variants = {
    compiled: [path.join(ROOT, 'bin', 'streamtally.js'), '--help'],
    throughTsx: [...CLI_NODE_ARGS, '--help'],
    bareNode: ['-e', '0'],
  };
  const times: Record<keyof typeof variants, number[]> = { compiled: [], throughTsx: [], bareNode: [] };
  onProgress(`cli: ${RUNS} runs each of streamtally --help (compiled, through tsx) and node -e 0`);
  for (let run = 0; run < RUNS; run++) {
    for (const [name, args] of Object.entries(variants) as [keyof typeof variants, string[]][]) times[name].push(timedRun(args));
  }
  return {
    runs: RUNS,
    compiledSeconds: median(times.compiled),
    throughTsxSeconds: median(times.throughTsx),
    bareNodeSeconds: median(times.bareNode),
  };
}
