import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EsmHarness } from './support/esmHarness';
import { RECORDING_PRELUDE } from './support/functionAssets';
import { startTestKinesis, type TestKinesis } from '../../support/startTestKinesis';
import { createStream, putRecords, uniqueStreamName } from './support/streams';
import { waitFor } from './support/waitFor';

let kinesisLocal: TestKinesis;
let kinesis: KinesisClient;
let root: string;
let harness: EsmHarness;

beforeAll(async () => {
  kinesisLocal = await startTestKinesis();
  kinesis = kinesisLocal.kinesis;
  root = mkdtempSync(join(tmpdir(), 'streamtally-esm-filter-'));
  harness = new EsmHarness(root, kinesis);
});

afterEach(async () => {
  await harness.closeAll();
});

afterAll(async () => {
  kinesis?.destroy();
  await kinesisLocal?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('local Kinesis event source mapping: FilterCriteria', () => {
  it('delivers only the records a filter matches; the others are dropped, counted processed, and the shard moves past them', async () => {
    // Prepare: JSON events of three types and one record that is not JSON
    const streamName = uniqueStreamName('filter');
    await createStream(kinesis, streamName);
    const events = [
      { type: 'page_view', key: '/page/1' },
      { type: 'click', key: '/page/2' },
      { type: 'page_view', key: '/admin/1' },
      { type: 'scroll', key: '/page/3', n: 7 },
      { type: 'click', key: '/page/4' },
    ];
    const data = [...events.map((event) => JSON.stringify(event)), 'not json'];
    const results = await putRecords(
      kinesis,
      streamName,
      data.map((value, i) => ({ data: value, partitionKey: `key-${i}` })),
    );
    const handler = `${RECORDING_PRELUDE}
exports.handler = async (event) => { note(event, {}); };`;

    // Act: page views outside /admin, or anything with n > 5
    const running = await harness.start(handler, {
      streamName,
      filterPatterns: [
        JSON.stringify({ data: { type: ['page_view'], key: [{ 'anything-but': { prefix: '/admin' } }] } }),
        JSON.stringify({ data: { n: [{ numeric: ['>', 5] }] } }),
      ],
    });
    await waitFor(
      () => running.mapping.state().shards[0]?.checkpoint?.sequenceNumber === results[5]?.SequenceNumber,
      'the shard past every record',
    );

    // Assess
    const delivered = running.invocations().flatMap((invocation) => invocation.records.map((record) => record.data));
    expect(delivered).toEqual([data[0], data[3]]);
    expect(running.mapping.state().shards[0]).toMatchObject({ recordsSucceeded: 6, recordsDiscarded: 0, recordsInFlight: 0 });
    const filteredOut = running.metrics.filter((point) => point.name === 'FilteredOutEventCount');
    expect(filteredOut.reduce((sum, point) => sum + point.value, 0)).toBe(4);
    expect(filteredOut[0]?.dimensions).toEqual({ EventSourceMappingUUID: running.mapping.uuid });
  });

  it('invokes nothing when no record matches, and still checkpoints past them', async () => {
    const streamName = uniqueStreamName('filter-none');
    await createStream(kinesis, streamName);
    const results = await putRecords(kinesis, streamName, [{ data: JSON.stringify({ type: 'click' }), partitionKey: 'k' }]);
    const running = await harness.start(
      `${RECORDING_PRELUDE}
exports.handler = async (event) => { note(event, {}); };`,
      { streamName, filterPatterns: [JSON.stringify({ data: { type: ['page_view'] } })] },
    );
    await waitFor(
      () => running.mapping.state().shards[0]?.checkpoint?.sequenceNumber === results[0]?.SequenceNumber,
      'the checkpoint past the record',
    );
    expect(running.invocations()).toEqual([]);
    expect(running.metrics.filter((point) => point.name === 'Invocations')).toEqual([]);
  });
});
