import { arch, cpus, loadavg, release, totalmem, type } from 'node:os';

/** The machine a run was made on, for the report. */
export interface MachineInfo {
  readonly os: string;
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly memoryGiB: number;
  readonly node: string;
  /** 1-minute load average when the run started: other work on the machine skews timings. */
  readonly loadAverageAtStart: number;
}

export function machineInfo(): MachineInfo {
  const processors = cpus();
  return {
    os: `${type()} ${release()} ${arch()}`,
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    cpuCount: processors.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    loadAverageAtStart: loadavg()[0]!,
  };
}
