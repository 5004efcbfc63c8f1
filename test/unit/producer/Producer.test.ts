import { KinesisClient, PutRecordsCommand, type PutRecordsCommandInput, type PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeRecord } from '../../../core';
import { ProducerClosedError, ProducerValidationError } from '../../../src/producer/errors';
import { KinesisLimits } from '../../../src/producer/kinesisLimits';
import { Producer } from '../../../src/producer/Producer';
import type { ProducerCounts, ProducerOptions } from '../../../src/producer/types';
import { seededRandom } from '../../../src/synthetic/seededRandom';
import { answer, idsOf, producerEvent, serviceError, singleAttemptClient, socketError } from './factories';

let client: KinesisClient;
let kinesis: AwsClientStub<KinesisClient>;

beforeEach(() => {
  vi.useFakeTimers();
  client = singleAttemptClient();
  kinesis = mockClient(client);
});

afterEach(() => {
  kinesis.restore();
  vi.useRealTimers();
});

function producer(options: Partial<ProducerOptions> = {}): Producer {
  return new Producer({ streamName: 'events', client, random: () => 0.5, ...options });
}

/** The inputs of every PutRecords call so far. */
function requests(): PutRecordsCommandInput[] {
  return kinesis.commandCalls(PutRecordsCommand).map((call) => call.args[0].input);
}

/** Closes the producer, running its timers until it has flushed. */
async function finish(subject: Producer) {
  const closing = subject.close();
  await vi.runAllTimersAsync();
  return closing;
}

describe('Producer: batching and limits', () => {
  it('packs events into requests of at most 500 records, in send order', async () => {
    // Prepare
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => answer(input));
    const subject = producer();

    // Act
    for (let n = 0; n < 1_234; n++) await subject.send(producerEvent(n));
    const report = await finish(subject);

    // Assess
    expect(requests().map((input) => input.Records!.length)).toEqual([500, 500, 234]);
    expect(requests().flatMap(idsOf)).toEqual(Array.from({ length: 1_234 }, (_, n) => `evt-${n}`));
    expect(report).toMatchObject({ sent: 1_234, retried: 0, failed: 0, buffered: 0, requests: 3 });
  });

  it('keeps every request within 5 MiB, data and partition keys counted', async () => {
    // Prepare
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => answer(input));
    const subject = producer();
    const padding = 'x'.repeat(900_000);

    // Act
    for (let n = 0; n < 12; n++) await subject.send(producerEvent(n, { attrs: { padding } }));
    const report = await finish(subject);

    // Assess
    const sizes = requests().map((input) =>
      input.Records!.reduce((sum, record) => sum + record.Data!.length + Buffer.byteLength(record.PartitionKey!), 0),
    );
    expect(sizes.every((size) => size <= KinesisLimits.maxBytesPerRequest)).toBe(true);
    expect(requests().map((input) => input.Records!.length)).toEqual([5, 5, 2]);
    expect(report.sent).toBe(12);
  });

  it('refuses a record over 1 MiB with its partition key, before buffering it', async () => {
    // Prepare: the data alone fits the consumer's limit, the partition key tips it over
    const subject = producer();
    const event = producerEvent(1, { key: 'k'.repeat(200) });
    const skeleton = Buffer.byteLength(JSON.stringify({ ...event, attrs: { p: '' } }));
    const padded = { ...event, attrs: { p: 'x'.repeat(KinesisLimits.maxBytesPerRecord - skeleton - 10) } };

    // Act
    const sending = subject.send(padded);

    // Assess
    await expect(sending).rejects.toThrow(/with its partition key; the Kinesis limit is 1048576/);
    expect(subject.counts()).toMatchObject({ rejected: 1, buffered: 0 });
  });

  it('sends a lone event once it has lingered lingerMs, without a flush', async () => {
    // Prepare
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => answer(input));
    const subject = producer({ lingerMs: 50 });

    // Act
    await subject.send(producerEvent(1));
    await vi.advanceTimersByTimeAsync(49);
    const before = requests().length;
    await vi.advanceTimersByTimeAsync(1);

    // Assess
    expect(before).toBe(0);
    expect(requests()).toHaveLength(1);
    expect(subject.counts().sent).toBe(1);
  });

  it('flush sends at once and resolves when everything accepted before it is delivered', async () => {
    // Prepare
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => answer(input));
    const subject = producer({ lingerMs: 60_000 });
    for (let n = 0; n < 3; n++) await subject.send(producerEvent(n));

    // Act
    const flushing = subject.flush();
    await vi.advanceTimersByTimeAsync(0);
    await flushing;

    // Assess
    expect(subject.counts()).toMatchObject({ sent: 3, buffered: 0 });
  });
});

describe('Producer: validation', () => {
  it("rejects an invalid event with the consumer's own reason and never sends it", async () => {
    // Prepare
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => answer(input));
    const subject = producer();
    const bad = producerEvent(1, { ts: 'yesterday' });
    const consumerVerdict = decodeRecord(Buffer.from(JSON.stringify(bad)));

    // Act
    const error = await subject.send(bad).catch((caught: unknown) => caught);
    const report = await finish(subject);

    // Assess
    expect(error).toBeInstanceOf(ProducerValidationError);
    expect(consumerVerdict.ok).toBe(false);
    expect((error as ProducerValidationError).reason).toBe(!consumerVerdict.ok && consumerVerdict.message);
    expect((error as ProducerValidationError).reason).toMatch(/^field "ts": /);
    expect(requests()).toHaveLength(0);
    expect(report).toMatchObject({ rejected: 1, sent: 0, failed: 0 });
  });

  it('validates encoded lines as they are and sends them byte for byte', async () => {
    // Prepare
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => answer(input));
    const subject = producer();
    const line = Buffer.from('{"ts":1764160496789, "id":"a","type":"t","key":"k","attrs":{"z":1}}');

    // Act
    await subject.sendEncoded(line);
    await expect(subject.sendEncoded(Buffer.from([0x7b, 0xff, 0x7d]))).rejects.toThrow('event not sent: not valid UTF-8');
    await finish(subject);

    // Assess
    expect(Buffer.from(requests()[0]!.Records![0]!.Data!)).toEqual(line);
    expect(requests()[0]!.Records![0]!.PartitionKey).toBe('k');
  });

  it('sendRawUnvalidated sends bytes the consumer will quarantine, and counts them like any record', async () => {
    // Prepare
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
      $metadata: {},
      FailedRecordCount: 0,
      Records: input.Records!.map(() => ({ ShardId: 's', SequenceNumber: '1' })),
    }));
    const subject = producer();

    // Act
    await subject.sendRawUnvalidated(Buffer.from('{"id":'), 'key-1');
    const report = await finish(subject);

    // Assess
    expect(Buffer.from(requests()[0]!.Records![0]!.Data!).toString()).toBe('{"id":');
    expect(report.sent).toBe(1);
  });

  it('uses the SHA-256 of a key longer than a partition key may be, the same for every event of that key', async () => {
    // Prepare
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => answer(input));
    const subject = producer();
    const key = 'k'.repeat(300);

    // Act
    await subject.send(producerEvent(1, { key }));
    await subject.send(producerEvent(2, { key }));
    await finish(subject);

    // Assess
    const keys = requests()[0]!.Records!.map((record) => record.PartitionKey);
    expect(keys[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(keys[1]).toBe(keys[0]);
  });

  it('refuses events after close', async () => {
    const subject = producer();
    await finish(subject);
    await expect(subject.send(producerEvent(1))).rejects.toBeInstanceOf(ProducerClosedError);
  });
});

describe('Producer: retries', () => {
  it('retries only the records that failed, until they are written', async () => {
    // Prepare: evt-1 and evt-3 are throttled once
    const throttledOnce = new Set(['evt-1', 'evt-3']);
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) =>
      answer(input, (_, id) => {
        const fail = throttledOnce.has(id);
        throttledOnce.delete(id);
        return fail;
      }),
    );
    const subject = producer();

    // Act
    for (let n = 0; n < 5; n++) await subject.send(producerEvent(n));
    const report = await finish(subject);

    // Assess
    const [first, ...retries] = requests().map(idsOf);
    expect(first).toEqual(['evt-0', 'evt-1', 'evt-2', 'evt-3', 'evt-4']);
    expect(retries.flat()).toEqual(['evt-1', 'evt-3']);
    expect(report).toMatchObject({ sent: 5, retried: 2, throttled: 2, failed: 0, possibleDuplicates: 0 });
  });

  it('waits a full-jitter backoff before each retry, doubling its ceiling', async () => {
    // Prepare: random() = 0.5, base 100 ms: the first retry after 50 ms, the second after 100 ms
    let calls = 0;
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => answer(input, () => ++calls <= 2, 'InternalFailure'));
    const subject = producer({ baseBackoffMs: 100 });
    await subject.send(producerEvent(1));
    const flushing = subject.flush();

    // Act + Assess
    await vi.advanceTimersByTimeAsync(0);
    expect(requests()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(49);
    expect(requests()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(requests()).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(99);
    expect(requests()).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(requests()).toHaveLength(3);
    await flushing;
    expect(subject.counts()).toMatchObject({ sent: 1, retried: 2, throttled: 0 });
  });

  it('gives up on a record after maxAttempts and reports it with its event, never silently', async () => {
    // Prepare
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => answer(input, (_, id) => id === 'evt-2', 'InternalFailure'));
    const subject = producer({ maxAttempts: 3 });

    // Act
    for (let n = 0; n < 4; n++) await subject.send(producerEvent(n));
    const report = await finish(subject);

    // Assess
    expect(report).toMatchObject({ sent: 3, failed: 1, retried: 2 });
    expect(report.failedRecords).toEqual([
      expect.objectContaining({
        event: producerEvent(2),
        errorCode: 'InternalFailure',
        attempts: 3,
        possiblyDelivered: false,
        partitionKey: '/products/42',
      }),
    ]);
    expect(JSON.parse(Buffer.from(report.failedRecords[0]!.data).toString())).toEqual(producerEvent(2));
  });

  it('retries a whole request after a network error and counts its records as possible duplicates', async () => {
    // Prepare
    kinesis
      .on(PutRecordsCommand)
      .rejectsOnce(socketError('ECONNRESET'))
      .callsFake((input: PutRecordsCommandInput) => answer(input));
    const subject = producer();

    // Act
    for (let n = 0; n < 3; n++) await subject.send(producerEvent(n));
    const report = await finish(subject);

    // Assess
    expect(requests().map(idsOf)).toEqual([
      ['evt-0', 'evt-1', 'evt-2'],
      ['evt-0', 'evt-1', 'evt-2'],
    ]);
    expect(report).toMatchObject({ sent: 3, retried: 3, possibleDuplicates: 3, throttled: 0 });
  });

  it.each([
    ['a 5xx', serviceError('InternalFailure', 500), true],
    ['a refused connection', socketError('ECONNREFUSED'), false],
    ['a 400 ProvisionedThroughputExceededException', serviceError('ProvisionedThroughputExceededException', 400), false],
  ])('after %s retries the request; possible duplicates only if it may have been applied', async (_, error, ambiguous) => {
    // Prepare
    kinesis
      .on(PutRecordsCommand)
      .rejectsOnce(error)
      .callsFake((input: PutRecordsCommandInput) => answer(input));
    const subject = producer();

    // Act
    for (let n = 0; n < 2; n++) await subject.send(producerEvent(n));
    const report = await finish(subject);

    // Assess
    expect(report).toMatchObject({ sent: 2, retried: 2, failed: 0, possibleDuplicates: ambiguous ? 2 : 0 });
  });

  it('counts a throttled request as throttled and slows down', async () => {
    kinesis
      .on(PutRecordsCommand)
      .rejectsOnce(serviceError('ProvisionedThroughputExceededException', 400))
      .callsFake((input: PutRecordsCommandInput) => answer(input));
    const subject = producer();
    for (let n = 0; n < 4; n++) await subject.send(producerEvent(n));
    const report = await finish(subject);
    expect(report).toMatchObject({ throttled: 4, sent: 4 });
    expect(report.recordsPerSecondLimit).toBe(10); // nothing accepted in the last second: down to the floor
  });

  it('fails a request for good, without retrying, on an answer retrying cannot change', async () => {
    // Prepare
    kinesis.on(PutRecordsCommand).rejects(serviceError('ResourceNotFoundException', 400));
    const subject = producer();

    // Act
    for (let n = 0; n < 2; n++) await subject.send(producerEvent(n));
    const report = await finish(subject);

    // Assess
    expect(requests()).toHaveLength(1);
    expect(report.failedRecords.map((record) => [record.event?.id, record.errorCode, record.attempts])).toEqual([
      ['evt-0', 'ResourceNotFoundException', 1],
      ['evt-1', 'ResourceNotFoundException', 1],
    ]);
  });

  it('abandons a request not answered within requestTimeoutMs and retries it as a possible duplicate', async () => {
    // Prepare: the first request hangs forever
    kinesis
      .on(PutRecordsCommand)
      .callsFakeOnce(() => new Promise<PutRecordsCommandOutput>(() => undefined))
      .callsFake((input: PutRecordsCommandInput) => answer(input));
    const subject = producer({ requestTimeoutMs: 1_000 });
    await subject.send(producerEvent(1));
    const flushing = subject.flush();

    // Act
    await vi.advanceTimersByTimeAsync(999);
    const before = requests().length;
    await vi.advanceTimersByTimeAsync(1 + 50);
    await flushing;

    // Assess
    expect(before).toBe(1);
    expect(requests()).toHaveLength(2);
    expect(subject.counts()).toMatchObject({ sent: 1, possibleDuplicates: 1 });
  });

  it('slows down after a request timed out, as after a throttle, so that re-sends do not feed an overload', async () => {
    kinesis
      .on(PutRecordsCommand)
      .callsFakeOnce(() => new Promise<PutRecordsCommandOutput>(() => undefined))
      .callsFake((input: PutRecordsCommandInput) => answer(input));
    const subject = producer({ requestTimeoutMs: 1_000 });
    await subject.send(producerEvent(1));
    const flushing = subject.flush();
    expect(subject.counts().recordsPerSecondLimit).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1_000);
    // Nothing accepted in the last second: down to the floor, then slow start.
    expect(subject.counts().recordsPerSecondLimit).toBe(10);
    await vi.advanceTimersByTimeAsync(1_000);
    await flushing;
    expect(subject.counts()).toMatchObject({ sent: 1, throttled: 0, possibleDuplicates: 1 });
  });

  it('marks a record that failed for good after an unknown outcome as possibly delivered', async () => {
    kinesis.on(PutRecordsCommand).rejects(socketError('ECONNRESET'));
    const subject = producer({ maxAttempts: 2 });
    await subject.send(producerEvent(1));
    const report = await finish(subject);
    expect(report.failedRecords).toEqual([expect.objectContaining({ attempts: 2, possiblyDelivered: true, errorCode: 'ECONNRESET' })]);
    expect(report.possibleDuplicates).toBe(1);
  });

  it("counts the SDK's own retries and warns once about an injected client that retries", async () => {
    // Prepare
    const retryingClient = new KinesisClient({ region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } });
    const stub = mockClient(retryingClient);
    stub.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({ ...answer(input), $metadata: { attempts: 2 } }));
    const subject = new Producer({ streamName: 'events', client: retryingClient });

    // Act
    await subject.send(producerEvent(1));
    const report = await finish(subject);
    stub.restore();

    // Assess
    expect(report.sdkRetries).toBe(1);
    expect(report.warnings).toEqual([expect.stringMatching(/retries on its own \(maxAttempts 3\)/)]);
  });
});

describe('Producer: order per partition key', () => {
  const keyOf = (id: string) => id.split('/')[0]!;

  /** Events A/0, B/0, A/1, A/2, B/1, ...: ids carry their key. */
  async function sendInterleaved(subject: Producer) {
    for (const id of ['A/0', 'B/0', 'A/1', 'A/2', 'B/1', 'A/3']) await subject.send(producerEvent(0, { id, key: keyOf(id) }));
  }

  it('with orderedPerKey, a failed record is not overtaken by a later one of its key', async () => {
    // Prepare: A/0 is throttled twice
    let failures = 2;
    const written: string[] = [];
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => {
      const result = answer(input, (_, id) => id === 'A/0' && failures-- > 0);
      idsOf(input).forEach((id, index) => {
        if (!result.Records![index]!.ErrorCode) written.push(id);
      });
      return result;
    });
    const subject = producer({ orderedPerKey: true });

    // Act
    await sendInterleaved(subject);
    const report = await finish(subject);

    // Assess
    expect(written.filter((id) => id.startsWith('A'))).toEqual(['A/0', 'A/1', 'A/2', 'A/3']);
    expect(written.filter((id) => id.startsWith('B'))).toEqual(['B/0', 'B/1']);
    for (const input of requests()) {
      const keys = idsOf(input).map(keyOf);
      expect(new Set(keys).size).toBe(keys.length); // one record per key per request
    }
    expect(report).toMatchObject({ sent: 6, failed: 0 });
  });

  it('with orderedPerKey, later records of a key go once the failed one has failed for good', async () => {
    const written: string[] = [];
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => {
      const result = answer(input, (_, id) => id === 'A/0', 'InternalFailure');
      idsOf(input).forEach((id, index) => {
        if (!result.Records![index]!.ErrorCode) written.push(id);
      });
      return result;
    });
    const subject = producer({ orderedPerKey: true, maxAttempts: 2 });
    await sendInterleaved(subject);
    const report = await finish(subject);
    expect(written.filter((id) => id.startsWith('A'))).toEqual(['A/1', 'A/2', 'A/3']);
    expect(report.failedRecords.map((record) => record.event?.id)).toEqual(['A/0']);
  });

  it('without orderedPerKey, a later record may overtake a failed one (the default trades order for throughput)', async () => {
    let failures = 1;
    const written: string[] = [];
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => {
      const result = answer(input, (_, id) => id === 'A/0' && failures-- > 0);
      idsOf(input).forEach((id, index) => {
        if (!result.Records![index]!.ErrorCode) written.push(id);
      });
      return result;
    });
    const subject = producer();
    await sendInterleaved(subject);
    await finish(subject);
    expect(written.filter((id) => id.startsWith('A'))).toEqual(['A/1', 'A/2', 'A/3', 'A/0']);
  });
});

describe('Producer: backpressure', () => {
  it('send waits while the buffer is full and resumes as records settle', async () => {
    // Prepare: answers are held until released
    const held: (() => void)[] = [];
    kinesis
      .on(PutRecordsCommand)
      .callsFake(
        (input: PutRecordsCommandInput) => new Promise<PutRecordsCommandOutput>((resolve) => held.push(() => resolve(answer(input)))),
      );
    const subject = producer({ maxBufferedEvents: 10, lingerMs: 0 });
    for (let n = 0; n < 10; n++) await subject.send(producerEvent(n));

    // Act
    let eleventhAccepted = false;
    const eleventh = subject.send(producerEvent(10)).then(() => (eleventhAccepted = true));
    await vi.advanceTimersByTimeAsync(100);
    const waitedWhileFull = !eleventhAccepted;
    const bufferedWhileFull = subject.counts().buffered;
    for (const release of held.splice(0)) release();
    await vi.advanceTimersByTimeAsync(0);
    await eleventh;

    // Assess
    expect(waitedWhileFull).toBe(true);
    expect(bufferedWhileFull).toBe(10);
    expect(eleventhAccepted).toBe(true);
    const closing = subject.close();
    await vi.advanceTimersByTimeAsync(0);
    for (const release of held.splice(0)) release();
    expect((await closing).sent).toBe(11);
  });

  it('never holds more than maxBufferedEvents when the caller is ten times faster than the stream', async () => {
    // Prepare: a stream taking 200 records per second; the caller offers 2,000 per second for 5 s
    const stream = simulatedStream(200);
    kinesis.on(PutRecordsCommand).callsFake(stream.putRecords);
    const subject = producer({ maxBufferedEvents: 100 });
    let peakBuffered = 0;
    let offered = 0;

    // Act
    const caller = (async () => {
      const start = Date.now();
      const running = () => Date.now() - start < 5_000;
      while (running()) {
        const due = ((Date.now() - start) * 2_000) / 1000;
        while (offered < due && running()) {
          await subject.send(producerEvent(offered++));
          peakBuffered = Math.max(peakBuffered, subject.counts().buffered);
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return subject.close();
    })();
    const report = await runUntil(caller);

    // Assess
    expect(peakBuffered).toBeLessThanOrEqual(100);
    expect(report.sent).toBe(offered);
    expect(report.failed).toBe(0);
    expect(offered).toBeLessThan(6 * 200 + 100 + 1); // held back to the stream's pace (6 of its seconds), not 10,000
  });
});

describe('Producer: rate adaptation', () => {
  it("settles near the stream's capacity without a storm of throttled retries", async () => {
    // Prepare: 1,000 records per second, counted per second as Kinesis counts per shard
    // The stream counts per wall-clock second, so the fake clock starts on a fixed instant: a start
    // taken from the real clock put the second boundaries at a different phase each run, and made
    // the throttled share vary from run to run (over 0.05 about one run in ten).
    vi.setSystemTime(Date.parse('2026-12-03T12:00:00.250Z'));
    const stream = simulatedStream(1_000);
    kinesis.on(PutRecordsCommand).callsFake(stream.putRecords);
    const subject = producer({ maxBufferedEvents: 2_000, random: seededRandom(1) });
    const total = 15_000;
    let afterFirstSeconds: ProducerCounts | undefined;
    setTimeout(() => (afterFirstSeconds = subject.counts()), 2_000);

    // Act
    const start = Date.now();
    const caller = (async () => {
      for (let n = 0; n < total; n++) await subject.send(producerEvent(n));
      return subject.close();
    })();
    const report = await runUntil(caller);
    const elapsedSeconds = (Date.now() - start) / 1000;

    // Assess: at least 90% of capacity overall; once adapted, at most one throttled attempt per 20 records
    expect(report).toMatchObject({ sent: total, failed: 0 });
    expect(total / elapsedSeconds).toBeGreaterThan(900);
    const steadyThrottled = report.throttled - afterFirstSeconds!.throttled;
    const steadySent = report.sent - afterFirstSeconds!.sent;
    expect(steadyThrottled / steadySent).toBeLessThan(0.05);
    expect(report.recordsPerSecondLimit).toBeGreaterThan(800);
    expect(report.recordsPerSecondLimit).toBeLessThan(1_200);
  });
});

/**
 * A stream that accepts `capacity` records per wall-clock second and throttles
 * the rest record by record, answering after 20 ms, as a one-shard stream would.
 */
function simulatedStream(capacity: number) {
  let second = -1;
  let used = 0;
  return {
    putRecords: async (input: PutRecordsCommandInput): Promise<PutRecordsCommandOutput> => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const now = Math.floor(Date.now() / 1000);
      if (now !== second) {
        second = now;
        used = 0;
      }
      return answer(input, () => {
        if (used >= capacity) return true;
        used += 1;
        return false;
      });
    },
  };
}

/** Advances fake time in small steps until `work` settles. */
async function runUntil<T>(work: Promise<T>): Promise<T> {
  let done = false;
  let result: T | undefined;
  let failure: unknown;
  work.then(
    (value) => ((done = true), (result = value)),
    (error: unknown) => ((done = true), (failure = error)),
  );
  for (let step = 0; !done && step < 100_000; step++) await vi.advanceTimersByTimeAsync(5);
  if (failure !== undefined) throw failure;
  if (!done) throw new Error('did not finish in 500 s of fake time');
  return result as T;
}
