import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Producer } from '../../../src/producer/Producer';
import type { ProducerOptions, ProducerReport } from '../../../src/producer/types';
import { seededRandom } from '../../../src/synthetic/seededRandom';
import { FaultProxy, type Fault, type FaultPlan } from './support/FaultProxy';
import { createStream, kinesisClient, readStream, type StoredRecord } from './support/streamRecords';
import { startTestKinesis, type TestKinesis } from '../../support/startTestKinesis';
import { hashFraction, idOf } from './support/plans';

/**
 * The producer against kinesalite through a fault-injecting proxy. After
 * each scenario the stream is read back and every event must be on it at
 * least once and reported sent, or reported failed; a copy beyond the first
 * may only come from a write whose answer never reached the producer (the
 * proxy records those), which is the one duplicate a producer cannot avoid.
 */

let kinesis: TestKinesis;
let proxy: FaultProxy;
let streams = 0;

beforeAll(async () => {
  kinesis = await startTestKinesis();
  proxy = await FaultProxy.start(kinesis.endpoint);
});

afterAll(async () => {
  await proxy?.close();
  await kinesis?.close();
});

interface Outcome {
  readonly ids: readonly string[];
  readonly report: ProducerReport;
  readonly stored: readonly StoredRecord[];
  /** Copies of each id on the stream. */
  readonly copies: ReadonlyMap<string, number>;
}

const KEYS = 12;

/** Sends `count` events through the proxy under `plan` into a new two-shard stream, and reads the stream back. */
async function scenario(plan: FaultPlan, count: number, options: Partial<ProducerOptions> = {}): Promise<Outcome> {
  const streamName = `producer-faults-${++streams}`;
  await createStream(kinesis.kinesis, streamName, 2);
  proxy.reset(plan);
  const client = kinesisClient(proxy.endpoint);
  const producer = new Producer({
    streamName,
    client,
    // A small buffer and linger make many requests, so that the plan meets many of them.
    maxBufferedEvents: 40,
    lingerMs: 5,
    baseBackoffMs: 10,
    maxBackoffMs: 100,
    requestTimeoutMs: 1_500,
    // These scenarios check the accounting; the rate adaptation has its own tests.
    minRecordsPerSecond: 5_000,
    ...options,
  });
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const id = `${streamName}/${n}`;
    ids.push(id);
    await producer.send({ id, type: 'page_view', key: `key-${n % KEYS}`, ts: Date.now() });
  }
  const report = await producer.close();
  client.destroy();
  const stored = await readStream(kinesis.kinesis, streamName);
  const copies = new Map<string, number>();
  for (const record of stored) copies.set(idOf(record), (copies.get(idOf(record)) ?? 0) + 1);
  return { ids, report, stored, copies };
}

/**
 * The accounting every scenario must satisfy: each event is on the stream
 * exactly once per unacknowledged write plus once if it was reported sent,
 * nothing else is on the stream, and every event is either sent or failed.
 */
function expectFullAccounting(outcome: Outcome): void {
  const { ids, report, copies } = outcome;
  const failed = new Set(report.failedRecords.map((record) => record.event!.id));
  const unacknowledged = new Map<string, number>();
  for (const entry of proxy.unacknowledgedWrites) unacknowledged.set(idOf(entry), (unacknowledged.get(idOf(entry)) ?? 0) + 1);

  expect(report.sent + report.failed).toBe(ids.length);
  expect([...copies.keys()].filter((id) => !ids.includes(id))).toEqual([]);
  const mismatches = ids
    .map((id) => ({ id, onStream: copies.get(id) ?? 0, expected: (unacknowledged.get(id) ?? 0) + (failed.has(id) ? 0 : 1) }))
    .filter(({ onStream, expected }) => onStream !== expected);
  expect(mismatches).toEqual([]);
  // Every extra copy was announced as a possible duplicate.
  const extraCopies = [...copies.values()].reduce((sum, n) => sum + n - 1, 0);
  expect(extraCopies).toBeLessThanOrEqual(report.possibleDuplicates);
  // A failed event that is on the stream after all was flagged as possibly delivered.
  for (const record of report.failedRecords) {
    if (copies.has(record.event!.id)) expect(record.possiblyDelivered).toBe(true);
  }
}

describe('Producer against kinesalite through a fault-injecting proxy', () => {
  it('partial failures: only the refused records are retried, and every event is on the stream once', async () => {
    // Prepare: about 30% of records refused, each at most twice; throttled on even requests, internal failures on odd ones
    const refusals = new Map<string, number>();
    const plan: FaultPlan = (index) => ({
      kind: 'partial',
      errorCode: index % 2 === 0 ? 'ProvisionedThroughputExceededException' : 'InternalFailure',
      refuse: (_, entry) => {
        const id = idOf(entry);
        const times = refusals.get(id) ?? 0;
        if (times >= 2 || hashFraction(`${id}#${times}`) >= 0.3) return false;
        refusals.set(id, times + 1);
        return true;
      },
    });

    // Act
    const outcome = await scenario(plan, 400);

    // Assess
    expectFullAccounting(outcome);
    const refused = [...refusals.values()].reduce((a, b) => a + b, 0);
    expect(refused).toBeGreaterThan(50);
    expect(outcome.report).toMatchObject({ sent: 400, failed: 0, retried: refused, possibleDuplicates: 0 });
    expect(outcome.report.throttled).toBeGreaterThan(0);
    expect([...outcome.copies.values()].every((n) => n === 1)).toBe(true);
  });

  it('whole requests throttled (400): retried whole, no duplicates', async () => {
    const outcome = await scenario((index) => ({ kind: index % 3 === 1 ? 'throttle' : 'pass' }), 400);
    expectFullAccounting(outcome);
    expect(proxy.applied.get('throttle')).toBeGreaterThan(2);
    expect(outcome.report.throttled).toBeGreaterThan(0);
    expect(outcome.report).toMatchObject({ sent: 400, failed: 0, possibleDuplicates: 0 });
    expect(outcome.stored).toHaveLength(400);
  });

  it('connections reset before the server sees the request: retried, announced as possible duplicates, none happen', async () => {
    const outcome = await scenario((index) => ({ kind: index % 4 === 2 ? 'reset' : 'pass' }), 400);
    expectFullAccounting(outcome);
    expect(proxy.applied.get('reset')).toBeGreaterThan(1);
    expect(outcome.report.possibleDuplicates).toBeGreaterThan(0);
    expect(outcome.stored).toHaveLength(400);
  });

  it('slow responses: waited for, nothing retried', async () => {
    const random = seededRandom(5);
    const outcome = await scenario(() => ({ kind: 'delay', ms: 50 + Math.floor(random() * 200) }), 300);
    expectFullAccounting(outcome);
    expect(outcome.report).toMatchObject({ sent: 300, retried: 0, possibleDuplicates: 0 });
    expect(outcome.stored).toHaveLength(300);
  });

  it('written on the server while the client sees a reset or times out: the only duplicates, each one announced', async () => {
    // Prepare
    const plan: FaultPlan = (index) => ({
      kind: index === 1 || index === 5 ? 'forwardThenReset' : index === 3 ? 'forwardThenHang' : 'pass',
    });

    // Act
    const outcome = await scenario(plan, 400, { requestTimeoutMs: 600 });

    // Assess
    expectFullAccounting(outcome);
    expect(proxy.unacknowledgedWrites.length).toBeGreaterThan(0);
    const extraCopies = outcome.stored.length - 400;
    expect(extraCopies).toBe(proxy.unacknowledgedWrites.length);
    expect(outcome.report).toMatchObject({ sent: 400, failed: 0 });
    expect(outcome.report.possibleDuplicates).toBe(extraCopies);
  });

  it('records the stream never takes are reported failed with their events, and are not on the stream', async () => {
    // Prepare: every record whose id ends in 7 is refused, every time
    const plan: FaultPlan = () => ({ kind: 'partial', errorCode: 'InternalFailure', refuse: (_, entry) => idOf(entry).endsWith('7') });

    // Act
    const outcome = await scenario(plan, 200, { maxAttempts: 3 });

    // Assess
    expectFullAccounting(outcome);
    const doomed = outcome.ids.filter((id) => id.endsWith('7'));
    expect(outcome.report.failedRecords.map((record) => record.event!.id).sort()).toEqual([...doomed].sort());
    expect(outcome.report.failedRecords.every((record) => record.errorCode === 'InternalFailure' && record.attempts === 3)).toBe(true);
    expect(outcome.stored).toHaveLength(200 - doomed.length);
  });

  it('every kind of fault at random: the accounting still holds', async () => {
    const random = seededRandom(42);
    const kinds: Fault[] = [
      { kind: 'pass' },
      { kind: 'pass' },
      { kind: 'pass' },
      { kind: 'delay', ms: 30 },
      { kind: 'partial', refuse: () => random() < 0.3 },
      { kind: 'throttle' },
      { kind: 'serverError' },
      { kind: 'reset' },
      { kind: 'forwardThenReset' },
      { kind: 'forwardThenHang' },
    ];
    const outcome = await scenario(() => kinds[Math.floor(random() * kinds.length)]!, 500, { requestTimeoutMs: 400, maxAttempts: 6 });
    expectFullAccounting(outcome);
    expect(proxy.applied.size).toBeGreaterThanOrEqual(8);
  });

  it('orderedPerKey: each key is on the stream in send order despite partial failures', async () => {
    // Prepare
    const random = seededRandom(9);
    const plan: FaultPlan = () => ({ kind: 'partial', refuse: () => random() < 0.4 });

    // Act
    const outcome = await scenario(plan, 300, { orderedPerKey: true, maxAttempts: 50 });

    // Assess
    expectFullAccounting(outcome);
    expect(outcome.report.retried).toBeGreaterThan(50);
    const sendOrder = (id: string) => Number(id.split('/')[1]);
    for (let key = 0; key < KEYS; key++) {
      const onStream = outcome.stored.filter((record) => record.partitionKey === `key-${key}`).map((record) => sendOrder(idOf(record)));
      expect(onStream).toEqual([...onStream].sort((a, b) => a - b));
      expect(onStream).toHaveLength(300 / KEYS);
    }
  });
});
