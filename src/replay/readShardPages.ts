import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  type KinesisClient,
  type _Record,
} from '@aws-sdk/client-kinesis';
import type { StreamRecord } from '../../core';
import { StopReason } from './ReplayManifest';
import { recordFromKinesis } from './recordFromKinesis';
import { CheckpointTrimmedError } from './errors';

/** Records of one shard, in sequence order; the last page says why reading stopped. */
export interface ShardPage {
  readonly records: readonly StreamRecord[];
  readonly stoppedBy?: StopReason;
}

/** Where to start reading a shard. */
export type ShardStart = { readonly afterSequenceNumber: string } | { readonly atTimestampMs: number };

/** Options of {@link readShardPages}. */
export interface ShardReadOptions {
  readonly streamName: string;
  readonly shardId: string;
  readonly start: ShardStart;
  /** Records that arrived after this (epoch ms) end the read, and are not returned. */
  readonly toMs: number;
  /** Records per GetRecords call (at most 10,000). */
  readonly limit: number;
  /** How long to wait after an empty page while the shard is still behind (a sparse shard). @default 200 */
  readonly emptyPageWaitMs?: number;
  /** How long to wait after a throttled read before trying again. @default 1000 */
  readonly throttleWaitMs?: number;
}

/**
 * Reads one shard with GetRecords from a position (AT_TIMESTAMP `--from`, or
 * just after the replay's checkpoint when it resumes) and stops at the first
 * record that arrived after `toMs`, at the end of a closed shard, or at the
 * tip of an open one. A throttled read (the shard's 5 reads per second are
 * shared with the live consumer) waits and tries again; an expired iterator
 * is renewed after the last record read.
 */
export async function* readShardPages(kinesis: KinesisClient, options: ShardReadOptions): AsyncGenerator<ShardPage> {
  const { shardId } = options;
  let lastSequenceNumber: string | undefined;
  let iterator: string | undefined = await shardIterator(kinesis, options, lastSequenceNumber);
  while (iterator) {
    const page = await getRecords(kinesis, iterator, options);
    if (page === 'expired') {
      iterator = await shardIterator(kinesis, options, lastSequenceNumber);
      continue;
    }
    const raw: _Record[] = page.Records ?? [];
    const records: StreamRecord[] = [];
    for (const record of raw) {
      const converted = recordFromKinesis(shardId, record);
      if (converted.arrivalMs > options.toMs) {
        yield { records, stoppedBy: StopReason.to };
        return;
      }
      records.push(converted);
    }
    if (records.length > 0) lastSequenceNumber = records[records.length - 1]!.sequenceNumber;
    // A closed shard read to its end has no next iterator.
    if (!page.NextShardIterator) {
      yield { records, stoppedBy: StopReason.end };
      return;
    }
    if (records.length === 0 && (page.MillisBehindLatest ?? 0) === 0) {
      yield { records, stoppedBy: StopReason.tip };
      return;
    }
    if (records.length > 0) yield { records };
    else await sleep(options.emptyPageWaitMs ?? 200);
    iterator = page.NextShardIterator;
  }
}

async function shardIterator(kinesis: KinesisClient, options: ShardReadOptions, lastRead: string | undefined): Promise<string | undefined> {
  const base = { StreamName: options.streamName, ShardId: options.shardId };
  const after = lastRead ?? ('afterSequenceNumber' in options.start ? options.start.afterSequenceNumber : undefined);
  const input: GetShardIteratorCommandInput =
    after !== undefined
      ? { ...base, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: after }
      : { ...base, ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date((options.start as { atTimestampMs: number }).atTimestampMs) };
  try {
    return (await kinesis.send(new GetShardIteratorCommand(input))).ShardIterator;
  } catch (error) {
    if (after !== undefined && (error as Error).name === 'InvalidArgumentException')
      throw new CheckpointTrimmedError(options.shardId, { cause: error });
    throw error;
  }
}

async function getRecords(kinesis: KinesisClient, iterator: string, options: ShardReadOptions) {
  for (;;) {
    try {
      return await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: options.limit }));
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'ExpiredIteratorException') return 'expired' as const;
      if (name !== 'ProvisionedThroughputExceededException') throw error;
      await sleep(options.throttleWaitMs ?? 1000);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
