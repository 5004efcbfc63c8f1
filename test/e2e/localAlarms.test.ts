import { randomUUID } from 'node:crypto';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AggregatorMetric, METRICS_NAMESPACE } from '../../core';
import type { AlarmStateChange, MetricIdentity } from '../../src/local/alarms';
import {
  alarmName,
  MINUTE_MS,
  nextPeriod,
  removeAssemblies,
  type Stack,
  startStack,
  synthesize,
  templateAlarm,
  valuesInCurrentPeriod,
  waitFor,
} from './support/localStackHarness';

afterAll(removeAssemblies);

/**
 * The template's own alarms, evaluated by the local runtime with CloudWatch's rules
 * against the metrics the real mapping and the real bundled handler emit, on the
 * test's clock (test/e2e/support/localStackHarness.ts). Event times are wall-clock
 * times (the handler judges lateness on its own clock).
 */

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
