import { configFromEnv } from '../lambdas/aggregator/config';
import { baselineContender } from './contenders/baseline';
import { powertoolsWayContender } from './contenders/powertoolsWay';
import { streamtallyCoreContender } from './contenders/streamtallyCore';
import { generateWorkload } from './workload';
(async () => {
  const w = generateWorkload();
  const { config } = configFromEnv({ CONSUMER_NAME: 'bench', AGGREGATES_TABLE: 'a', CHECKPOINT_TABLE: 'c', QUARANTINE_BUCKET: 'q' });
  const which = process.argv[2];
  const c = which === 'core' ? streamtallyCoreContender(config, w.lastArrivalMs + 1000) : which === 'baseline' ? baselineContender() : powertoolsWayContender();
  const batches = which === 'powertools' ? w.batches.slice(0, 40) : w.batches;
  for (let i = 0; i < Number(process.argv[3] ?? 3); i++) { const t = Date.now(); await c.run(batches); console.log(which, Date.now() - t, 'ms'); }
})();
