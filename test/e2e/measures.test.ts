import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_ALERT_METRIC, DimensionBucket, hyperLogLogStandardError, METRICS_NAMESPACE } from '../../core';
import type { MetricIdentity } from '../../src/local/alarms';
import { CLI_NODE_ARGS } from '../support/cliFromSources';
import {
  templateAlarm,
  valuesInCurrentPeriod,
  MINUTE_MS,
  nextPeriod,
  removeAssemblies,
  type Stack,
  startStack,
  synthesize,
  waitFor,
  alarmName,
} from './support/localStackHarness';

/**
 * The declared measures end to end on the local stack: an event type with a
 * distinct count, quantiles, a capped dimension and a total, events sent with the
 * plain AWS SDK, and `streamtally query --json` (the CLI, from the sources) checked
 * against an independent computation over the events sent: exact for counts, sums,
 * minima and maxima, within the sketches' stated bounds for distinct counts and
 * quantiles. Then a data alert goes to ALARM and back.
 */

afterAll(removeAssemblies);

const PRECISION = 12;
const ACCURACY = 0.01;
const COUNTRY_CAP = 3;
const COUNTRIES = ['de', 'fr', 'us', 'jp', 'br'] as const;
const KEYS = ['/home', '/search', '/cart'] as const;
const EVENTS = 2_400;
const USERS = 700;

interface SentEvent {
  readonly id: string;
  readonly type: string;
  readonly key: string;
  readonly ts: string;
  readonly value: number;
  readonly attrs: { user: string; country?: string };
}

/** A deterministic generator, so a failure can be rerun with the same events. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Page views in one minute of event time: skewed latencies as `value` (ms, three decimals), users, countries. */
function pageViews(windowStartMs: number, spanMs: number): SentEvent[] {
  const random = seeded(20261203);
  return Array.from({ length: EVENTS }, (_, i) => {
    // A lognormal latency around 80 ms with a long tail.
    const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const value = Math.round(Math.exp(4.4 + 0.9 * normal) * 1000) / 1000;
    const country = i % 17 === 0 ? undefined : COUNTRIES[Math.floor(random() * random() * COUNTRIES.length)];
    return {
      id: randomUUID(),
      type: 'page_view',
      key: KEYS[i % KEYS.length]!,
      ts: new Date(windowStartMs + Math.floor(random() * spanMs)).toISOString(),
      value,
      attrs: { user: `user-${Math.floor(random() * USERS)}`, ...(country === undefined ? {} : { country }) },
    };
  });
}

async function send(stack: Stack, events: readonly SentEvent[]): Promise<void> {
  for (let start = 0; start < events.length; start += 500) {
    const chunk = events.slice(start, start + 500);
    const result = await stack.runtime.clients.kinesis.send(
      new PutRecordsCommand({
        StreamName: stack.runtime.state.resources.streamName,
        Records: chunk.map((event) => ({ Data: Buffer.from(JSON.stringify(event)), PartitionKey: event.key })),
      }),
    );
    expect(result.FailedRecordCount ?? 0).toBe(0);
  }
}

interface QueryRow {
  readonly key: string;
  readonly windowStart: string;
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  readonly quantiles?: Record<string, number>;
  readonly distinct?: Record<string, number>;
}

/** `streamtally query ... --json` in the stack's project directory: its rows. */
function query(stack: Stack, ...args: string[]): QueryRow[] {
  const result = spawnSync(process.execPath, [...CLI_NODE_ARGS, 'query', ...args, '--json'], {
    cwd: stack.projectRoot,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`query ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { rows: QueryRow[] }).rows;
}

/** The value of rank floor(q·(n−1)) of the sorted values: the rank DDSketch's quantiles are bound to. */
function trueQuantile(sorted: readonly number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

describe('declared measures on the local stack', () => {
  let stack: Stack;
  let windowStartMs: number;
  let sent: SentEvent[];

  beforeAll(async () => {
    stack = await startStack(
      synthesize({
        measures: {
          page_view: {
            distinct: [{ field: 'attrs.user', precision: PRECISION }],
            quantiles: { relativeAccuracy: ACCURACY },
            dimensions: [{ field: 'attrs.country', cap: COUNTRY_CAP }],
            total: true,
          },
        },
        alerts: [{ name: 'few-purchases', type: 'purchase', window: '1m', measure: 'count', below: 10 }],
      } as never),
    );
    // One minute of event time that is already over, so the events are neither
    // future nor spread over two windows.
    windowStartMs = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - MINUTE_MS;
    sent = pageViews(windowStartMs, MINUTE_MS);
    await send(stack, sent);
    await waitFor(
      stack,
      `all ${EVENTS} page views in the total`,
      () => {
        const rows = query(
          stack,
          '--type',
          'page_view',
          '--total',
          '--window',
          '1m',
          '--from',
          iso(windowStartMs),
          '--to',
          iso(windowStartMs),
        );
        return rows[0]?.count === EVENTS;
      },
      120_000,
    );
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const iso = (ms: number) => new Date(ms).toISOString();

  it('query --json has per key the exact count, sum, min and max, the distinct users within the sketch bound and the quantiles within the accuracy', () => {
    const rows = query(
      stack,
      '--type',
      'page_view',
      '--window',
      '1m',
      '--from',
      iso(windowStartMs),
      '--to',
      iso(windowStartMs),
      '--quantiles',
      '0.5,0.9,0.99',
    );
    expect(rows.map((row) => row.key).sort()).toEqual([...KEYS].sort());
    const bound = 3 * hyperLogLogStandardError(PRECISION);
    for (const row of rows) {
      const events = sent.filter((event) => event.key === row.key);
      const values = events.map((event) => event.value).sort((a, b) => a - b);
      expect(row.count).toBe(events.length);
      expect(row.sum).toBeCloseTo(events.reduce((total, event) => total + Math.round(event.value * 1000), 0) / 1000, 6);
      expect(row.min).toBe(values[0]);
      expect(row.max).toBe(values[values.length - 1]);
      const users = new Set(events.map((event) => event.attrs.user)).size;
      const estimate = row.distinct?.['attrs.user'];
      expect(estimate, `distinct users of ${row.key}`).toBeDefined();
      expect(Math.abs(estimate! - users) / users).toBeLessThanOrEqual(bound);
      for (const [name, q] of [
        ['p50', 0.5],
        ['p90', 0.9],
        ['p99', 0.99],
      ] as const) {
        const truth = trueQuantile(values, q);
        const estimateQ = row.quantiles?.[name];
        expect(estimateQ, `${name} of ${row.key}`).toBeDefined();
        expect(Math.abs(estimateQ! - truth) / truth, `${name} of ${row.key}: ${estimateQ} vs ${truth}`).toBeLessThanOrEqual(ACCURACY);
      }
    }
  });

  it('the hour and the day are the same events merged: equal counts, equal distinct estimates', () => {
    const minute = query(stack, '--type', 'page_view', '--window', '1m', '--from', iso(windowStartMs), '--to', iso(windowStartMs));
    const hourStart = Math.floor(windowStartMs / 3_600_000) * 3_600_000;
    const hour = query(stack, '--type', 'page_view', '--window', '1h', '--from', iso(hourStart), '--to', iso(hourStart));
    const byKey = new Map(hour.map((row) => [row.key, row]));
    for (const row of minute) {
      expect(byKey.get(row.key)?.count).toBe(row.count);
      // One window of events: the hour's sketch took the same values, so it is the same sketch.
      expect(byKey.get(row.key)?.distinct).toEqual(row.distinct);
      expect(byKey.get(row.key)?.quantiles).toEqual(row.quantiles);
    }
  });

  it('query --by attrs.country has a bucket for each of the first 3 countries, (other) for the rest and (missing) for none, adding up to every event', () => {
    const rows = query(
      stack,
      '--type',
      'page_view',
      '--by',
      'attrs.country',
      '--window',
      '1m',
      '--from',
      iso(windowStartMs),
      '--to',
      iso(windowStartMs),
    );
    const byBucket = new Map(rows.map((row) => [row.key, row.count]));
    const countOf = (country: string | undefined) => sent.filter((event) => event.attrs.country === country).length;
    expect(byBucket.get(DimensionBucket.missing)).toBe(countOf(undefined));
    const admitted = [...byBucket.keys()].filter((key) => key !== DimensionBucket.missing && key !== DimensionBucket.other);
    expect(admitted).toHaveLength(COUNTRY_CAP);
    for (const country of admitted) expect(byBucket.get(country), country).toBe(countOf(country));
    const others = COUNTRIES.filter((country) => !admitted.includes(country));
    expect(byBucket.get(DimensionBucket.other)).toBe(others.reduce((total, country) => total + countOf(country), 0));
    expect(rows.reduce((total, row) => total + row.count, 0)).toBe(EVENTS);
  });

  it('a data alert (purchase count per 1m below 10) goes to ALARM on a quiet minute and back to OK on a busy one', async () => {
    const name = alarmName('alert', 'few-purchases');
    // A count alert reads its metric through FILL(…, 0): the period is the metric's.
    const alarm = templateAlarm(stack.template, name) as { Metrics?: { MetricStat?: { Period: number } }[] };
    const periodMs = alarm.Metrics!.find((query) => query.MetricStat)!.MetricStat!.Period * 1000;
    expect(periodMs).toBe(MINUTE_MS);
    const metric: MetricIdentity = { namespace: METRICS_NAMESPACE, metricName: DATA_ALERT_METRIC, dimensions: { Alert: 'few-purchases' } };
    const published = () => valuesInCurrentPeriod(stack, metric, periodMs);
    const purchases = (count: number): SentEvent[] =>
      Array.from({ length: count }, (_, i) => ({
        id: randomUUID(),
        type: 'purchase',
        key: `/order/${i % 5}`,
        ts: new Date().toISOString(),
        value: 10 + i,
        attrs: { user: `buyer-${i}` },
      }));

    // A quiet minute: 3 purchases, so the total of the minute stays below 10.
    stack.clock.toNextPeriod(periodMs);
    await send(stack, purchases(3));
    await waitFor(stack, 'the alert value of 3 purchases', () => published().length > 0, 60_000);
    expect(Math.max(...published())).toBeLessThan(10);
    const quiet = nextPeriod(stack, periodMs).filter((change) => change.alarmName === name);
    expect(quiet.map((change) => change.state)).toEqual(['ALARM']);
    expect(quiet[0]!.actions).toEqual([expect.stringContaining('AlarmTopic')]);

    // A busy minute: 25 purchases; the window's total passes 10 and the alarm clears.
    await send(stack, purchases(25));
    await waitFor(stack, 'an alert value of at least 10', () => published().some((value: number) => value >= 10), 60_000);
    const busy = nextPeriod(stack, periodMs).filter((change) => change.alarmName === name);
    expect(busy.map((change) => `${change.previousState} -> ${change.state}`)).toEqual(['ALARM -> OK']);
  }, 180_000);
});
