import { cbor, tag } from '@smithy/core/cbor';
import { describe, expect, it } from 'vitest';
import { wireFormatOf } from '../../../../src/local/kinesisJournal/wireFormat';

describe('wireFormatOf', () => {
  it('keeps a JSON body as it is, unparsed', () => {
    const wire = wireFormatOf({ 'content-type': 'application/x-amz-json-1.1' });
    const body = Buffer.from('{"StreamName":"s",  "Records":[]}');
    expect(wire.toJsonText(body)).toBe('{"StreamName":"s",  "Records":[]}');
    expect(wire.decode(wire.encode({ a: 1 }))).toEqual({ a: 1 });
  });

  it('turns a CBOR put into the journal form (blobs in base64, dates in epoch seconds) and writes CBOR answers', () => {
    const wire = wireFormatOf({ 'content-type': 'application/x-amz-cbor-1.1' });
    const body = Buffer.from(cbor.serialize({ StreamName: 's', Records: [{ Data: new Uint8Array(Buffer.from('hello')), PartitionKey: 'k' }], At: tag({ tag: 1, value: 1.5 }) }));
    expect(JSON.parse(wire.toJsonText(body))).toEqual({ StreamName: 's', Records: [{ Data: Buffer.from('hello').toString('base64'), PartitionKey: 'k' }], At: 1.5 });
    // A timestamp the front passes back untouched stays a timestamp.
    const again = wire.decode(wire.encode(wire.decode(body)));
    expect(again.At).toMatchObject({ tag: 1, value: 1.5 });
    const answer = wire.encode({ FailedRecordCount: 0, Records: [{ SequenceNumber: '1', ShardId: 'shardId-0', Data: Buffer.from('x').toString('base64') }] });
    expect(cbor.deserialize(new Uint8Array(answer))).toEqual({ FailedRecordCount: 0, Records: [{ SequenceNumber: '1', ShardId: 'shardId-0', Data: new Uint8Array(Buffer.from('x')) }] });
  });
});
