import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  type GetShardIteratorCommandInput,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalEsmError, LocalKinesisEventSourceMapping, type MappingSettings } from '../../../src/local/esm';
import { isTransientKinesisError } from '../../../src/local/esm/isTransientKinesisError';

const SETTINGS: MappingSettings = {
  functionName: 'consumer',
  streamName: 'events',
  batchSize: 100,
  maximumBatchingWindowMs: 0,
  startingPosition: 'TRIM_HORIZON',
  parallelizationFactor: 1,
  bisectBatchOnFunctionError: false,
  maximumRetryAttempts: -1,
  maximumRecordAgeSeconds: -1,
  functionResponseTypes: [],
};

/** Errors as the SDK raises them. */
const reset = (): Error => Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET' });
const answered = (name: string, status: number): Error =>
  Object.assign(new Error(`${name} (test)`), { name, $metadata: { httpStatusCode: status } });

/**
 * A Kinesis client of a two-shard stream with one record per shard, whose calls
 * fail as `failures` says: per operation, the errors its first calls raise, in order.
 */
function stubKinesis(failures: Partial<Record<'DescribeStreamSummary' | 'ListShards' | 'GetShardIterator', (() => Error)[]>>) {
  const calls: Record<string, number> = {};
  const served = new Set<string>();
  const send = async (command: unknown): Promise<unknown> => {
    const operation = (command as { constructor: { name: string } }).constructor.name.replace(/Command$/, '');
    calls[operation] = (calls[operation] ?? 0) + 1;
    const failure = failures[operation as keyof typeof failures]?.shift();
    if (failure) throw failure();
    if (command instanceof DescribeStreamSummaryCommand)
      return { StreamDescriptionSummary: { StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/events' } };
    if (command instanceof ListShardsCommand) return { Shards: [{ ShardId: 'shardId-0' }, { ShardId: 'shardId-1' }] };
    if (command instanceof GetShardIteratorCommand)
      return { ShardIterator: `iterator-${(command.input as GetShardIteratorCommandInput).ShardId}` };
    if (command instanceof GetRecordsCommand) {
      const iterator = command.input.ShardIterator!;
      const Records = served.has(iterator)
        ? []
        : [{ SequenceNumber: '1', PartitionKey: iterator, Data: Buffer.from(iterator), ApproximateArrivalTimestamp: new Date() }];
      served.add(iterator);
      return { Records, NextShardIterator: iterator, MillisBehindLatest: 0 };
    }
    throw new Error(`unexpected ${operation}`);
  };
  return { client: { config: { region: async () => 'us-east-1' }, send } as unknown as KinesisClient, calls };
}

let mapping: LocalKinesisEventSourceMapping | undefined;
afterEach(async () => {
  await mapping?.stop();
  mapping = undefined;
});

function newMapping(kinesis: KinesisClient, options: { startRetryWindowMs?: number } = {}) {
  const delivered: string[] = [];
  const logs: string[] = [];
  mapping = new LocalKinesisEventSourceMapping(SETTINGS, {
    kinesis,
    invoke: async (event) => {
      delivered.push(...event.Records.map((record) => Buffer.from(record.kinesis.data, 'base64').toString()));
      return { kind: 'ok', payload: null, durationMs: 1 };
    },
    log: (line) => logs.push(line),
    pollIntervalMs: 10,
    ...options,
  });
  return { mapping, delivered, logs };
}

describe('local event source mapping: start on a flaky Kinesis', () => {
  it('retries resets, throttles and 5xx while it describes the stream and positions its shards, then delivers every record once', async () => {
    const { client, calls } = stubKinesis({
      DescribeStreamSummary: [reset, () => answered('InternalFailure', 500)],
      ListShards: [() => answered('LimitExceededException', 400)],
      GetShardIterator: [() => answered('ServiceUnavailable', 503), reset],
    });
    const { mapping, delivered, logs } = newMapping(client);

    await mapping.start();

    expect(mapping.state().shards.map((shard) => shard.phase)).toEqual(['polling', 'polling']);
    for (const deadline = Date.now() + 5_000; delivered.length < 2 && Date.now() < deadline; )
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(delivered.sort()).toEqual(['iterator-shardId-0', 'iterator-shardId-1']);
    expect(calls.DescribeStreamSummary).toBeGreaterThanOrEqual(3);
    expect(logs.filter((line) => line.startsWith('could not start yet'))).toHaveLength(4);
  });

  it('fails at once on an answer Kinesis will repeat (no such stream)', async () => {
    const { client, calls } = stubKinesis({ DescribeStreamSummary: [() => answered('ResourceNotFoundException', 400)] });
    const { mapping } = newMapping(client);

    await expect(mapping.start()).rejects.toThrow(/could not start on stream events: ResourceNotFoundException/);
    expect(calls.DescribeStreamSummary).toBe(1);
  });

  it('gives up on transient errors after startRetryWindowMs', async () => {
    const { client } = stubKinesis({ DescribeStreamSummary: Array.from({ length: 100 }, () => reset) });
    const { mapping } = newMapping(client, { startRetryWindowMs: 500 });
    const startedMs = Date.now();

    await expect(mapping.start()).rejects.toBeInstanceOf(LocalEsmError);
    expect(Date.now() - startedMs).toBeLessThan(2_000);
  });
});

describe('isTransientKinesisError', () => {
  it('is true for throttles, 5xx and errors without an answer; false for other answers', () => {
    expect(isTransientKinesisError(answered('ProvisionedThroughputExceededException', 400))).toBe(true);
    expect(isTransientKinesisError(answered('InternalFailure', 500))).toBe(true);
    expect(isTransientKinesisError(reset())).toBe(true);
    expect(isTransientKinesisError(answered('ResourceNotFoundException', 400))).toBe(false);
    expect(isTransientKinesisError(answered('AccessDeniedException', 400))).toBe(false);
  });
});
