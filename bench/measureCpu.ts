import type { KinesisStreamEvent } from 'aws-lambda';
import type { Contender, ContenderRun } from './contenders/Contender';
import { collectGarbage } from './gc';

export interface CpuMeasureOptions {
  /** Untimed passes of every contender first, so V8 has optimised the hot code. */
  readonly warmupRounds: number;
  /** Batches a warm-up pass runs over: enough to optimise, fewer than a timed pass. */
  readonly warmupBatches: number;
  /** Timed rounds; each runs every contender once, starting one further along the list. */
  readonly rounds: number;
  /** Called before each timed pass, for progress output. */
  readonly onProgress?: (message: string) => void;
}

/** One contender's timings over all rounds. */
export interface CpuResult {
  readonly id: string;
  readonly label: string;
  readonly diagnostic: boolean;
  readonly records: number;
  /** Events per second of wall time, per round, in round order. */
  readonly eventsPerSecond: readonly number[];
  readonly medianEventsPerSecond: number;
  /** Median of process CPU time / wall time over the rounds: ≈1 means one core, busy. */
  readonly medianCpuShare: number;
  /** What the last pass did (the same every pass: the workload is fixed). */
  readonly work: ContenderRun;
}

/**
 * Runs the contenders one at a time, sequentially in this process,
 * interleaved round by round so that drift (heat, other load) spreads over
 * all of them, and reports medians.
 */
export async function measureCpu(
  contenders: readonly Contender[],
  batches: readonly KinesisStreamEvent[],
  options: CpuMeasureOptions,
): Promise<CpuResult[]> {
  const samples = contenders.map(() => ({ rates: [] as number[], cpuShares: [] as number[], work: undefined as ContenderRun | undefined }));
  for (let round = 0; round < options.warmupRounds; round++) {
    for (const contender of contenders) {
      options.onProgress?.(`warm-up ${round + 1}/${options.warmupRounds}: ${contender.id}`);
      await contender.run(batches.slice(0, options.warmupBatches));
    }
  }
  for (let round = 0; round < options.rounds; round++) {
    for (let offset = 0; offset < contenders.length; offset++) {
      const index = (round + offset) % contenders.length;
      const contender = contenders[index]!;
      collectGarbage();
      const cpuBefore = process.cpuUsage();
      const started = process.hrtime.bigint();
      const work = await contender.run(batches);
      const wallNs = Number(process.hrtime.bigint() - started);
      const cpu = process.cpuUsage(cpuBefore);
      const rate = work.records / (wallNs / 1e9);
      samples[index]!.rates.push(rate);
      samples[index]!.cpuShares.push((cpu.user + cpu.system) / (wallNs / 1e3));
      samples[index]!.work = work;
      options.onProgress?.(`round ${round + 1}/${options.rounds}: ${contender.id} ${Math.round(rate).toLocaleString('en-US')} events/s`);
    }
  }
  return contenders.map((contender, index) => {
    const sample = samples[index]!;
    return {
      id: contender.id,
      label: contender.label,
      diagnostic: contender.diagnostic,
      records: sample.work!.records,
      eventsPerSecond: sample.rates,
      medianEventsPerSecond: median(sample.rates),
      medianCpuShare: median(sample.cpuShares),
      work: sample.work!,
    };
  });
}

/** The middle value (mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
