import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  PutRecordCommand,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProxyAnswer } from './JournalingKinesisProxy';
import { planRecovery, type PutRecordInput, type RecoveredRecord } from './planRecovery';
import type { JournalEntry, WriteAheadJournal } from './WriteAheadJournal';

/** What {@link restoreFromJournal} did. */
export interface RestoreReport {
  /** Acknowledged records the emulator had lost and now holds again. */
  readonly restored: number;
  /** Records of in-flight puts: found stored, and put now. */
  readonly inDoubtFound: number;
  readonly inDoubtPut: number;
  /** Records the journal shows acknowledged, and how many of the emulator's records were compared with them. */
  readonly acknowledged: number;
  readonly compared: number;
  /** Answers for the in-flight puts, by journal id. */
  readonly answers: ReadonlyMap<number, ProxyAnswer>;
  /** `<shardId> <old sequence number>` → where the record is now, for every record the journal shows put again (this time or before). */
  readonly moves: ReadonlyMap<string, string>;
}

/** Records that arrived this long before the journal's oldest entry are read too, to be safe about clocks. */
const READ_BEFORE_MS = 2_000;

/**
 * Makes the (restarted) Kinesis emulator hold every record the journal shows it
 * acknowledged: reads what it holds from a little before the journal's oldest entry,
 * puts each lost record again, one at a time per shard and in the order it was first
 * stored (so each lands at its old position, with a sequence number between its old
 * neighbours'), and settles the put that was in flight. Every move is journaled, so a
 * second death during or after this finds the records where they are now.
 */
export async function restoreFromJournal(journal: WriteAheadJournal, kinesis: KinesisClient, signal?: AbortSignal): Promise<RestoreReport> {
  const entries = journal.readAll();
  const oldestMs = journal.oldestEntryMs();
  const empty: RestoreReport = { restored: 0, inDoubtFound: 0, inDoubtPut: 0, acknowledged: 0, compared: 0, answers: new Map(), moves: new Map() };
  if (entries.length === 0 || oldestMs === undefined) return empty;
  if (planRecovery(entries, []).streams.length === 0) return { ...empty, moves: movesIn(entries) };
  const streams = planRecovery(entries, []).streams;
  const recovered: RecoveredRecord[] = [];
  for (const stream of streams) recovered.push(...(await readStreamSince(kinesis, stream, oldestMs - READ_BEFORE_MS)));
  const plan = planRecovery(entries, recovered);

  const moves = movesIn(entries);
  // Each shard's lost records go back in order; shards are independent of each other.
  const byShard = new Map<string, typeof plan.missing[number][]>();
  for (const record of plan.missing) byShard.set(record.shardId, [...(byShard.get(record.shardId) ?? []), record]);
  await Promise.all(
    [...byShard.values()].map(async (records) => {
      for (const record of records) {
        const placed = await putAgain(kinesis, record, signal);
        journal.appendMoved(record.shardId, record.sequenceNumber, placed.sequenceNumber);
        moves.set(`${record.shardId} ${record.sequenceNumber}`, placed.sequenceNumber);
        // A reader at any earlier place of the record follows it here too.
        for (const [from, to] of moves) if (to === record.sequenceNumber && from.startsWith(`${record.shardId} `)) moves.set(from, placed.sequenceNumber);
      }
    }),
  );

  const answers = new Map<number, ProxyAnswer>();
  let inDoubtFound = 0;
  let inDoubtPut = 0;
  for (const request of plan.inDoubt) {
    const placements: { shardId: string; sequenceNumber: string }[] = [];
    for (const [index, record] of request.records.entries()) {
      const found = request.placed[index];
      if (found) inDoubtFound += 1;
      else inDoubtPut += 1;
      placements.push(found ? { shardId: found.shardId, sequenceNumber: found.sequenceNumber } : await putAgain(kinesis, record, signal));
    }
    const body =
      request.operation === 'PutRecords'
        ? JSON.stringify({ FailedRecordCount: 0, Records: placements.map((placement) => ({ SequenceNumber: placement.sequenceNumber, ShardId: placement.shardId })), EncryptionType: 'NONE' })
        : JSON.stringify({ SequenceNumber: placements[0]?.sequenceNumber, ShardId: placements[0]?.shardId, EncryptionType: 'NONE' });
    journal.appendSettled(request.id, body);
    answers.set(request.id, { status: 200, body });
  }
  return { restored: plan.missing.length, inDoubtFound, inDoubtPut, acknowledged: plan.acknowledged, compared: recovered.length, answers, moves };
}

/** The journal's moves, each followed to the record's latest place. */
function movesIn(entries: readonly JournalEntry[]): Map<string, string> {
  const direct = new Map<string, string>();
  for (const entry of entries) if (entry.kind === 'moved') direct.set(`${entry.shardId} ${entry.oldSequenceNumber}`, entry.newSequenceNumber);
  const resolved = new Map<string, string>();
  for (const [from, first] of direct) {
    const shardId = from.slice(0, from.indexOf(' '));
    let to = first;
    for (let hops = 0, next = direct.get(`${shardId} ${to}`); next !== undefined && hops < direct.size; hops++, next = direct.get(`${shardId} ${to}`)) to = next;
    resolved.set(from, to);
  }
  return resolved;
}

/** Every record of every shard of `stream` that arrived at or after `sinceMs`. */
async function readStreamSince(kinesis: KinesisClient, stream: PutRecordInput['stream'], sinceMs: number): Promise<RecoveredRecord[]> {
  const shards: Shard[] = [];
  let nextToken: string | undefined;
  do {
    const page = await kinesis.send(new ListShardsCommand(nextToken ? { NextToken: nextToken } : { ...stream }));
    shards.push(...(page.Shards ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  const records: RecoveredRecord[] = [];
  for (const shard of shards) {
    let iterator = (
      await kinesis.send(new GetShardIteratorCommand({ ...stream, ShardId: shard.ShardId, ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(sinceMs) }))
    ).ShardIterator;
    while (iterator) {
      const page = await kinesis.send(new GetRecordsCommand({ ...stream, ShardIterator: iterator, Limit: 10_000 }));
      for (const record of page.Records ?? []) {
        records.push({
          shardId: shard.ShardId!,
          sequenceNumber: record.SequenceNumber!,
          partitionKey: record.PartitionKey!,
          data: Buffer.from(record.Data ?? new Uint8Array()).toString('base64'),
          arrivalMs: record.ApproximateArrivalTimestamp?.getTime() ?? 0,
        });
      }
      // The end of an open shard: nothing behind the latest record.
      if ((page.Records ?? []).length === 0 && (page.MillisBehindLatest ?? 0) === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return records;
}

/** Puts one record again, as it was first put; retried until the emulator takes it. */
async function putAgain(kinesis: KinesisClient, record: PutRecordInput, signal?: AbortSignal): Promise<{ shardId: string; sequenceNumber: string }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const answer = await kinesis.send(
        new PutRecordCommand({
          ...record.stream,
          Data: Buffer.from(record.data, 'base64'),
          PartitionKey: record.partitionKey,
          ...(record.explicitHashKey ? { ExplicitHashKey: record.explicitHashKey } : {}),
        }),
        { abortSignal: signal },
      );
      return { shardId: answer.ShardId!, sequenceNumber: answer.SequenceNumber! };
    } catch (error) {
      // Aborted: the emulator died again; the caller starts over.
      if (attempt >= 20 || signal?.aborted) throw error;
      await sleep(Math.min(1_000, 25 * 2 ** attempt));
    }
  }
}
