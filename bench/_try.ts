import { configFromEnv } from '../lambdas/aggregator/config';
import { baselineContender } from './contenders/baseline';
import { powertoolsWayContender } from './contenders/powertoolsWay';
import { streamtallyCoreContender } from './contenders/streamtallyCore';
import { measureCpu } from './measureCpu';
import { generateWorkload } from './workload';
(async () => {
  const w = generateWorkload();
  const { config } = configFromEnv({ CONSUMER_NAME: 'bench', AGGREGATES_TABLE: 'a', CHECKPOINT_TABLE: 'c', QUARANTINE_BUCKET: 'q' });
  const t = Date.now();
  const r = await measureCpu([baselineContender(), streamtallyCoreContender(config, w.lastArrivalMs + 1000), powertoolsWayContender()], w.batches, { warmupRounds: 1, rounds: 3, onProgress: (m) => console.error(m) });
  for (const x of r) console.log(x.id, Math.round(x.medianEventsPerSecond), x.medianCpuShare.toFixed(2), JSON.stringify(x.work));
  console.log('total s', (Date.now() - t) / 1000);
})();
