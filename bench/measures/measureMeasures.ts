import { measureMeasuresCost, type MeasuresCost } from '../cost/measureCost';
import { formatMeasuresCostLines } from '../cost/formatCost';
import { measureMeasuresCpu, type MeasuresCpuResult } from './measureMeasuresCpu';

/** `--only measures`: what the declared measures add, in CPU and in billed units, each against the same events without them. */
export interface MeasuresSectionResult {
  readonly cpu: MeasuresCpuResult;
  readonly cost: MeasuresCost;
}

/** The CPU contenders m0/m1 (5 interleaved rounds), then the billing meter over `costEvents` records with and without. */
export async function measureMeasures(costEvents: number, progress: (message: string) => void): Promise<MeasuresSectionResult> {
  const cpu = await measureMeasuresCpu({ rounds: 5, warmupRounds: 1, warmupBatches: 20, onProgress: progress });
  const cost = await measureMeasuresCost(costEvents, progress);
  return { cpu, cost };
}

/** The section as text. */
export function formatMeasures(result: MeasuresSectionResult): string {
  const { cpu, cost } = result;
  const lines = [`declared measures (${cpu.declaration}):`];
  for (const contender of cpu.contenders) {
    lines.push(`  ${contender.label}: median ${Math.round(contender.medianEventsPerSecond).toLocaleString('en-US')} events/s of CPU`);
  }
  lines.push(`  CPU: the measures add ${cpu.addedMicrosecondsPerEvent.toFixed(1)} µs per event (m0/m1 = ${cpu.slowdown.toFixed(2)})`);
  lines.push(...formatMeasuresCostLines(cost));
  return lines.join('\n');
}
