import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { s3Client } from '../../support/clients';
import { EsmHarness, type RunningMapping } from './support/esmHarness';
import { createBucket, payloadData, readFailures } from './support/failureDestination';
import { RECORDING_PRELUDE } from './support/functionAssets';
import { startTestKinesis, type TestKinesis } from '../../support/startTestKinesis';
import { createStream, putRecords, uniqueStreamName } from './support/streams';
import { waitFor } from './support/waitFor';

let kinesisLocal: TestKinesis;
let kinesis: KinesisClient;
let s3: S3Client;
let root: string;
let harness: EsmHarness;

beforeAll(async () => {
  kinesisLocal = await startTestKinesis();
  kinesis = kinesisLocal.kinesis;
  s3 = s3Client(inject('s3Endpoint'));
  root = mkdtempSync(join(tmpdir(), 'streamtally-esm-errors-'));
});

afterEach(async () => {
  await harness?.closeAll();
});

afterAll(async () => {
  kinesis?.destroy();
  s3?.destroy();
  await kinesisLocal?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

function newHarness(): EsmHarness {
  harness = new EsmHarness(root, kinesis, s3);
  return harness;
}

/** Data of the records of invocations that succeeded, in delivery order. */
function processed(running: RunningMapping): string[] {
  return running
    .invocations()
    .filter((invocation) => !invocation.failed)
    .flatMap((invocation) => invocation.records.map((record) => record.data));
}

const records = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => ({ data: `${prefix}${i}`, partitionKey: `key-${i}` }));

describe('local Kinesis event source mapping: errors', () => {
  it('bisects around a poison record: only it reaches the on-failure destination, after its retries; every other record is processed once', async () => {
    // Prepare: 16 records in one batch, one of them poison
    const streamName = uniqueStreamName('bisect');
    await createStream(kinesis, streamName);
    const bucket = await createBucket(s3, 'bisect');
    const data = records('r', 16).map((record, i) => (i === 9 ? { ...record, data: 'poison' } : record));
    const results = await putRecords(kinesis, streamName, data);
    const handler = `${RECORDING_PRELUDE}
exports.handler = async (event) => {
  if (event.Records.some((record) => decode(record) === 'poison')) { note(event, { failed: true }); throw new Error('poison'); }
  note(event, {});
};`;

    // Act
    const running = await newHarness().start(handler, {
      streamName,
      batchSize: 16,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 2,
      onFailure: { bucket },
    });
    await waitFor(async () => (await readFailures(s3, bucket, running.mapping.uuid)).length > 0, 'a failure record');
    await waitFor(() => processed(running).length === 15, 'every other record processed');

    // Assess
    expect([...processed(running)].sort()).toEqual(
      data
        .map((record) => record.data)
        .filter((value) => value !== 'poison')
        .sort(),
    );
    const poisonAlone = running
      .invocations()
      .filter((invocation) => invocation.records.length === 1 && invocation.records[0]?.data === 'poison');
    expect(poisonAlone).toHaveLength(3); // the first try of the one-record batch and its 2 retries
    const failures = await readFailures(s3, bucket, running.mapping.uuid);
    expect(failures).toHaveLength(1);
    const [failure] = failures;
    const poison = results[9];
    expect(failure?.key).toMatch(
      new RegExp(
        `^aws/lambda/${running.mapping.uuid}/shardId-000000000000/\\d{4}/\\d{2}/\\d{2}/\\d{4}-\\d{2}-\\d{2}T\\d{2}\\.\\d{2}\\.\\d{2}-[0-9a-f-]{36}$`,
      ),
    );
    expect(failure?.record).toMatchObject({
      requestContext: {
        requestId: expect.any(String),
        functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${running.fn.name}`,
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 3,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      KinesisBatchInfo: {
        shardId: 'shardId-000000000000',
        startSequenceNumber: poison?.SequenceNumber,
        endSequenceNumber: poison?.SequenceNumber,
        approximateArrivalOfFirstRecord: expect.stringMatching(/Z$/),
        approximateArrivalOfLastRecord: expect.stringMatching(/Z$/),
        batchSize: 1,
        streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`,
      },
    });
    expect(payloadData(failure!.record)).toEqual(['poison']);

    // Lambda's metrics, one data point per invocation
    const points = (name: string) => running.metrics.filter((point) => point.name === name);
    const invocations = running.invocations();
    expect(points('Invocations')).toHaveLength(invocations.length);
    // Lambda publishes Errors and Throttles for every invocation, 0 when there was none.
    expect(points('Errors')).toHaveLength(invocations.length);
    expect(points('Errors').reduce((sum, point) => sum + point.value, 0)).toBe(
      invocations.filter((invocation) => invocation.failed).length,
    );
    expect(points('Throttles').map((point) => point.value)).toEqual(invocations.map(() => 0));
    expect(points('Duration')).toHaveLength(invocations.length);
    expect(points('IteratorAge')).toHaveLength(invocations.length);
    for (const point of points('IteratorAge')) {
      expect(point).toMatchObject({ unit: 'Milliseconds', dimensions: { FunctionName: running.fn.name } });
      expect(point.value).toBeGreaterThanOrEqual(0);
    }
    // Only AWS's metric names; the mapping's own counts per EventSourceMappingUUID.
    expect(new Set(running.metrics.map((point) => point.name))).toEqual(
      new Set(['Invocations', 'Errors', 'Throttles', 'Duration', 'IteratorAge', 'OnFailureDestinationDeliveredEventCount']),
    );
    // Delivered to the destination, so not dropped (DroppedEventCount excludes those).
    const delivered = points('OnFailureDestinationDeliveredEventCount');
    expect(delivered.map((point) => point.dimensions)).toEqual([{ EventSourceMappingUUID: running.mapping.uuid }]);
    expect(delivered.reduce((sum, point) => sum + point.value, 0)).toBe(1);
    expect(points('DroppedEventCount')).toEqual([]);

    // The shard moved past everything, the poison record included.
    await waitFor(() => running.mapping.state().shards[0]?.recordsInFlight === 0, 'nothing in flight');
    expect(running.mapping.state().shards[0]).toMatchObject({
      checkpoint: { sequenceNumber: results[15]?.SequenceNumber },
      recordsSucceeded: 15,
      recordsDiscarded: 1,
    });
  });

  it('with ReportBatchItemFailures re-delivers from the lowest failed sequence number and nothing before it', async () => {
    // Prepare: r3 and r7 fail the first time they are seen, reported out of order
    const streamName = uniqueStreamName('partial');
    await createStream(kinesis, streamName);
    const results = await putRecords(kinesis, streamName, records('r', 10));
    const handler = `${RECORDING_PRELUDE}
exports.handler = async (event) => {
  const failing = event.Records.filter((record) => ['r7', 'r3'].includes(decode(record)) && once(record.kinesis.sequenceNumber)).reverse();
  note(event, { reported: failing.map((record) => decode(record)) });
  return { batchItemFailures: failing.map((record) => ({ itemIdentifier: record.kinesis.sequenceNumber })) };
};`;

    // Act
    const running = await newHarness().start(handler, { streamName, functionResponseTypes: ['ReportBatchItemFailures'] });
    await waitFor(() => running.invocations().length >= 2, 'the re-delivery');
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Assess
    const invocations = running.invocations();
    expect(invocations.map((invocation) => invocation.reported)).toEqual([['r7', 'r3'], []]);
    expect(invocations[0]?.records.map((record) => record.data)).toEqual(records('r', 10).map((record) => record.data));
    expect(invocations[1]?.records.map((record) => record.data)).toEqual(['r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9']);
    expect(invocations[1]?.records[0]?.sequenceNumber).toBe(results[3]?.SequenceNumber);
    expect(running.mapping.state().shards[0]?.checkpoint?.sequenceNumber).toBe(results[9]?.SequenceNumber);
  });

  it('after partial batch responses, gives up the failed records with functionError null in the failure record', async () => {
    // Prepare: r2 is always reported failed; r0 and r1 succeed
    const streamName = uniqueStreamName('partial-exhausted');
    await createStream(kinesis, streamName);
    const bucket = await createBucket(s3, 'partial-exhausted');
    const results = await putRecords(kinesis, streamName, records('r', 3));
    const handler = `${RECORDING_PRELUDE}
exports.handler = async (event) => {
  const failing = event.Records.filter((record) => decode(record) === 'r2');
  note(event, {});
  return { batchItemFailures: failing.map((record) => ({ itemIdentifier: record.kinesis.sequenceNumber })) };
};`;

    // Act
    const running = await newHarness().start(handler, {
      streamName,
      functionResponseTypes: ['ReportBatchItemFailures'],
      maximumRetryAttempts: 1,
      onFailure: { bucket },
    });
    await waitFor(async () => (await readFailures(s3, bucket, running.mapping.uuid)).length > 0, 'a failure record');

    // Assess: the response was a return, not a function error, and Lambda says so with a null
    const [failure] = await readFailures(s3, bucket, running.mapping.uuid);
    expect(failure?.record.responseContext).toStrictEqual({ statusCode: 200, executedVersion: '$LATEST', functionError: null });
    expect(failure?.record.requestContext).toMatchObject({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 2 });
    expect(failure?.record.KinesisBatchInfo).toMatchObject({ startSequenceNumber: results[2]?.SequenceNumber, batchSize: 1 });
    expect(payloadData(failure!.record)).toEqual(['r2']);
  });

  it('treats a partial batch response naming a record not in the batch as a failure of the whole batch', async () => {
    // Prepare
    const streamName = uniqueStreamName('malformed');
    await createStream(kinesis, streamName);
    await putRecords(kinesis, streamName, records('r', 5));
    const handler = `${RECORDING_PRELUDE}
exports.handler = async (event) => {
  const first = once('first');
  note(event, {});
  return first ? { batchItemFailures: [{ itemIdentifier: 'not-a-sequence-number-of-this-batch' }] } : { batchItemFailures: [] };
};`;

    // Act
    const running = await newHarness().start(handler, { streamName, functionResponseTypes: ['ReportBatchItemFailures'] });
    await waitFor(() => running.invocations().length >= 2, 'the retry');
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Assess: the whole batch again, then done
    const batches = running.invocations().map((invocation) => invocation.records.map((record) => record.data));
    expect(batches).toEqual([records('r', 5).map((record) => record.data), records('r', 5).map((record) => record.data)]);
  });

  it('ignores a partial batch response when ReportBatchItemFailures is not on', async () => {
    // Prepare
    const streamName = uniqueStreamName('ignored');
    await createStream(kinesis, streamName);
    const results = await putRecords(kinesis, streamName, records('r', 3));
    const handler = `${RECORDING_PRELUDE}
exports.handler = async (event) => {
  note(event, {});
  return { batchItemFailures: [{ itemIdentifier: event.Records[0].kinesis.sequenceNumber }] };
};`;

    // Act
    const running = await newHarness().start(handler, { streamName, functionResponseTypes: [] });
    await waitFor(
      () => running.mapping.state().shards[0]?.checkpoint?.sequenceNumber === results[2]?.SequenceNumber,
      'the checkpoint at the end',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Assess
    expect(running.invocations()).toHaveLength(1);
  });

  it('retries a failing batch maximumRetryAttempts times, then sends it to the on-failure destination and moves on', async () => {
    // Prepare
    const streamName = uniqueStreamName('retries');
    await createStream(kinesis, streamName);
    const bucket = await createBucket(s3, 'retries');
    await putRecords(kinesis, streamName, records('bad', 3));
    const handler = `${RECORDING_PRELUDE}
exports.handler = async (event) => {
  const bad = event.Records.some((record) => decode(record).startsWith('bad'));
  note(event, { failed: bad });
  if (bad) throw new Error('cannot process');
};`;

    // Act
    const running = await newHarness().start(handler, { streamName, maximumRetryAttempts: 2, onFailure: { bucket } });
    await waitFor(async () => (await readFailures(s3, bucket, running.mapping.uuid)).length > 0, 'a failure record');
    await putRecords(kinesis, streamName, records('good', 2));
    await waitFor(() => processed(running).length === 2, 'the records after the failed batch');

    // Assess
    const failed = running.invocations().filter((invocation) => invocation.failed);
    expect(failed.map((invocation) => invocation.records.length)).toEqual([3, 3, 3]);
    const [failure] = await readFailures(s3, bucket, running.mapping.uuid);
    expect(failure?.record.requestContext).toMatchObject({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 });
    expect(failure?.record.KinesisBatchInfo.batchSize).toBe(3);
    expect(payloadData(failure!.record)).toEqual(['bad0', 'bad1', 'bad2']);
    expect(processed(running)).toEqual(['good0', 'good1']);
  });

  it('sends records older than the maximum record age to the on-failure destination instead of retrying them forever', async () => {
    // Prepare: a batch that always fails, with infinite retries, and a clock the test moves
    const streamName = uniqueStreamName('age');
    await createStream(kinesis, streamName);
    const bucket = await createBucket(s3, 'age');
    await putRecords(kinesis, streamName, records('bad', 2));
    let clockOffsetMs = 0;
    const handler = `${RECORDING_PRELUDE}
exports.handler = async (event) => {
  const bad = event.Records.some((record) => decode(record).startsWith('bad'));
  note(event, { failed: bad });
  if (bad) throw new Error('cannot process');
};`;
    const running = await newHarness().start(
      handler,
      { streamName, maximumRetryAttempts: -1, maximumRecordAgeSeconds: 60, onFailure: { bucket } },
      { now: () => Date.now() + clockOffsetMs },
    );
    await waitFor(() => running.invocations().length >= 1, 'a first failed invocation');

    // Act: the records pass the maximum age while they are being retried
    clockOffsetMs = 120_000;
    await waitFor(async () => (await readFailures(s3, bucket, running.mapping.uuid)).length > 0, 'a failure record');
    clockOffsetMs = 0;
    await putRecords(kinesis, streamName, records('good', 2));
    await waitFor(() => processed(running).length === 2, 'the records after the expired ones');

    // Assess
    const [failure] = await readFailures(s3, bucket, running.mapping.uuid);
    // As AWS records it: no responseContext at all, and an invoke count of 1.
    expect(failure?.record.requestContext).toMatchObject({ condition: 'RecordAgeExceeded', approximateInvokeCount: 1 });
    expect(failure?.record).not.toHaveProperty('responseContext');
    expect(payloadData(failure!.record)).toEqual(['bad0', 'bad1']);
    expect(processed(running)).toEqual(['good0', 'good1']);
  });

  it('retries a batch whose invocation timed out, crashed or ran out of memory, in a fresh environment each time', async () => {
    // Prepare: the first three invocations die in three different ways
    const streamName = uniqueStreamName('crash');
    await createStream(kinesis, streamName);
    await putRecords(kinesis, streamName, records('r', 3));
    const handler = `${RECORDING_PRELUDE}
exports.handler = async (event) => {
  if (once('hang')) await new Promise(() => setInterval(() => {}, 1000));
  if (once('exit')) process.exit(2);
  if (once('oom')) { const hog = []; for (;;) hog.push({ text: 'x'.repeat(64) + Math.random() }); }
  note(event, {});
};`;

    // Act
    const running = await newHarness().start(handler, { streamName }, { timeoutMs: 1_000 });
    await waitFor(() => processed(running).length === 3, 'the batch processed', 30_000);

    // Assess
    expect(processed(running)).toEqual(['r0', 'r1', 'r2']);
    expect(running.metrics.filter((point) => point.name === 'Errors').map((point) => point.value)).toEqual([1, 1, 1, 0]);
    expect(running.fn.coldStarts).toBe(4);
  });
});
