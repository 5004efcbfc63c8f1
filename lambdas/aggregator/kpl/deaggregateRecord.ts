import { createHash } from 'node:crypto';

/**
 * De-aggregation of records the Kinesis Producer Library (KPL) packed
 * together, by the published format (the aggregation format document of
 * awslabs/amazon-kinesis-producer):
 *
 *   4 magic bytes F3 89 9A C2 | protobuf AggregatedRecord | MD5 of the protobuf bytes (16)
 *
 *   message AggregatedRecord { repeated string partition_key_table = 1;
 *                              repeated string explicit_hash_key_table = 2;
 *                              repeated Record records = 3; }
 *   message Record { required uint64 partition_key_index = 1; optional uint64 explicit_hash_key_index = 2;
 *                    required bytes data = 3; repeated Tag tags = 4; }
 *
 * Why not awslabs' `aws-kinesis-agg` package: it pins protobufjs 7.2.4,
 * async 2.6.4, agentkeepalive and minimist as runtime dependencies, all of
 * which would ship in the consumer's bundle, and its API is callback based.
 * Reading the two messages needs only varints and length-delimited fields,
 * about a hundred lines with no dependency; every byte is checked, so a
 * corrupt aggregate is reported, never thrown.
 */

/** The KPL's magic prefix. */
export const KPL_MAGIC = Uint8Array.of(0xf3, 0x89, 0x9a, 0xc2);
const DIGEST_BYTES = 16;

/** One user record inside an aggregated Kinesis record. */
export interface UserRecord {
  readonly partitionKey: string;
  readonly explicitHashKey: string | undefined;
  readonly data: Uint8Array;
}

export type Deaggregated =
  /** No magic prefix: an ordinary record, to be read as it is. */
  | { readonly kind: 'plain' }
  | { readonly kind: 'aggregated'; readonly records: readonly UserRecord[] }
  /** The magic prefix but not a well-formed aggregate: the whole record is invalid. */
  | { readonly kind: 'invalid'; readonly message: string };

const PLAIN: Deaggregated = { kind: 'plain' };

/** Splits a KPL-aggregated record into its user records; never throws. */
export function deaggregateRecord(data: Uint8Array): Deaggregated {
  if (!hasMagic(data)) return PLAIN;
  if (data.length < KPL_MAGIC.length + DIGEST_BYTES) return invalid('shorter than its magic and MD5 digest');
  const body = data.subarray(KPL_MAGIC.length, data.length - DIGEST_BYTES);
  const digest = data.subarray(data.length - DIGEST_BYTES);
  if (!createHash('md5').update(body).digest().equals(digest)) return invalid('MD5 digest does not match its protobuf bytes');
  try {
    return { kind: 'aggregated', records: readAggregatedRecord(body) };
  } catch (error) {
    if (error instanceof MalformedAggregate) return invalid(error.message);
    throw error;
  }
}

function hasMagic(data: Uint8Array): boolean {
  return data.length >= 4 && data[0] === 0xf3 && data[1] === 0x89 && data[2] === 0x9a && data[3] === 0xc2;
}

function invalid(message: string): Deaggregated {
  return { kind: 'invalid', message: `KPL aggregated record: ${message}` };
}

class MalformedAggregate extends Error {}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function readAggregatedRecord(body: Uint8Array): UserRecord[] {
  const partitionKeys: string[] = [];
  const explicitHashKeys: string[] = [];
  const raw: { partitionKeyIndex: number; explicitHashKeyIndex: number | undefined; data: Uint8Array }[] = [];
  const reader = new Reader(body);
  while (!reader.done()) {
    const { field, wireType } = reader.tag();
    if (field === 1 && wireType === WIRE_LENGTH_DELIMITED) partitionKeys.push(reader.string());
    else if (field === 2 && wireType === WIRE_LENGTH_DELIMITED) explicitHashKeys.push(reader.string());
    else if (field === 3 && wireType === WIRE_LENGTH_DELIMITED) raw.push(readRecord(reader.bytes()));
    else reader.skip(wireType);
  }
  if (raw.length === 0) throw new MalformedAggregate('holds no user records');
  return raw.map((record, index) => {
    const partitionKey = partitionKeys[record.partitionKeyIndex];
    if (partitionKey === undefined)
      throw new MalformedAggregate(`user record ${index} names partition key ${record.partitionKeyIndex} of ${partitionKeys.length}`);
    let explicitHashKey: string | undefined;
    if (record.explicitHashKeyIndex !== undefined) {
      explicitHashKey = explicitHashKeys[record.explicitHashKeyIndex];
      if (explicitHashKey === undefined)
        throw new MalformedAggregate(
          `user record ${index} names explicit hash key ${record.explicitHashKeyIndex} of ${explicitHashKeys.length}`,
        );
    }
    return { partitionKey, explicitHashKey, data: record.data };
  });
}

function readRecord(bytes: Uint8Array): { partitionKeyIndex: number; explicitHashKeyIndex: number | undefined; data: Uint8Array } {
  let partitionKeyIndex: number | undefined;
  let explicitHashKeyIndex: number | undefined;
  let data: Uint8Array | undefined;
  const reader = new Reader(bytes);
  while (!reader.done()) {
    const { field, wireType } = reader.tag();
    if (field === 1 && wireType === WIRE_VARINT) partitionKeyIndex = reader.varint();
    else if (field === 2 && wireType === WIRE_VARINT) explicitHashKeyIndex = reader.varint();
    else if (field === 3 && wireType === WIRE_LENGTH_DELIMITED) data = reader.bytes();
    else reader.skip(wireType); // tags (4) and fields of later versions
  }
  if (partitionKeyIndex === undefined) throw new MalformedAggregate('a user record has no partition_key_index');
  if (data === undefined) throw new MalformedAggregate('a user record has no data');
  return { partitionKeyIndex, explicitHashKeyIndex, data };
}

/** Protobuf wire format, the parts the two messages use; any overrun is a MalformedAggregate. */
class Reader {
  private position = 0;
  constructor(private readonly buffer: Uint8Array) {}

  done(): boolean {
    return this.position >= this.buffer.length;
  }

  tag(): { field: number; wireType: number } {
    const key = this.varint();
    const field = Math.floor(key / 8);
    if (field === 0) throw new MalformedAggregate('protobuf field number 0');
    return { field, wireType: key % 8 };
  }

  /** A varint as a safe integer; anything past 2^53 is no index or length this format can hold. */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.position >= this.buffer.length) throw new MalformedAggregate('protobuf varint runs past the end');
      const byte = this.buffer[this.position++]!;
      value += (byte & 0x7f) * scale;
      if (value > Number.MAX_SAFE_INTEGER) throw new MalformedAggregate('protobuf varint too large');
      if ((byte & 0x80) === 0) return value;
      scale *= 128;
    }
    throw new MalformedAggregate('protobuf varint longer than 10 bytes');
  }

  bytes(): Uint8Array {
    const length = this.varint();
    if (length > this.buffer.length - this.position) throw new MalformedAggregate('protobuf field runs past the end');
    const bytes = this.buffer.subarray(this.position, this.position + length);
    this.position += length;
    return bytes;
  }

  string(): string {
    try {
      return utf8.decode(this.bytes());
    } catch (error) {
      if (error instanceof MalformedAggregate) throw error;
      throw new MalformedAggregate('a key table entry is not UTF-8');
    }
  }

  skip(wireType: number): void {
    if (wireType === WIRE_VARINT) this.varint();
    else if (wireType === WIRE_LENGTH_DELIMITED) this.bytes();
    else if (wireType === WIRE_FIXED64 || wireType === WIRE_FIXED32) {
      const length = wireType === WIRE_FIXED64 ? 8 : 4;
      if (length > this.buffer.length - this.position) throw new MalformedAggregate('protobuf field runs past the end');
      this.position += length;
    } else throw new MalformedAggregate(`protobuf wire type ${wireType}`);
  }
}

/**
 * The padded sequence number of user record `subSequenceNumber` of the
 * Kinesis record whose padded sequence number is `recordPaddedSequence`: the
 * record's own followed by `.` and the sub-sequence number, zero-padded. All
 * record-level padded sequence numbers have one width, so these sort after
 * their record's and before the next record's, in sub-sequence order.
 */
export function subSequencePaddedSequence(recordPaddedSequence: string, subSequenceNumber: number): string {
  return `${recordPaddedSequence}.${String(subSequenceNumber).padStart(SUB_SEQUENCE_WIDTH, '0')}`;
}

/** Digits of a sub-sequence number: a 1 MiB record holds far fewer than 10^7 user records. */
const SUB_SEQUENCE_WIDTH = 7;
