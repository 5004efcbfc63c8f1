import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  InvalidArgumentException,
  type GetShardIteratorCommandInput,
  type KinesisClient,
  type _Record,
} from '@aws-sdk/client-kinesis';

/** How far a position in a shard is from the shard's tip. */
export interface ShardLag {
  /** The newest record's sequence number; null when there is no record after the position (see {@link measureShardLag}). */
  readonly latestSequenceNumber: string | null;
  readonly lagRecords: number;
  readonly lagRecordsCapped: boolean;
  readonly lagMs: number;
}

/** Where to measure from: after a checkpointed record, or the shard's oldest record. */
export interface ShardPosition {
  /** The last applied record's sequence number (unpadded) and arrival time, epoch ms. */
  readonly after?: { readonly sequenceNumber: string; readonly arrivalMs: number };
}

/** GetRecords returns at most this many records per call. */
const PAGE_LIMIT = 10_000;
/** Empty pages in a row (a sparse shard) tolerated before giving up on reaching the tip. */
const EMPTY_PAGES_LIMIT = 100;

/**
 * Counts the records of a shard after a position, up to `maxRecords`, with GetRecords
 * (Kinesis has no call that gives a shard's latest sequence number or its length).
 * The time lag comes from the first page: its last record's arrival plus its
 * MillisBehindLatest is when the tip arrived. When counting stops at the limit, the
 * newest record is found by reading from that arrival time (AT_TIMESTAMP) instead.
 *
 * These reads share the shard's 5 GetRecords calls per second with the consumers.
 */
export async function measureShardLag(
  kinesis: KinesisClient,
  streamName: string,
  shardId: string,
  position: ShardPosition,
  maxRecords: number,
): Promise<ShardLag> {
  const { after } = position;
  let iterator = await shardIterator(kinesis, streamName, shardId, after?.sequenceNumber);
  let counted = 0;
  let last: _Record | undefined;
  let tipArrivalMs: number | undefined;
  let referenceArrivalMs = after?.arrivalMs;
  let emptyPages = 0;

  while (iterator) {
    const page = await kinesis.send(
      new GetRecordsCommand({ ShardIterator: iterator, Limit: Math.min(PAGE_LIMIT, maxRecords + 1 - counted) }),
    );
    const records = page.Records ?? [];
    const behindMs = page.MillisBehindLatest ?? 0;
    if (records.length > 0) {
      emptyPages = 0;
      const first = records[0] as _Record;
      last = records[records.length - 1] as _Record;
      referenceArrivalMs ??= arrivalOf(first);
      tipArrivalMs ??= arrivalOf(last) + behindMs;
      counted += records.length;
      if (counted > maxRecords) {
        const latest = await newestRecordSince(kinesis, streamName, shardId, tipArrivalMs);
        return {
          latestSequenceNumber: latest ?? null,
          lagRecords: maxRecords,
          lagRecordsCapped: true,
          lagMs: lagMs(tipArrivalMs, referenceArrivalMs),
        };
      }
    } else if (behindMs === 0 || ++emptyPages > EMPTY_PAGES_LIMIT) {
      break;
    }
    iterator = page.NextShardIterator;
  }
  return {
    latestSequenceNumber: last?.SequenceNumber ?? after?.sequenceNumber ?? null,
    lagRecords: counted,
    lagRecordsCapped: false,
    lagMs: counted === 0 || tipArrivalMs === undefined ? 0 : lagMs(tipArrivalMs, referenceArrivalMs),
  };
}

function lagMs(tipArrivalMs: number, referenceArrivalMs: number | undefined): number {
  return Math.max(0, tipArrivalMs - (referenceArrivalMs ?? tipArrivalMs));
}

async function shardIterator(
  kinesis: KinesisClient,
  streamName: string,
  shardId: string,
  afterSequenceNumber: string | undefined,
): Promise<string | undefined> {
  const base: GetShardIteratorCommandInput = { StreamName: streamName, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' };
  if (afterSequenceNumber === undefined) return (await kinesis.send(new GetShardIteratorCommand(base))).ShardIterator;
  try {
    const input = { ...base, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' as const, StartingSequenceNumber: afterSequenceNumber };
    return (await kinesis.send(new GetShardIteratorCommand(input))).ShardIterator;
  } catch (error) {
    // The checkpointed record has left the stream's retention: everything still there is after it.
    if (error instanceof InvalidArgumentException) return (await kinesis.send(new GetShardIteratorCommand(base))).ShardIterator;
    throw error;
  }
}

/** The sequence number of the newest record that arrived at or after `sinceMs`, reading a few pages at most. */
async function newestRecordSince(
  kinesis: KinesisClient,
  streamName: string,
  shardId: string,
  sinceMs: number,
): Promise<string | undefined> {
  let { ShardIterator: iterator } = await kinesis.send(
    new GetShardIteratorCommand({
      StreamName: streamName,
      ShardId: shardId,
      ShardIteratorType: 'AT_TIMESTAMP',
      Timestamp: new Date(sinceMs),
    }),
  );
  let newest: string | undefined;
  for (let pages = 0; iterator && pages < 10; pages++) {
    const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: PAGE_LIMIT }));
    const records = page.Records ?? [];
    if (records.length > 0) newest = records[records.length - 1]?.SequenceNumber;
    if (records.length === 0 && (page.MillisBehindLatest ?? 0) === 0) break;
    iterator = page.NextShardIterator;
  }
  return newest;
}

function arrivalOf(record: _Record): number {
  return record.ApproximateArrivalTimestamp?.getTime() ?? Date.now();
}
