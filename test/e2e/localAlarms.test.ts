import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { App } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AggregatorMetric, METRICS_NAMESPACE } from '../../core';
import { type StreamtallyConfig, resolveConfig } from '../../lib/config/StreamtallyConfig';
import { StreamtallyStack } from '../../lib/StreamtallyStack';
import type { AlarmStateChange, MetricIdentity } from '../../src/local/alarms';
import { startLocalRuntime, type LocalRuntime } from '../../src/local/runtime/startLocalRuntime';
import { isProcessAlive } from '../../src/local/state';
import { readCloudAssembly, type CloudFormationTemplate } from '../../src/local/template';

/**
 * The template's own alarms, evaluated by the local runtime with CloudWatch's rules
 * against the metrics the real mapping and the real bundled handler emit.
 *
 * Time. The alarms have one-minute (and five-minute) periods and need 3 of 5 of them,
 * which in real time would take minutes. The runtime takes a `clock` (CloudWatch's
 * clock): the test's clock is the wall clock plus a lead that the test moves to the
 * start of the next period once the current one holds the datapoints a scenario needs,
 * then evaluates. So metrics are stamped, and alarms evaluated, at simulated times;
 * what the metrics *measure* (IteratorAge, EventFreshnessMs, RecordsQuarantined) is
 * measured on the wall clock by the real mapping and handler, and event times are
 * wall-clock times (the handler judges lateness on its own clock). Only the gaps
 * between periods are compressed, never a value.
 */

const STAGE = 'e2e';
const MINUTE_MS = 60_000;

/** CloudWatch's clock for the runtime: the wall clock plus a lead the test moves forward. */
class SimulatedClock {
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
interface Assembly {
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
function synthesize(config: Partial<StreamtallyConfig>, functionTimeoutSeconds?: number): Assembly {
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

afterAll(() => {
  for (const { directory } of assemblies.values()) rmSync(directory, { recursive: true, force: true });
});

/** A running local stack of the synthesized template, with the test's clock and the alarm changes it reported. */
interface Stack {
  readonly runtime: LocalRuntime;
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
async function startStack(assembly: Assembly): Promise<Stack> {
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

function alarmName(subject: string, name: string): string {
  return `streamtally-${STAGE}-${subject}-${name}`;
}

/** A metric alarm's properties in the synthesized template, found by its name. */
function templateAlarm(template: CloudFormationTemplate, name: string): { Threshold: number; Period: number } {
  const resource = Object.values(template.Resources ?? {}).find(
    (candidate) =>
      candidate.Type === 'AWS::CloudWatch::Alarm' && (candidate.Properties as { AlarmName?: string } | undefined)?.AlarmName === name,
  );
  if (!resource) throw new Error(`the template has no alarm ${name}`);
  return resource.Properties as { Threshold: number; Period: number };
}

/** Closes the current period of the alarm's length and evaluates: the changes of that evaluation. */
function nextPeriod(stack: Stack, periodMs: number): readonly AlarmStateChange[] {
  stack.clock.toNextPeriod(periodMs);
  return stack.runtime.evaluateAlarmsNow().changes;
}

/** The values of a metric in the current period of the test's clock. */
function valuesInCurrentPeriod(stack: Stack, metric: MetricIdentity, periodMs: number): number[] {
  const start = stack.clock.periodStart(periodMs);
  return stack.runtime.metrics.values(metric, start, start + periodMs);
}

async function waitFor(stack: Stack, what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !condition(); ) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the runtime's last lines:\n${stack.log.slice(-10).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Events of docs/contract.md §1, their event time `ageMs` before now (wall clock). */
function events(count: number, ageMs = 0): Uint8Array[] {
  const ts = new Date(Date.now() - ageMs).toISOString();
  return Array.from({ length: count }, (_, i) =>
    Buffer.from(JSON.stringify({ id: randomUUID(), type: 'page_view', key: `/page/${i % 4}`, ts })),
  );
}

async function put(stack: Stack, records: readonly Uint8Array[]): Promise<void> {
  const result = await stack.runtime.clients.kinesis.send(
    new PutRecordsCommand({
      StreamName: stack.runtime.state.resources.streamName,
      Records: records.map((data, i) => ({ Data: data, PartitionKey: `p${i}` })),
    }),
  );
  expect(result.FailedRecordCount ?? 0).toBe(0);
}

function statesOf(changes: readonly AlarmStateChange[], name: string): string[] {
  return changes.filter((change) => change.alarmName === name).map((change) => change.state);
}

function consumerEmf(metricName: string): MetricIdentity {
  return { namespace: METRICS_NAMESPACE, metricName, dimensions: { service: 'aggregator' } };
}

describe('local alarms: consumer lag (IteratorAge warning) on a stalled consumer', () => {
  const lagWarning = alarmName('aggregator', 'maxIteratorAgeMs-warning');
  let stack: Stack;
  let dynamoPid: number | undefined;
  let dynamoFrozen = false;

  const freezeDynamo = () => {
    process.kill(dynamoPid as number, 'SIGSTOP');
    dynamoFrozen = true;
  };
  const thawDynamo = () => {
    if (dynamoFrozen) process.kill(dynamoPid as number, 'SIGCONT');
    dynamoFrozen = false;
  };

  beforeAll(async () => {
    // The stall. A consumer whose store stops answering stalls for real: its invocations
    // hang on DynamoDB while records keep arriving. Lambda reports IteratorAge per
    // invocation, so CloudWatch sees a hung consumer through its invocations timing out
    // (each one reports the ever older record it could not get past). With the stack's
    // 60 s timeout one such datapoint would cost a minute of real time, so this copy of
    // the template gives the function a 3 s timeout (a CDK override of the one property;
    // the stack has no setting for it). The alarms, the mapping and the handler are the
    // template's own.
    stack = await startStack(synthesize({}, 3));
    dynamoPid = stack.runtime.state.emulatorPids.dynamodb;
  });

  afterAll(async () => {
    // A stopped emulator would not hear the stop's SIGTERM.
    thawDynamo();
    await stack?.stop();
  });

  it('goes to ALARM while the consumer is stalled, and back to OK after it recovers', async () => {
    const { Threshold: thresholdMs, Period } = templateAlarm(stack.template, lagWarning);
    const periodMs = Period * 1000;
    expect(thresholdMs).toBe(5_000);
    const iteratorAge: MetricIdentity = {
      namespace: 'AWS/Lambda',
      metricName: 'IteratorAge',
      dimensions: { FunctionName: stack.runtime.plan.functions[0]!.functionName },
    };
    const ages = () => valuesInCurrentPeriod(stack, iteratorAge, periodMs);

    // A live stream: a few events every 250 ms, before, during and after the stall.
    let producing = true;
    const producer = (async () => {
      while (producing) {
        await put(stack, events(5));
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    try {
      stack.clock.toNextPeriod(periodMs);

      // A healthy minute: IteratorAge well below the threshold.
      await waitFor(stack, 'a healthy IteratorAge datapoint', () => ages().some((age) => age <= thresholdMs));
      expect(statesOf(nextPeriod(stack, periodMs), lagWarning)).toEqual(['OK']);

      // The stall: one minute after another, each holding a timed-out invocation's IteratorAge
      // above the threshold, until the alarm fires (3 of 5 datapoints: the third minute).
      freezeDynamo();
      let stalledMinutes = 0;
      let firedWhileStalled = false;
      while (stack.runtime.alarmStates()[lagWarning] !== 'ALARM') {
        expect(stalledMinutes, 'minutes of stall without ALARM').toBeLessThan(5);
        await waitFor(stack, 'an IteratorAge above the threshold', () => ages().some((age) => age > thresholdMs));
        nextPeriod(stack, periodMs);
        stalledMinutes += 1;
        firedWhileStalled = dynamoFrozen && stack.runtime.alarmStates()[lagWarning] === 'ALARM';
      }
      expect(stalledMinutes).toBe(3);
      expect(firedWhileStalled).toBe(true);

      // Recovery: DynamoDB answers again, the consumer drains its backlog and catches up. The
      // minute it recovers in still breaches (the batches it was stuck on are old); the alarm
      // clears once the 5 most recent minutes hold at most 2 breaching ones: 3 minutes later.
      thawDynamo();
      let recoveredMinutes = 0;
      while (stack.runtime.alarmStates()[lagWarning] !== 'OK') {
        expect(recoveredMinutes, 'minutes after recovery without OK').toBeLessThan(6);
        await waitFor(stack, 'a caught-up IteratorAge', () => ages().some((age) => age <= thresholdMs));
        nextPeriod(stack, periodMs);
        recoveredMinutes += 1;
      }
      expect(recoveredMinutes).toBe(4);
    } finally {
      producing = false;
      await producer;
      thawDynamo();
    }

    // What an operator was told, in order.
    const reported = stack.changes.filter((change) => change.alarmName === lagWarning);
    expect(reported.map(({ previousState, state }) => `${previousState} -> ${state}`)).toEqual([
      'INSUFFICIENT_DATA -> OK',
      'OK -> ALARM',
      'ALARM -> OK',
    ]);
    expect(reported[1]!.reason).toMatch(/breaching \(greater than the threshold 5000\)/);
    // ALARM and OK both notify the alarm topic.
    expect(reported[1]!.actions).toEqual([expect.stringContaining('AlarmTopic')]);
    expect(reported[2]!.actions).toEqual(reported[1]!.actions);
    // The critical level (hours of lag) was never reached.
    expect(statesOf(stack.changes, alarmName('aggregator', 'maxIteratorAgeMs-critical'))).not.toContain('ALARM');
  }, 90_000);
});

describe('local alarms: quarantine (RecordsQuarantined > 0) on a stream of poison records', () => {
  const quarantined = alarmName('aggregator', 'quarantinedRecordCount');
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack(synthesize({}));
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('goes to ALARM in the five-minute period poison records were quarantined, and OK in a clean one', async () => {
    const { Period } = templateAlarm(stack.template, quarantined);
    const periodMs = Period * 1000;
    expect(periodMs).toBe(5 * MINUTE_MS);
    const recordsQuarantined = () => valuesInCurrentPeriod(stack, consumerEmf(AggregatorMetric.recordsQuarantined), periodMs);
    const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
    stack.clock.toNextPeriod(periodMs);

    // Clean events: the consumer reports RecordsQuarantined 0 with each batch.
    await put(stack, events(20));
    await waitFor(stack, 'a clean batch', () => recordsQuarantined().length > 0);
    expect(sum(recordsQuarantined())).toBe(0);
    expect(statesOf(nextPeriod(stack, periodMs), quarantined)).toEqual(['OK']);

    // Poison, mixed with good events, over several puts: not JSON, not an event, a bad
    // timestamp, an event from the far future.
    const poison = [
      Buffer.from('not json'),
      Buffer.from('{"id":"p1","type":"page_view"}'),
      Buffer.from(JSON.stringify({ id: 'p2', type: 'page_view', key: '/x', ts: 'yesterday' })),
      Buffer.from(JSON.stringify({ id: 'p3', type: 'page_view', key: '/x', ts: new Date(Date.now() + 24 * 3_600_000).toISOString() })),
      Buffer.from([0xff, 0xfe, 0x00, 0x01]),
    ];
    for (const record of poison) await put(stack, [...events(3), record]);
    await waitFor(stack, 'every poison record quarantined', () => sum(recordsQuarantined()) >= poison.length);
    expect(sum(recordsQuarantined())).toBe(poison.length);
    const alarmed = nextPeriod(stack, periodMs).filter((change) => change.alarmName === quarantined);
    expect(alarmed.map(({ previousState, state }) => `${previousState} -> ${state}`)).toEqual(['OK -> ALARM']);
    expect(alarmed[0]!.reason).toMatch(/^1 of the 1 most recent datapoints \[5 /);

    // A five-minute period of clean batches only.
    await put(stack, events(20));
    await waitFor(stack, 'a clean batch', () => recordsQuarantined().length > 0);
    expect(statesOf(nextPeriod(stack, periodMs), quarantined)).toEqual(['OK']);

    expect(statesOf(stack.changes, quarantined)).toEqual(['OK', 'ALARM', 'OK']);
    // Quarantined records are not failures: Lambda gave up on nothing.
    expect(statesOf(stack.changes, alarmName('aggregator', 'onFailureRecordCount'))).not.toContain('ALARM');
  }, 60_000);
});

describe('local alarms: freshness SLA (p99 EventFreshnessMs) and the composite sla-breached', () => {
  const freshness = alarmName('aggregator', 'p99FreshnessMs');
  const processing = alarmName('aggregator', 'p99BatchProcessingMs');
  const slaBreached = alarmName('sla', 'breached');
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack(synthesize({}));
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('goes to ALARM, and takes sla-breached with it, when events reach their aggregates more than 5 s after their event time', async () => {
    const { Threshold: thresholdMs, Period } = templateAlarm(stack.template, freshness);
    const periodMs = Period * 1000;
    expect(thresholdMs).toBe(5_000);
    const eventFreshness = () => valuesInCurrentPeriod(stack, consumerEmf(AggregatorMetric.eventFreshnessMs), periodMs);
    stack.clock.toNextPeriod(periodMs);

    // A fresh minute: events aggregated within the SLA.
    await put(stack, events(20));
    await waitFor(stack, 'a fresh batch', () => eventFreshness().length > 0);
    expect(Math.max(...eventFreshness())).toBeLessThan(thresholdMs);
    const first = nextPeriod(stack, periodMs);
    expect(statesOf(first, freshness)).toEqual(['OK']);
    expect(statesOf(first, slaBreached)).toEqual(['OK']);

    // Late minutes. EventFreshnessMs is commit time minus event time: events that reach the
    // handler 8 s after their event time (within the allowed lateness of 1 h, so they are
    // aggregated, not quarantined) are committed more than 5 s after it, whatever the
    // handler does. The SLA counts the whole way from the event, not the handler alone.
    let lateMinutes = 0;
    while (stack.runtime.alarmStates()[freshness] !== 'ALARM') {
      expect(lateMinutes, 'late minutes without ALARM').toBeLessThan(5);
      await put(stack, events(20, 8_000));
      await waitFor(stack, 'a late batch', () => eventFreshness().some((ms) => ms > thresholdMs));
      nextPeriod(stack, periodMs);
      lateMinutes += 1;
    }
    expect(lateMinutes).toBe(3);

    const alarmed = stack.changes.filter((change) => change.alarmName === freshness || change.alarmName === slaBreached).slice(-2);
    expect(alarmed.map(({ alarmName: name, state }) => `${name} ${state}`)).toEqual([`${freshness} ALARM`, `${slaBreached} ALARM`]);
    // The two changed in the same evaluation, the composite because of the freshness alarm:
    // batches stayed fast, so the processing-latency alarm did not breach.
    expect(alarmed[0]!.timestamp).toBe(alarmed[1]!.timestamp);
    expect(alarmed[1]!.reason).toContain(`${freshness} is ALARM`);
    expect(stack.runtime.alarmStates()[processing]).toBe('OK');
  }, 60_000);
});
