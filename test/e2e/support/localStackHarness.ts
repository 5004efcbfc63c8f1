import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { type StreamtallyConfig, resolveConfig } from '../../../lib/config/StreamtallyConfig';
import { StreamtallyStack } from '../../../lib/StreamtallyStack';
import type { AlarmStateChange, MetricIdentity } from '../../../src/local/alarms';
import { startLocalRuntime, type LocalRuntime } from '../../../src/local/runtime/startLocalRuntime';
import { isProcessAlive } from '../../../src/local/state';
import { readCloudAssembly, type CloudFormationTemplate } from '../../../src/local/template';

/**
 * The real stack, synthesized with a configuration and run by the local runtime in
 * the test's process, with CloudWatch's clock under the test's control: what the
 * end-to-end tests of alarms share.
 *
 * Time. The alarms have one-minute (and longer) periods, which in real time would take
 * minutes. The runtime takes a `clock` (CloudWatch's clock): the test's clock is the
 * wall clock plus a lead that the test moves to the start of the next period once the
 * current one holds the datapoints a scenario needs, then evaluates. So metrics are
 * stamped, and alarms evaluated, at simulated times; what the metrics measure is
 * measured on the wall clock by the real mapping and handler. Only the gaps between
 * periods are compressed, never a value.
 */

export const STAGE = 'e2e';
export const MINUTE_MS = 60_000;

/** CloudWatch's clock for the runtime: the wall clock plus a lead the test moves forward. */
export class SimulatedClock {
  private lead = 0;
  readonly now = (): number => Date.now() + this.lead;

  /** Start of the (epoch-aligned, as in CloudWatch) period of `periodMs` that holds now. */
  periodStart(periodMs: number): number {
    return Math.floor(this.now() / periodMs) * periodMs;
  }

  /**
   * Jumps to 1 s past the start of the next period: the current one is then complete
   * (CloudWatch evaluates complete periods only), and almost a whole period of real
   * time remains before the clock leaves the new one by itself.
   */
  toNextPeriod(periodMs: number): void {
    const now = this.now();
    this.lead += this.periodStart(periodMs) + periodMs + 1_000 - now;
  }
}

/** A synthesized cloud assembly in a temporary directory. */
export interface Assembly {
  readonly stackName: string;
  readonly template: CloudFormationTemplate;
  readonly assemblyDir: string;
  readonly directory: string;
}

const assemblies = new Map<string, Assembly>();

/**
 * Synthesizes the real StreamtallyStack with `config` as `cdk synth` does (bundled
 * handler, manifest) into a temporary directory; once per configuration in this file.
 */
export function synthesize(config: Partial<StreamtallyConfig>, functionTimeoutSeconds?: number): Assembly {
  const key = JSON.stringify({ config, functionTimeoutSeconds });
  const known = assemblies.get(key);
  if (known) return known;
  const stackName = `Streamtally-${STAGE}`;
  const app = new App();
  const stack = new StreamtallyStack(app, stackName, { config: resolveConfig({ stage: STAGE, ...config }) });
  if (functionTimeoutSeconds !== undefined) {
    (stack.aggregator.fn.node.defaultChild as lambda.CfnFunction).timeout = functionTimeoutSeconds;
  }
  const { directory } = app.synth();
  const { template, assemblyDir } = readCloudAssembly(directory, stackName);
  const assembly = { stackName, template, assemblyDir, directory };
  assemblies.set(key, assembly);
  return assembly;
}

/** Removes every assembly synthesized so far: call it from the test file's afterAll. */
export function removeAssemblies(): void {
  for (const { directory } of assemblies.values()) rmSync(directory, { recursive: true, force: true });
  assemblies.clear();
}

/** A running local stack of the synthesized template, with the test's clock and the alarm changes it reported. */
export interface Stack {
  readonly runtime: LocalRuntime;
  /** The temporary project the runtime runs in (its cdk.out and .streamtally/): where the CLI finds the stack. */
  readonly projectRoot: string;
  readonly clock: SimulatedClock;
  readonly template: CloudFormationTemplate;
  /** Every change reported through onAlarmChange, in order. */
  readonly changes: AlarmStateChange[];
  /** The runtime's progress lines, for failure messages. */
  readonly log: string[];
  stop(): Promise<void>;
}

/**
 * Links a synthesized assembly into a temporary project as its cdk.out and starts the
 * local runtime on it, in this process. Alarms are evaluated only when the test says
 * so (`evaluateAlarmsNow`), at the test's clock. `stop()` checks that no emulator
 * process is left.
 */
export async function startStack(assembly: Assembly): Promise<Stack> {
  const { stackName, template, assemblyDir } = assembly;
  const projectRoot = mkdtempSync(path.join(tmpdir(), 'streamtally-alarms-'));
  symlinkSync(assemblyDir, path.join(projectRoot, 'cdk.out'));
  const clock = new SimulatedClock();
  const changes: AlarmStateChange[] = [];
  const log: string[] = [];
  const cleanUp = () => rmSync(projectRoot, { recursive: true, force: true });
  let runtime: LocalRuntime;
  try {
    runtime = await startLocalRuntime({
      projectRoot,
      stackName,
      log: (line) => log.push(line),
      onAlarmChange: (change) => changes.push(change),
      alarmIntervalMs: 0,
      clock: clock.now,
    });
  } catch (error) {
    cleanUp();
    throw error;
  }
  return {
    runtime,
    projectRoot,
    clock,
    template,
    changes,
    log,
    stop: async () => {
      await runtime.stop();
      cleanUp();
      const left = Object.entries(runtime.state.emulatorPids).filter(([, pid]) => isProcessAlive(pid));
      if (left.length > 0)
        throw new Error(`emulators still running after stop: ${left.map(([name, pid]) => `${name} (pid ${pid})`).join(', ')}`);
    },
  };
}

export function alarmName(subject: string, name: string): string {
  return `streamtally-${STAGE}-${subject}-${name}`;
}

/** A metric alarm's properties in the synthesized template, found by its name. */
export function templateAlarm(template: CloudFormationTemplate, name: string): { Threshold: number; Period: number } {
  const resource = Object.values(template.Resources ?? {}).find(
    (candidate) =>
      candidate.Type === 'AWS::CloudWatch::Alarm' && (candidate.Properties as { AlarmName?: string } | undefined)?.AlarmName === name,
  );
  if (!resource) throw new Error(`the template has no alarm ${name}`);
  return resource.Properties as { Threshold: number; Period: number };
}

/** Closes the current period of the alarm's length and evaluates: the changes of that evaluation. */
export function nextPeriod(stack: Stack, periodMs: number): readonly AlarmStateChange[] {
  stack.clock.toNextPeriod(periodMs);
  return stack.runtime.evaluateAlarmsNow().changes;
}

/** The values of a metric in the current period of the test's clock. */
export function valuesInCurrentPeriod(stack: Stack, metric: MetricIdentity, periodMs: number): number[] {
  const start = stack.clock.periodStart(periodMs);
  return stack.runtime.metrics.values(metric, start, start + periodMs);
}

export async function waitFor(stack: Stack, what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !condition(); ) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the runtime's last lines:\n${stack.log.slice(-10).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
