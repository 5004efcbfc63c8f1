/** Where a shard iterator points: right after (or at) a sequence number of a shard; before any record it named, only the shard. */
export interface IteratorPosition {
  readonly stream: { readonly StreamName?: string; readonly StreamARN?: string };
  readonly shardId: string;
  readonly type?: 'AFTER_SEQUENCE_NUMBER' | 'AT_SEQUENCE_NUMBER';
  readonly sequenceNumber?: string;
}

/** Iterators remembered; a reader uses each once, so only the recent ones matter. */
const CAPACITY = 20_000;

/**
 * The positions of the shard iterators handed out through the journaling front.
 * kinesis-mock's iterators name a record by its sequence number; after a restore moved
 * that record, GetRecords with such an iterator fails, and the front asks for a new
 * iterator at the record's new number instead. Positions are learnt from the
 * GetShardIterator calls (at or after a sequence number) and from each GetRecords
 * answer (after its last record, or where its iterator was when it had none).
 */
export class IteratorPositions {
  private readonly positions = new Map<string, IteratorPosition>();

  /** After a GetShardIterator call. */
  learnFromGetShardIterator(requestBody: string, answerBody: string): void {
    const request = JSON.parse(requestBody) as Record<string, unknown>;
    const iterator = (JSON.parse(answerBody) as { ShardIterator?: string }).ShardIterator;
    if (typeof iterator !== 'string') return;
    const atSequenceNumber =
      (request.ShardIteratorType === 'AFTER_SEQUENCE_NUMBER' || request.ShardIteratorType === 'AT_SEQUENCE_NUMBER') && typeof request.StartingSequenceNumber === 'string';
    this.remember(iterator, {
      stream: { ...(typeof request.StreamName === 'string' ? { StreamName: request.StreamName } : {}), ...(typeof request.StreamARN === 'string' ? { StreamARN: request.StreamARN } : {}) },
      shardId: String(request.ShardId),
      // TRIM_HORIZON, LATEST, AT_TIMESTAMP: the shard only, until a read names a record.
      ...(atSequenceNumber ? { type: request.ShardIteratorType as IteratorPosition['type'], sequenceNumber: request.StartingSequenceNumber as string } : {}),
    });
  }

  /**
   * After a GetRecords call with `iterator`. The answer is read from its end, not parsed:
   * it can be megabytes, and only its last sequence number and next iterator matter.
   */
  learnFromGetRecords(iterator: string, answerBody: string | Buffer): void {
    const known = this.positions.get(iterator);
    if (!known) return;
    const next = lastStringField(answerBody, 'NextShardIterator');
    if (next === undefined) return;
    const lastSequenceNumber = lastStringField(answerBody, 'SequenceNumber');
    this.remember(next, lastSequenceNumber === undefined ? known : { ...known, type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: lastSequenceNumber });
  }

  /** Whether this iterator's position is known (only then is its GetRecords answer worth reading). */
  knows(iterator: string): boolean {
    return this.positions.has(iterator);
  }

  positionOf(iterator: string): IteratorPosition | undefined {
    return this.positions.get(iterator);
  }

  private remember(iterator: string, position: IteratorPosition): void {
    this.positions.set(iterator, position);
    if (this.positions.size > CAPACITY) this.positions.delete(this.positions.keys().next().value as string);
  }
}

/**
 * The value of the last `"name":"…"` in a JSON text (Kinesis values hold no escaped
 * quotes). A Buffer is searched as bytes, so a large answer is never turned into a string.
 */
function lastStringField(json: string | Buffer, name: string): string | undefined {
  const marker = `"${name}":"`;
  const at = json.lastIndexOf(marker);
  if (at < 0) return undefined;
  const start = at + Buffer.byteLength(marker);
  const end = json.indexOf('"', start);
  if (end < 0) return undefined;
  return typeof json === 'string' ? json.slice(start, end) : json.toString('utf8', start, end);
}
