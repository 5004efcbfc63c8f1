/**
 * `npx tsx bench/replay/main.ts [--json]`: the replay benchmark on its own,
 * on the workload `npm run bench` uses. bench/index.ts calls measureReplay
 * the same way.
 */
import { configFromEnv } from '../../lambdas/aggregator/config';
import { DEFAULT_WORKLOAD, generateWorkload } from '../workload';
import { formatReplayResult, measureReplay } from './measureReplay';

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  process.setSourceMapsEnabled(false);
  const workload = generateWorkload(DEFAULT_WORKLOAD);
  const { config } = configFromEnv({ CONSUMER_NAME: 'bench', AGGREGATES_TABLE: '-', CHECKPOINT_TABLE: '-', QUARANTINE_BUCKET: '-' });
  const result = await measureReplay({
    batches: workload.batches,
    config,
    nowMs: workload.lastArrivalMs + 1_000,
    onProgress: (message) => process.stderr.write(`[replay bench] ${message}\n`),
  });
  process.stdout.write(json ? `${JSON.stringify(result)}\n` : `${formatReplayResult(result).join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`replay bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
