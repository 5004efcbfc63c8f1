import { describe, expect, it } from 'vitest';
import { deaggregateRecord, subSequencePaddedSequence } from '../../../lambdas/aggregator/kpl/deaggregateRecord';
import { padSequenceNumber } from '../../../core';
import { bytesField, fieldKey, framed, kplAggregate, varint, varintField } from '../../support/kplAggregate';

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString();

describe('KPL de-aggregation by the published format', () => {
  it('returns every user record, in order, with its own partition key, explicit hash key and data', () => {
    const data = kplAggregate([
      { partitionKey: '/a', data: '{"n":1}' },
      { partitionKey: '/b', explicitHashKey: '170141183460469231731687303715884105728', data: '{"n":2}', tags: [{ key: 't', value: 'v' }] },
      { partitionKey: '/a', data: '{"n":3}' },
    ]);
    const result = deaggregateRecord(data);
    expect(result.kind).toBe('aggregated');
    if (result.kind !== 'aggregated') return;
    expect(result.records.map((record) => [record.partitionKey, record.explicitHashKey, text(record.data)])).toEqual([
      ['/a', undefined, '{"n":1}'],
      ['/b', '170141183460469231731687303715884105728', '{"n":2}'],
      ['/a', undefined, '{"n":3}'],
    ]);
  });

  it('treats a record without the magic as a plain record, also one starting with part of it', () => {
    expect(deaggregateRecord(Buffer.from('{"id":"a"}'))).toEqual({ kind: 'plain' });
    expect(deaggregateRecord(Uint8Array.of(0xf3, 0x89, 0x9a))).toEqual({ kind: 'plain' });
    expect(deaggregateRecord(new Uint8Array(0))).toEqual({ kind: 'plain' });
  });

  it('skips fields it does not know, of every wire type', () => {
    const record = Buffer.concat([
      varintField(1, 0),
      bytesField(3, Buffer.from('x')),
      fieldKey(9, 1),
      Buffer.alloc(8),
      fieldKey(10, 5),
      Buffer.alloc(4),
    ]);
    const protobuf = Buffer.concat([bytesField(1, Buffer.from('k')), varintField(7, 300), bytesField(3, record)]);
    const result = deaggregateRecord(framed(protobuf));
    expect(result).toMatchObject({ kind: 'aggregated', records: [{ partitionKey: 'k' }] });
  });

  it('reads multi-byte varints: a key table of 200 keys and the last one used', () => {
    const keys = Array.from({ length: 200 }, (_, i) => bytesField(1, Buffer.from(`k${i}`)));
    const record = Buffer.concat([varintField(1, 199), bytesField(3, Buffer.alloc(200, 0x61))]);
    const result = deaggregateRecord(framed(Buffer.concat([...keys, bytesField(3, record)])));
    expect(result.kind === 'aggregated' && result.records[0]!.partitionKey).toBe('k199');
    expect(result.kind === 'aggregated' && result.records[0]!.data.length).toBe(200);
  });

  const malformed: [string, Uint8Array, string][] = [
    ['a wrong MD5 digest', flipLastBit(kplAggregate([{ partitionKey: 'k', data: 'x' }])), 'MD5 digest does not match'],
    ['too short for its digest', Uint8Array.of(0xf3, 0x89, 0x9a, 0xc2, 1, 2, 3), 'shorter than its magic and MD5 digest'],
    ['no user records', framed(bytesField(1, Buffer.from('k'))), 'holds no user records'],
    [
      'a partition key index past the table',
      framed(
        Buffer.concat([
          bytesField(1, Buffer.from('k')),
          bytesField(3, Buffer.concat([varintField(1, 1), bytesField(3, Buffer.from('x'))])),
        ]),
      ),
      'names partition key 1 of 1',
    ],
    [
      'an explicit hash key index past the table',
      framed(
        Buffer.concat([
          bytesField(1, Buffer.from('k')),
          bytesField(3, Buffer.concat([varintField(1, 0), varintField(2, 0), bytesField(3, Buffer.from('x'))])),
        ]),
      ),
      'names explicit hash key 0 of 0',
    ],
    ['a record without data', framed(Buffer.concat([bytesField(1, Buffer.from('k')), bytesField(3, varintField(1, 0))])), 'has no data'],
    [
      'a record without partition key index',
      framed(Buffer.concat([bytesField(1, Buffer.from('k')), bytesField(3, bytesField(3, Buffer.from('x')))])),
      'has no partition_key_index',
    ],
    ['a length past the end', framed(Uint8Array.of(0x1a, 0x7f, 0x08, 0x00)), 'runs past the end'],
    ['a truncated varint', framed(Uint8Array.of(0x08, 0xff)), 'varint runs past the end'],
    ['an 11-byte varint', framed(Buffer.concat([Uint8Array.of(0x08), Buffer.alloc(10, 0xff), Uint8Array.of(0x01)])), 'varint'],
    ['field number 0', framed(Uint8Array.of(0x02, 0x00)), 'field number 0'],
    ['wire type 3 (groups)', framed(Uint8Array.of(0x0b)), 'wire type 3'],
    [
      'a key that is not UTF-8',
      framed(
        Buffer.concat([
          bytesField(1, Uint8Array.of(0xff, 0xfe)),
          bytesField(3, Buffer.concat([varintField(1, 0), bytesField(3, Buffer.from('x'))])),
        ]),
      ),
      'not UTF-8',
    ],
  ];
  it.each(malformed)('reports %s as invalid, never throws', (_name, data, message) => {
    const result = deaggregateRecord(data);
    expect(result.kind).toBe('invalid');
    expect(result.kind === 'invalid' && result.message).toContain(message);
    expect(result.kind === 'invalid' && result.message.startsWith('KPL aggregated record: ')).toBe(true);
  });

  it('never throws on random bytes behind the magic, with or without a valid digest', () => {
    for (let seed = 1; seed <= 2_000; seed++) {
      const random = Buffer.from(Array.from({ length: seed % 64 }, (_, i) => (seed * 7919 + i * 104729) % 256));
      expect(() => deaggregateRecord(framed(random))).not.toThrow();
      expect(() => deaggregateRecord(Buffer.concat([Uint8Array.of(0xf3, 0x89, 0x9a, 0xc2), random, Buffer.alloc(16)]))).not.toThrow();
    }
  });

  it('sorts user-record identities after their record and before the next record, in sub-sequence order', () => {
    const record = padSequenceNumber('49590000000000000000000000000000000000000000000000000009');
    const next = padSequenceNumber('49590000000000000000000000000000000000000000000000000010');
    const ids = [0, 1, 2, 10, 11, 100].map((sub) => subSequencePaddedSequence(record, sub));
    expect([...ids].sort()).toEqual(ids);
    expect(ids.every((id) => id > record && id < next)).toBe(true);
  });

  it('encodes varints as protobuf does (the test encoder itself)', () => {
    expect([...varint(1)]).toEqual([0x01]);
    expect([...varint(300)]).toEqual([0xac, 0x02]);
  });
});

function flipLastBit(data: Buffer): Buffer {
  const copy = Buffer.from(data);
  copy[copy.length - 1]! ^= 1;
  return copy;
}
