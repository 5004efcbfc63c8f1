import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { KinesisDataStreamSchema } from '@aws-lambda-powertools/parser/schemas/kinesis';
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { INVOKE_PAYLOAD_LIMIT_BYTES, LocalKinesisEventSourceMapping, UnsupportedMappingSettingError } from '../../../src/local/esm';
import { EsmHarness } from './support/esmHarness';
import { RECORDING_PRELUDE } from './support/functionAssets';
import { startTestKinesis, type TestKinesis } from '../../support/startTestKinesis';
import { createStream, putRecords, uniqueStreamName } from './support/streams';
import { waitFor } from './support/waitFor';

const RECORDING_HANDLER = `${RECORDING_PRELUDE}
exports.handler = async (event) => { note(event, {}); };
`;

let kinesisLocal: TestKinesis;
let kinesis: KinesisClient;
let root: string;
let harness: EsmHarness;

beforeAll(async () => {
  kinesisLocal = await startTestKinesis();
  kinesis = kinesisLocal.kinesis;
  root = mkdtempSync(join(tmpdir(), 'streamtally-esm-delivery-'));
});

afterEach(async () => {
  await harness?.closeAll();
});

afterAll(async () => {
  kinesis?.destroy();
  await kinesisLocal?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

function newHarness(): EsmHarness {
  harness = new EsmHarness(root, kinesis);
  return harness;
}

describe('local Kinesis event source mapping: delivery', () => {
  it('invokes the function with the event exactly as AWS shapes it', async () => {
    // Prepare
    const streamName = uniqueStreamName('shape');
    await createStream(kinesis, streamName);
    const running = await newHarness().start(RECORDING_HANDLER, { streamName }, { environment: { LOG_EVENTS: '1' } });
    const putAt = Date.now();

    // Act
    const results = await putRecords(kinesis, streamName, [
      { data: JSON.stringify({ id: 'a', n: 1 }), partitionKey: 'key-a' },
      { data: 'plain text', partitionKey: 'key-b' },
    ]);
    await waitFor(() => running.invocations().flatMap((invocation) => invocation.records).length === 2, 'both records delivered');

    // Assess
    const event = running.invocations()[0]?.event as KinesisStreamEvent;
    expect(KinesisDataStreamSchema.safeParse(event).success).toBe(true);
    const [first, second] = event.Records;
    expect(first).toEqual({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: 'key-a',
        sequenceNumber: results[0]?.SequenceNumber,
        data: Buffer.from(JSON.stringify({ id: 'a', n: 1 })).toString('base64'),
        approximateArrivalTimestamp: expect.any(Number),
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `shardId-000000000000:${results[0]?.SequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: `arn:aws:iam::000000000000:role/${running.fn.name}-role`,
      awsRegion: 'us-east-1',
      eventSourceARN: `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`,
    });
    expect(Object.keys(first ?? {})).toEqual([
      'kinesis',
      'eventSource',
      'eventVersion',
      'eventID',
      'eventName',
      'invokeIdentityArn',
      'awsRegion',
      'eventSourceARN',
    ]);
    // Seconds since the epoch, with a fraction: not milliseconds.
    expect(Math.abs((first?.kinesis.approximateArrivalTimestamp ?? 0) * 1000 - putAt)).toBeLessThan(10_000);
    expect(Buffer.from(second?.kinesis.data ?? '', 'base64').toString()).toBe('plain text');
    expect(KinesisDataStreamSchema.parse(event).Records[0]?.kinesis.data).toEqual({ id: 'a', n: 1 });
  });

  it('sends at most batchSize records per invocation', async () => {
    // Prepare
    const streamName = uniqueStreamName('size');
    await createStream(kinesis, streamName);
    const running = await newHarness().start(RECORDING_HANDLER, { streamName, batchSize: 10, maximumBatchingWindowMs: 1_000 });

    // Act
    await putRecords(
      kinesis,
      streamName,
      Array.from({ length: 25 }, (_, i) => ({ data: `r${i}`, partitionKey: `k${i % 3}` })),
    );
    await waitFor(() => running.invocations().flatMap((invocation) => invocation.records).length >= 25, '25 records delivered');

    // Assess
    const sizes = running.invocations().map((invocation) => invocation.records.length);
    expect(sizes).toEqual([10, 10, 5]);
    expect(running.invocations().flatMap((invocation) => invocation.records.map((record) => record.data))).toEqual(
      Array.from({ length: 25 }, (_, i) => `r${i}`),
    );
  });

  it('gathers records for the batching window before invoking', async () => {
    // Prepare
    const streamName = uniqueStreamName('window');
    await createStream(kinesis, streamName);
    const running = await newHarness().start(RECORDING_HANDLER, { streamName, batchSize: 100, maximumBatchingWindowMs: 1_500 });

    // Act: two puts well inside one window
    await putRecords(
      kinesis,
      streamName,
      [1, 2, 3].map((i) => ({ data: `a${i}`, partitionKey: 'k' })),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await putRecords(
      kinesis,
      streamName,
      [1, 2, 3].map((i) => ({ data: `b${i}`, partitionKey: 'k' })),
    );
    await waitFor(() => running.invocations().length > 0, 'an invocation');
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Assess
    expect(running.invocations().map((invocation) => invocation.records.length)).toEqual([6]);
  });

  it('cuts a batch short of batchSize at the 6 MB invoke payload limit', async () => {
    // Prepare: 1 MB records are 1.33 MB in base64, so four fit in 6 MB and five do not.
    const streamName = uniqueStreamName('payload');
    await createStream(kinesis, streamName);
    const big = (i: number) => ({ data: Buffer.alloc(1_000_000, 97 + i), partitionKey: `k${i}` });
    await putRecords(kinesis, streamName, [0, 1, 2].map(big));
    await putRecords(kinesis, streamName, [3, 4, 5].map(big));

    // Act: one GetRecords brings all six
    const running = await newHarness().start(RECORDING_HANDLER, { streamName, batchSize: 100 });
    await waitFor(() => running.invocations().flatMap((invocation) => invocation.records).length >= 6, 'six records delivered', 30_000);

    // Assess
    const invocations = running.invocations();
    expect(invocations.map((invocation) => invocation.records.length)).toEqual([4, 2]);
    for (const invocation of invocations) expect(invocation.eventBytes).toBeLessThanOrEqual(INVOKE_PAYLOAD_LIMIT_BYTES);
  });

  it('starts at TRIM_HORIZON, LATEST or AT_TIMESTAMP', async () => {
    // Prepare: records before and after a timestamp, all before the mappings start
    const streamName = uniqueStreamName('position');
    await createStream(kinesis, streamName);
    await putRecords(kinesis, streamName, [{ data: 'old', partitionKey: 'k' }]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const timestampSeconds = Date.now() / 1000;
    await new Promise((resolve) => setTimeout(resolve, 300));
    await putRecords(kinesis, streamName, [{ data: 'middle', partitionKey: 'k' }]);
    const h = newHarness();
    const trimHorizon = await h.start(RECORDING_HANDLER, { streamName, startingPosition: 'TRIM_HORIZON' });
    const latest = await h.start(RECORDING_HANDLER, { streamName, startingPosition: 'LATEST' });
    const atTimestamp = await h.start(RECORDING_HANDLER, {
      streamName,
      startingPosition: 'AT_TIMESTAMP',
      startingPositionTimestamp: timestampSeconds,
    });

    // Act: a record after every mapping started
    await putRecords(kinesis, streamName, [{ data: 'new', partitionKey: 'k' }]);
    const seen = (running: typeof latest) => running.invocations().flatMap((invocation) => invocation.records.map((record) => record.data));
    await waitFor(
      () => [trimHorizon, latest, atTimestamp].every((running) => seen(running).includes('new')),
      'every mapping delivered the new record',
    );

    // Assess
    expect(seen(trimHorizon)).toEqual(['old', 'middle', 'new']);
    expect(seen(latest)).toEqual(['new']);
    expect(seen(atTimestamp)).toEqual(['middle', 'new']);
  });

  it('reports per shard the last settled sequence number and its arrival time', async () => {
    // Prepare
    const streamName = uniqueStreamName('offsets');
    await createStream(kinesis, streamName, 2);
    const running = await newHarness().start(RECORDING_HANDLER, { streamName });

    // Act
    const results = await putRecords(
      kinesis,
      streamName,
      Array.from({ length: 20 }, (_, i) => ({ data: `r${i}`, partitionKey: `key-${i}` })),
    );
    await waitFor(() => running.invocations().flatMap((invocation) => invocation.records).length === 20, '20 records delivered');

    // Assess
    const state = running.mapping.state();
    expect(state.streamArn).toBe(`arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`);
    for (const shard of state.shards) {
      const last = results.filter((result) => result.ShardId === shard.shardId).at(-1);
      const delivered = running
        .invocations()
        .flatMap((invocation) => invocation.records)
        .filter((record) => record.shardId === shard.shardId);
      expect(shard).toMatchObject({
        phase: 'polling',
        closed: false,
        finished: false,
        checkpoint: { sequenceNumber: last?.SequenceNumber, arrivalMs: delivered.at(-1)?.arrivalMs },
        lastReadSequenceNumber: last?.SequenceNumber,
        recordsSucceeded: delivered.length,
        recordsDiscarded: 0,
        recordsInFlight: 0,
      });
    }
  });

  it('on stop lets the invocation in flight finish and starts no other', async () => {
    // Prepare: a slow function and records for two batches
    const streamName = uniqueStreamName('stop');
    await createStream(kinesis, streamName);
    await putRecords(
      kinesis,
      streamName,
      Array.from({ length: 4 }, (_, i) => ({ data: `r${i}`, partitionKey: 'k' })),
    );
    const handler = `${RECORDING_PRELUDE}
exports.handler = async (event) => { await sleep(500); note(event, {}); };`;
    const running = await newHarness().start(handler, { streamName, batchSize: 2 });
    await waitFor(() => running.metrics.length === 0 && running.fn.liveEnvironments === 1, 'the first invocation running');

    // Act
    await running.mapping.stop();

    // Assess: the batch in flight completed and was the only one
    expect(running.invocations().map((invocation) => invocation.records.map((record) => record.data))).toEqual([['r0', 'r1']]);
    expect(running.metrics.filter((point) => point.name === 'Invocations')).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(running.invocations()).toHaveLength(1);
  });

  it('fails to start on a stream that does not exist, with one clear error', async () => {
    // Act + Assess
    const running = newHarness().start(RECORDING_HANDLER, { streamName: 'no-such-stream' });
    await expect(running).rejects.toThrow(/could not start on stream no-such-stream/);
  });

  it('refuses a tumbling window, which it does not emulate', () => {
    // Act + Assess
    expect(
      () =>
        new LocalKinesisEventSourceMapping(
          {
            functionName: 'f',
            streamName: 's',
            batchSize: 100,
            maximumBatchingWindowMs: 0,
            startingPosition: 'TRIM_HORIZON',
            parallelizationFactor: 1,
            bisectBatchOnFunctionError: false,
            maximumRetryAttempts: -1,
            maximumRecordAgeSeconds: -1,
            functionResponseTypes: [],
            tumblingWindowInSeconds: 60,
          },
          { kinesis, invoke: async () => ({ kind: 'ok', payload: null, durationMs: 0 }) },
        ),
    ).toThrow(UnsupportedMappingSettingError);
  });
});
