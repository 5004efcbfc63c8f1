import type { KinesisStreamRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { recordFilter } from '../../../src/local/esm/filter/recordFilter';
import { InvalidMappingSettingError, UnsupportedMappingSettingError } from '../../../src/local/esm';

/** A record as the mapping puts it in the invoke event, with `data` given as text. */
function record(data: string, partitionKey = 'pk-1'): KinesisStreamRecord {
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey,
      sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
      data: Buffer.from(data).toString('base64'),
      approximateArrivalTimestamp: 1_700_000_000.123,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: 'shardId-000000000000:49590338271490256608559692538361571095921575989136588898',
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/r',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/s',
  };
}

const json = (value: unknown) => record(JSON.stringify(value));
const matches = (pattern: unknown, value: KinesisStreamRecord) => recordFilter([JSON.stringify(pattern)])(value);

describe('Lambda event filtering of Kinesis records', () => {
  it('matches exact values in the JSON data, null and the empty string', () => {
    expect(matches({ data: { type: ['page_view'] } }, json({ type: 'page_view' }))).toBe(true);
    expect(matches({ data: { type: ['page_view'] } }, json({ type: 'click' }))).toBe(false);
    expect(matches({ data: { n: [3] } }, json({ n: 3 }))).toBe(true);
    expect(matches({ data: { n: [3] } }, json({ n: '3' }))).toBe(false);
    expect(matches({ data: { user: [null] } }, json({ user: null }))).toBe(true);
    expect(matches({ data: { user: [null] } }, json({}))).toBe(false);
    expect(matches({ data: { name: [''] } }, json({ name: '' }))).toBe(true);
  });

  it('ORs the values of a list and ANDs the keys of an object, nested', () => {
    const pattern = { data: { type: ['page_view', 'click'], page: { lang: ['en'] } } };
    expect(matches(pattern, json({ type: 'click', page: { lang: 'en' } }))).toBe(true);
    expect(matches(pattern, json({ type: 'click', page: { lang: 'fr' } }))).toBe(false);
    expect(matches(pattern, json({ type: 'scroll', page: { lang: 'en' } }))).toBe(false);
  });

  it('matches an array value of the event when one of its elements matches', () => {
    expect(matches({ data: { tags: ['b'] } }, json({ tags: ['a', 'b'] }))).toBe(true);
    expect(matches({ data: { tags: ['c'] } }, json({ tags: ['a', 'b'] }))).toBe(false);
  });

  it('knows prefix, suffix, equals-ignore-case and anything-but', () => {
    expect(matches({ data: { key: [{ prefix: '/page/' }] } }, json({ key: '/page/1' }))).toBe(true);
    expect(matches({ data: { key: [{ prefix: '/page/' }] } }, json({ key: '/home' }))).toBe(false);
    expect(matches({ data: { file: [{ suffix: '.png' }] } }, json({ file: 'a.png' }))).toBe(true);
    expect(matches({ data: { file: [{ suffix: '.png' }] } }, json({ file: 'a.jpg' }))).toBe(false);
    expect(matches({ data: { type: [{ 'equals-ignore-case': 'PAGE_VIEW' }] } }, json({ type: 'Page_View' }))).toBe(true);
    expect(matches({ data: { type: [{ 'anything-but': ['click', 'scroll'] }] } }, json({ type: 'page_view' }))).toBe(true);
    expect(matches({ data: { type: [{ 'anything-but': ['click', 'scroll'] }] } }, json({ type: 'click' }))).toBe(false);
    expect(matches({ data: { type: [{ 'anything-but': 'click' }] } }, json({ type: 'click' }))).toBe(false);
    expect(matches({ data: { key: [{ 'anything-but': { prefix: '/admin' } }] } }, json({ key: '/page' }))).toBe(true);
    expect(matches({ data: { key: [{ 'anything-but': { prefix: '/admin' } }] } }, json({ key: '/admin/x' }))).toBe(false);
  });

  it('knows numeric comparisons and ranges', () => {
    const range = { data: { price: [{ numeric: ['>', 10, '<=', 20] }] } };
    expect(matches(range, json({ price: 15 }))).toBe(true);
    expect(matches(range, json({ price: 20 }))).toBe(true);
    expect(matches(range, json({ price: 10 }))).toBe(false);
    expect(matches(range, json({ price: '15' }))).toBe(false);
    expect(matches({ data: { price: [{ numeric: ['=', 100] }] } }, json({ price: 100 }))).toBe(true);
  });

  it('knows exists true and false', () => {
    expect(matches({ data: { id: [{ exists: true }] } }, json({ id: 'x' }))).toBe(true);
    expect(matches({ data: { id: [{ exists: true }] } }, json({}))).toBe(false);
    expect(matches({ data: { id: [{ exists: false }] } }, json({}))).toBe(true);
    expect(matches({ data: { id: [{ exists: false }] } }, json({ id: 'x' }))).toBe(false);
  });

  it('knows $or across fields', () => {
    const pattern = { data: { $or: [{ type: ['click'] }, { n: [{ numeric: ['>', 5] }] }] } };
    expect(matches(pattern, json({ type: 'click', n: 1 }))).toBe(true);
    expect(matches(pattern, json({ type: 'view', n: 6 }))).toBe(true);
    expect(matches(pattern, json({ type: 'view', n: 1 }))).toBe(false);
  });

  it('ORs the filters of the list', () => {
    const filter = recordFilter([JSON.stringify({ data: { type: ['click'] } }), JSON.stringify({ partitionKey: ['vip'] })]);
    expect(filter(json({ type: 'click' }))).toBe(true);
    expect(filter(record(JSON.stringify({ type: 'view' }), 'vip'))).toBe(true);
    expect(filter(json({ type: 'view' }))).toBe(false);
  });

  it('matches metadata fields; data that is not JSON matches no data pattern but does not stop a metadata one', () => {
    expect(matches({ partitionKey: [{ prefix: 'pk-' }] }, record('not json'))).toBe(true);
    expect(matches({ data: { type: ['page_view'] } }, record('not json'))).toBe(false);
    expect(matches({ data: { type: [{ exists: false }] } }, record('not json'))).toBe(false);
  });

  it('refuses a pattern Lambda would refuse, and a matcher it does not emulate (never ignored)', () => {
    expect(() => recordFilter(['{not json'])).toThrow(InvalidMappingSettingError);
    expect(() => recordFilter([JSON.stringify({ data: { type: 'page_view' } })])).toThrow(InvalidMappingSettingError);
    expect(() => recordFilter([JSON.stringify({ data: { type: [{ wildcard: 'page*' }] } })])).toThrow(UnsupportedMappingSettingError);
  });
});
