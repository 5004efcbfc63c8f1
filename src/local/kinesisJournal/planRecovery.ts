import type { JournalEntry } from './WriteAheadJournal';

/** A record as a put request carried it. */
export interface PutRecordInput {
  /** The stream, as the request named it: `StreamName` or `StreamARN`. */
  readonly stream: { readonly StreamName?: string; readonly StreamARN?: string };
  /** Base64, as on the wire. */
  readonly data: string;
  readonly partitionKey: string;
  readonly explicitHashKey?: string;
}

/** A record the emulator acknowledged, with where it put it (after any later move). */
export interface AcknowledgedRecord extends PutRecordInput {
  readonly shardId: string;
  readonly sequenceNumber: string;
}

/** A record the restarted emulator holds. */
export interface RecoveredRecord {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  /** Base64. */
  readonly data: string;
  readonly arrivalMs: number;
}

/** A put whose answer the emulator never gave: which of its records it stored, which not. */
export interface InDoubtPut {
  readonly id: number;
  readonly operation: 'PutRecord' | 'PutRecords';
  /** Per record of the request, in its order: where the emulator holds it, or undefined when it must be put again. */
  readonly placed: (RecoveredRecord | undefined)[];
  readonly records: readonly PutRecordInput[];
}

/** What the recovery has to do after the emulator lost the end of its data. */
export interface RecoveryPlan {
  /** Acknowledged records the emulator no longer holds, in the order it first stored them. */
  readonly missing: readonly AcknowledgedRecord[];
  /** Puts that were in flight when it died. */
  readonly inDoubt: readonly InDoubtPut[];
  /** Records the journal shows acknowledged. */
  readonly acknowledged: number;
  /** Streams whose shards must be read to know what the emulator still holds. */
  readonly streams: readonly PutRecordInput['stream'][];
}

/** The records of a put request body (PutRecord or PutRecords). */
export function recordsOfPut(operation: 'PutRecord' | 'PutRecords', body: string): PutRecordInput[] {
  const request = JSON.parse(body) as Record<string, unknown>;
  const stream = { ...(typeof request.StreamName === 'string' ? { StreamName: request.StreamName } : {}), ...(typeof request.StreamARN === 'string' ? { StreamARN: request.StreamARN } : {}) };
  const raw = operation === 'PutRecords' ? ((request.Records as Record<string, unknown>[] | undefined) ?? []) : [request];
  return raw.map((record) => ({
    stream,
    data: String(record.Data ?? ''),
    partitionKey: String(record.PartitionKey ?? ''),
    ...(typeof record.ExplicitHashKey === 'string' ? { explicitHashKey: record.ExplicitHashKey } : {}),
  }));
}

/** Where the emulator put each record of a 200 answer to a put; undefined for a record it refused. */
export function placementsOfAnswer(operation: 'PutRecord' | 'PutRecords', body: string): ({ shardId: string; sequenceNumber: string } | undefined)[] {
  const answer = JSON.parse(body) as Record<string, unknown>;
  const raw = operation === 'PutRecords' ? ((answer.Records as Record<string, unknown>[] | undefined) ?? []) : [answer];
  return raw.map((entry) =>
    typeof entry.SequenceNumber === 'string' && typeof entry.ShardId === 'string' ? { shardId: entry.ShardId, sequenceNumber: entry.SequenceNumber } : undefined,
  );
}

const streamKey = (stream: PutRecordInput['stream']): string => stream.StreamARN ?? stream.StreamName ?? '';

/**
 * Every record the journal shows as acknowledged, in the order the emulator stored
 * them (puts reach it one at a time, in journal order), with the place a later
 * recovery moved it to; and the requests still in doubt.
 */
export function readJournal(entries: readonly JournalEntry[]): {
  acknowledged: AcknowledgedRecord[];
  inDoubt: { id: number; atMs: number; operation: 'PutRecord' | 'PutRecords'; records: PutRecordInput[] }[];
} {
  const requests = new Map<number, Extract<JournalEntry, { kind: 'request' }>>();
  const answered = new Set<number>();
  const acknowledged: AcknowledgedRecord[] = [];
  const moves = new Map<string, string>();
  const acknowledge = (request: Extract<JournalEntry, { kind: 'request' }>, answer: string) => {
    const records = recordsOfPut(request.operation, request.body);
    placementsOfAnswer(request.operation, answer).forEach((placement, index) => {
      const record = records[index];
      if (placement && record) acknowledged.push({ ...record, ...placement });
    });
  };
  for (const entry of entries) {
    if (entry.kind === 'request') requests.set(entry.id, entry);
    else if (entry.kind === 'moved') moves.set(`${entry.shardId} ${entry.oldSequenceNumber}`, entry.newSequenceNumber);
    else {
      answered.add(entry.id);
      const request = requests.get(entry.id);
      const answer = entry.kind === 'response' ? (entry.status === 200 ? entry.body : undefined) : entry.body || undefined;
      if (request && answer) acknowledge(request, answer);
    }
  }
  const moved = acknowledged.map((record) => {
    let sequenceNumber = record.sequenceNumber;
    for (let next = moves.get(`${record.shardId} ${sequenceNumber}`); next !== undefined; next = moves.get(`${record.shardId} ${sequenceNumber}`)) sequenceNumber = next;
    return sequenceNumber === record.sequenceNumber ? record : { ...record, sequenceNumber };
  });
  const inDoubt = [...requests.values()]
    .filter((request) => !answered.has(request.id))
    .map((request) => ({ id: request.id, atMs: request.atMs, operation: request.operation, records: recordsOfPut(request.operation, request.body) }));
  return { acknowledged: moved, inDoubt };
}

/** How far before a request's time the emulator's arrival stamp of its records may be (same machine, same clock). */
const ARRIVAL_SLACK_MS = 1_000;

/**
 * Compares the journal with what the restarted emulator holds (`recovered`: every
 * record of the journal's streams from a little before its oldest entry). The
 * emulator's snapshot is a prefix of each shard, so what it lacks is the end: the
 * acknowledged records it no longer holds, and the in-flight put, which it may or may
 * not have stored. The in-flight put's records are told apart from older ones by
 * not being acknowledged and arriving after it was sent.
 */
export function planRecovery(entries: readonly JournalEntry[], recovered: readonly RecoveredRecord[]): RecoveryPlan {
  const { acknowledged, inDoubt } = readJournal(entries);
  const held = new Set(recovered.map((record) => `${record.shardId} ${record.sequenceNumber}`));
  const missing = acknowledged.filter((record) => !held.has(`${record.shardId} ${record.sequenceNumber}`));
  const known = new Set(acknowledged.map((record) => `${record.shardId} ${record.sequenceNumber}`));
  const unclaimed = recovered.filter((record) => !known.has(`${record.shardId} ${record.sequenceNumber}`));
  const used = new Set<RecoveredRecord>();
  const plannedInDoubt = inDoubt.map((request): InDoubtPut => {
    const candidates = unclaimed.filter((record) => record.arrivalMs >= request.atMs - ARRIVAL_SLACK_MS);
    const placed = request.records.map((record) => {
      const match = candidates.find((candidate) => !used.has(candidate) && candidate.partitionKey === record.partitionKey && candidate.data === record.data);
      if (match) used.add(match);
      return match;
    });
    return { id: request.id, operation: request.operation, records: request.records, placed };
  });
  const streams = new Map<string, PutRecordInput['stream']>();
  for (const record of [...acknowledged, ...inDoubt.flatMap((request) => request.records)]) streams.set(streamKey(record.stream), record.stream);
  return { missing, inDoubt: plannedInDoubt, acknowledged: acknowledged.length, streams: [...streams.values()] };
}
