import { createHash } from 'node:crypto';

/**
 * Builds KPL-aggregated records by the published format
 * (the aggregation format document of awslabs/amazon-kinesis-producer), written from the
 * spec and protobuf's wire format alone so that tests of the consumer's
 * decoder do not build their data with it:
 *
 *   F3 89 9A C2 | AggregatedRecord | MD5(AggregatedRecord)
 *   AggregatedRecord: 1 partition_key_table (string), 2 explicit_hash_key_table (string), 3 records (Record)
 *   Record: 1 partition_key_index (uint64), 2 explicit_hash_key_index (uint64), 3 data (bytes), 4 tags (Tag)
 *   Tag: 1 key (string), 2 value (string)
 */

export interface KplUserRecord {
  readonly partitionKey: string;
  readonly explicitHashKey?: string;
  readonly data: Uint8Array | string;
  readonly tags?: readonly { key: string; value?: string }[];
}

/** The protobuf bytes of an AggregatedRecord, key tables in first-use order as the KPL writes them. */
export function aggregatedRecordProtobuf(records: readonly KplUserRecord[]): Buffer {
  const partitionKeys: string[] = [];
  const explicitHashKeys: string[] = [];
  const indexOf = (table: string[], value: string) => {
    const found = table.indexOf(value);
    if (found !== -1) return found;
    table.push(value);
    return table.length - 1;
  };
  const encodedRecords = records.map((record) => {
    const fields = [varintField(1, indexOf(partitionKeys, record.partitionKey))];
    if (record.explicitHashKey !== undefined) fields.push(varintField(2, indexOf(explicitHashKeys, record.explicitHashKey)));
    fields.push(bytesField(3, typeof record.data === 'string' ? Buffer.from(record.data) : record.data));
    for (const tag of record.tags ?? []) {
      const tagFields = [bytesField(1, Buffer.from(tag.key))];
      if (tag.value !== undefined) tagFields.push(bytesField(2, Buffer.from(tag.value)));
      fields.push(bytesField(4, Buffer.concat(tagFields)));
    }
    return Buffer.concat(fields);
  });
  return Buffer.concat([
    ...partitionKeys.map((key) => bytesField(1, Buffer.from(key))),
    ...explicitHashKeys.map((key) => bytesField(2, Buffer.from(key))),
    ...encodedRecords.map((record) => bytesField(3, record)),
  ]);
}

/** A whole aggregated Kinesis record: magic, protobuf, MD5 of the protobuf. */
export function kplAggregate(records: readonly KplUserRecord[]): Buffer {
  return framed(aggregatedRecordProtobuf(records));
}

/** Magic + `protobuf` + its MD5, for hand-made (possibly malformed) protobuf bytes. */
export function framed(protobuf: Uint8Array): Buffer {
  return Buffer.concat([KPL_MAGIC_BYTES, protobuf, createHash('md5').update(protobuf).digest()]);
}

export const KPL_MAGIC_BYTES = Buffer.from([0xf3, 0x89, 0x9a, 0xc2]);

/** Protobuf base-128 varint. */
export function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

/** Field key: field number << 3 | wire type. */
export function fieldKey(field: number, wireType: number): Buffer {
  return varint(field * 8 + wireType);
}

export function varintField(field: number, value: number): Buffer {
  return Buffer.concat([fieldKey(field, 0), varint(value)]);
}

export function bytesField(field: number, bytes: Uint8Array): Buffer {
  return Buffer.concat([fieldKey(field, 2), varint(bytes.length), bytes]);
}
