import { describe, expect, it } from 'vitest';
import { EventLimits, decodeRecord, type DecodeResult, type StreamEvent } from '../../../core';
import { eventBytes, utf8, type EventFields } from './factories';

function decodeOk(result: DecodeResult): StreamEvent {
  if (!result.ok) throw new Error(`expected ok, got: ${result.message}`);
  return result.event;
}

function messageOf(result: DecodeResult): string {
  if (result.ok) throw new Error('expected a rejection');
  return result.message;
}

function rejectionOf(overrides: EventFields): string {
  return messageOf(decodeRecord(eventBytes(overrides)));
}

describe('decodeRecord: a valid event', () => {
  it('decodes every field', () => {
    // Prepare
    const bytes = eventBytes({ id: 'a-1', type: 'sensor.temp', key: 'device:7', ts: '2026-11-26T12:34:56.789Z', value: 21.5 });

    // Act
    const event = decodeOk(decodeRecord(bytes));

    // Assess
    expect(event).toEqual({
      id: 'a-1',
      type: 'sensor.temp',
      key: 'device:7',
      tsMs: Date.parse('2026-11-26T12:34:56.789Z'),
      value: 21.5,
      valueNanos: 21_500_000_000n,
    });
  });

  it('defaults value to 1', () => {
    const event = decodeOk(decodeRecord(eventBytes({ value: undefined })));
    expect(event.value).toBe(1);
    expect(event.valueNanos).toBe(1_000_000_000n);
  });

  it('accepts epoch milliseconds, including negative and the Date range edges', () => {
    expect(decodeOk(decodeRecord(eventBytes({ ts: 1_795_696_496_789 }))).tsMs).toBe(1_795_696_496_789);
    expect(decodeOk(decodeRecord(eventBytes({ ts: -1 }))).tsMs).toBe(-1);
    expect(decodeOk(decodeRecord(eventBytes({ ts: 8.64e15 }))).tsMs).toBe(8.64e15);
    expect(decodeOk(decodeRecord(eventBytes({ ts: -8.64e15 }))).tsMs).toBe(-8.64e15);
  });

  it('turns -0 into 0 for ts and value', () => {
    const event = decodeOk(decodeRecord(utf8('{"id":"a","type":"t","key":"k","ts":-0,"value":-0}')));
    expect(Object.is(event.tsMs, 0)).toBe(true);
    expect(Object.is(event.value, 0)).toBe(true);
    expect(event.valueNanos).toBe(0n);
  });

  it.each([
    ['2026-11-26T12:34:56Z', '2026-11-26T12:34:56.000Z'],
    ['2026-11-26T12:34Z', '2026-11-26T12:34:00.000Z'],
    ['2026-11-26T12:34:56.1Z', '2026-11-26T12:34:56.100Z'],
    ['2026-11-26T12:34:56.123456789Z', '2026-11-26T12:34:56.123Z'],
    ['2026-11-26T14:04:56+01:30', '2026-11-26T12:34:56.000Z'],
    ['2026-11-26T00:34:56-12:00', '2026-11-26T12:34:56.000Z'],
    ['2026-11-26T12:34:56-00:00', '2026-11-26T12:34:56.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['2000-02-29T00:00:00Z', '2000-02-29T00:00:00.000Z'],
    ['0000-01-01T00:00:00Z', '0000-01-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
  ])('accepts ts %s', (ts, expectedIso) => {
    expect(decodeOk(decodeRecord(eventBytes({ ts }))).tsMs).toBe(Date.parse(expectedIso));
  });

  it('counts characters as code points, so emoji fit the limits', () => {
    // 128 emoji are 256 UTF-16 units but 128 characters.
    const id = '😀'.repeat(128);
    const key = '🔑'.repeat(512);
    const event = decodeOk(decodeRecord(eventBytes({ id, key })));
    expect(event.id).toBe(id);
    expect(event.key).toBe(key);
  });

  it('accepts keys with #, spaces and non-ASCII text', () => {
    expect(decodeOk(decodeRecord(eventBytes({ key: 'a#b # ü 中文' }))).key).toBe('a#b # ü 中文');
  });

  it('accepts values at the limits', () => {
    expect(decodeOk(decodeRecord(eventBytes({ value: 0.000000001 }))).valueNanos).toBe(1n);
    expect(decodeOk(decodeRecord(eventBytes({ value: -999_999_999_999_999_900 }))).value).toBe(-999_999_999_999_999_900);
  });

  it('accepts any attrs object, returns it as parsed and ignores unknown fields', () => {
    const event = decodeOk(decodeRecord(eventBytes({ attrs: { a: [1, { b: null }] }, extra: true })));
    expect(event.attrs).toEqual({ a: [1, { b: null }] });
    expect(event).not.toHaveProperty('extra');
  });

  it('has no attrs when the event has none', () => {
    expect(decodeOk(decodeRecord(eventBytes({}))).attrs).toBeUndefined();
  });

  it('ignores fields inherited through __proto__ and a polluted prototype', () => {
    // Prepare: the fields sit under "__proto__", not on the object itself.
    const bytes = utf8('{"__proto__":{"id":"x","type":"t","key":"k","ts":0},"constructor":{"prototype":{"id":"y"}}}');
    const polluted = Object.prototype as Record<string, unknown>;
    polluted.id = 'polluted';

    // Act
    let result: DecodeResult;
    try {
      result = decodeRecord(bytes);
    } finally {
      delete polluted.id;
    }

    // Assess
    expect(messageOf(result)).toBe('field "id": must be a string of 1-128 characters (missing)');
    expect(({} as Record<string, unknown>).id).toBeUndefined();
  });

  it('accepts a record of exactly maxBytes', () => {
    const bytes = eventBytes();
    expect(decodeRecord(bytes, bytes.length).ok).toBe(true);
  });
});

describe('decodeRecord: the record as a whole', () => {
  it('rejects a record larger than the limit before decoding it', () => {
    // Invalid UTF-8 would give another message: the size is checked first.
    const bytes = new Uint8Array(EventLimits.maxRecordBytes + 1).fill(0xff);
    expect(messageOf(decodeRecord(bytes))).toBe('record is 1048577 bytes; the limit is 1048576');
    expect(messageOf(decodeRecord(eventBytes(), 10))).toMatch(/^record is \d+ bytes; the limit is 10$/);
  });

  it.each([
    ['a lone continuation byte', [0x80]],
    ['a truncated sequence', [0x7b, 0xe2, 0x82]],
    ['an overlong encoding', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['0xff', [0x7b, 0xff, 0x7d]],
  ])('rejects invalid UTF-8: %s', (_name, bytes) => {
    expect(messageOf(decodeRecord(new Uint8Array(bytes)))).toBe('not valid UTF-8');
  });

  it('rejects a byte order mark', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...eventBytes()]);
    expect(messageOf(decodeRecord(bytes))).toBe('not JSON: starts with a byte order mark (U+FEFF); send UTF-8 without one');
  });

  it.each([
    ['empty', ''],
    ['truncated', '{"id":"a"'],
    ['garbage', 'hello'],
    ['trailing text', '{} {}'],
    ['single quotes', "{'id':'a'}"],
  ])('rejects text that is not JSON: %s', (_name, text) => {
    const message = messageOf(decodeRecord(utf8(text)));
    expect(message).toMatch(/^not JSON: \S/);
  });

  it('keeps the JSON error message to one short line', () => {
    const message = messageOf(decodeRecord(utf8(`{\n\u2028"a":\n${'x'.repeat(10_000)}`)));
    expect(message).not.toMatch(/[\n\r\u2028\u2029]/);
    expect(message.length).toBeLessThanOrEqual('not JSON: '.length + 120);
  });

  it('does not throw on deeply nested JSON', () => {
    const depth = 200_000;
    const result = decodeRecord(utf8('['.repeat(depth) + ']'.repeat(depth)));
    expect(result.ok).toBe(false);
  });

  it.each([
    ['an array', '[1,2]', 'not a JSON object (got an array)'],
    ['null', 'null', 'not a JSON object (got null)'],
    ['a number', '42', 'not a JSON object (got 42)'],
    ['a string', '"event"', 'not a JSON object (got a string)'],
    ['a boolean', 'true', 'not a JSON object (got a boolean)'],
  ])('rejects %s', (_name, text, message) => {
    expect(messageOf(decodeRecord(utf8(text)))).toBe(message);
  });
});

describe('decodeRecord: field rules', () => {
  it.each<[string, EventFields, string]>([
    // id
    ['id missing', { id: undefined }, 'field "id": must be a string of 1-128 characters (missing)'],
    ['id a number', { id: 7 }, 'field "id": must be a string of 1-128 characters (got 7)'],
    ['id null', { id: null }, 'field "id": must be a string of 1-128 characters (got null)'],
    ['id empty', { id: '' }, 'field "id": must be a string of 1-128 characters (got an empty string)'],
    ['id 129 chars', { id: 'i'.repeat(129) }, 'field "id": must be a string of 1-128 characters (got 129 characters)'],
    ['id 129 emoji', { id: '😀'.repeat(129) }, 'field "id": must be a string of 1-128 characters (got more than 128 characters)'],
    [
      'id 100 emoji and 29 letters',
      { id: '😀'.repeat(100) + 'x'.repeat(29) },
      'field "id": must be a string of 1-128 characters (got 129 characters)',
    ],
    ['id huge', { id: 'i'.repeat(100_000) }, 'field "id": must be a string of 1-128 characters (got more than 128 characters)'],
    [
      'id unpaired surrogate',
      { id: 'ab\ud800' },
      'field "id": must be a string of 1-128 characters (got an unpaired surrogate at character 3)',
    ],
    [
      'id lone low surrogate',
      { id: '\udc00x' },
      'field "id": must be a string of 1-128 characters (got an unpaired surrogate at character 1)',
    ],
    // type
    ['type missing', { type: undefined }, 'field "type": must be 1-64 characters of A-Z a-z 0-9 _ . : - (missing)'],
    ['type an array', { type: ['a'] }, 'field "type": must be 1-64 characters of A-Z a-z 0-9 _ . : - (got an array)'],
    ['type empty', { type: '' }, 'field "type": must be 1-64 characters of A-Z a-z 0-9 _ . : - (got an empty string)'],
    ['type 65 chars', { type: 't'.repeat(65) }, 'field "type": must be 1-64 characters of A-Z a-z 0-9 _ . : - (got 65 characters)'],
    ['type with a space', { type: 'page view' }, 'field "type": must be 1-64 characters of A-Z a-z 0-9 _ . : - (got "page view")'],
    ['type with #', { type: 'a#b' }, 'field "type": must be 1-64 characters of A-Z a-z 0-9 _ . : - (got "a#b")'],
    ['type with a newline', { type: 'a\nb' }, 'field "type": must be 1-64 characters of A-Z a-z 0-9 _ . : - (got "a\\nb")'],
    ['type non-ASCII', { type: 'café' }, 'field "type": must be 1-64 characters of A-Z a-z 0-9 _ . : - (got "café")'],
    // key
    ['key missing', { key: undefined }, 'field "key": must be a string of 1-512 characters with no control characters (missing)'],
    ['key an object', { key: {} }, 'field "key": must be a string of 1-512 characters with no control characters (got an object)'],
    ['key empty', { key: '' }, 'field "key": must be a string of 1-512 characters with no control characters (got an empty string)'],
    [
      'key 513 chars',
      { key: 'k'.repeat(513) },
      'field "key": must be a string of 1-512 characters with no control characters (got 513 characters)',
    ],
    [
      'key NUL',
      { key: 'a\u0000' },
      'field "key": must be a string of 1-512 characters with no control characters (got a control character at character 2)',
    ],
    [
      'key tab',
      { key: '\tx' },
      'field "key": must be a string of 1-512 characters with no control characters (got a control character at character 1)',
    ],
    [
      'key U+001F',
      { key: 'x\u001f' },
      'field "key": must be a string of 1-512 characters with no control characters (got a control character at character 2)',
    ],
    [
      'key DEL',
      { key: '😀\u007f' },
      'field "key": must be a string of 1-512 characters with no control characters (got a control character at character 2)',
    ],
    [
      'key U+009F',
      { key: '\u009f' },
      'field "key": must be a string of 1-512 characters with no control characters (got a control character at character 1)',
    ],
    [
      'key unpaired surrogate',
      { key: '\ud83d' },
      'field "key": must be a string of 1-512 characters with no control characters (got an unpaired surrogate at character 1)',
    ],
    // ts
    ['ts missing', { ts: undefined }, 'field "ts": must be an ISO-8601 string with a zone or epoch milliseconds (missing)'],
    ['ts a boolean', { ts: true }, 'field "ts": must be an ISO-8601 string with a zone or epoch milliseconds (got a boolean)'],
    ['ts date only', { ts: '2026-11-26' }, 'field "ts": must be an ISO-8601 string with a zone or epoch milliseconds (got "2026-11-26")'],
    [
      'ts without zone',
      { ts: '2026-11-26T12:34:56' },
      'field "ts": must be an ISO-8601 string with a zone or epoch milliseconds (got "2026-11-26T12:34:56")',
    ],
    [
      'ts too long',
      { ts: '2026-11-26T12:34:56Z'.padEnd(100, ' ') },
      'field "ts": must be an ISO-8601 string with a zone or epoch milliseconds (got a string of 100 characters)',
    ],
    ['ts non-integer', { ts: 1.5 }, 'field "ts": epoch milliseconds must be a whole number (got 1.5)'],
    ['ts beyond the Date range', { ts: 8.64e15 + 1 }, 'field "ts": epoch milliseconds must be within ±8.64e15 (got 8640000000000001)'],
    ['ts far beyond', { ts: -1e300 }, 'field "ts": epoch milliseconds must be within ±8.64e15 (got -1e+300)'],
    ['ts February 30', { ts: '2026-02-30T00:00:00Z' }, 'field "ts": must be a real date and time (got "2026-02-30T00:00:00Z")'],
    [
      'ts February 29 of a common year',
      { ts: '2100-02-29T00:00:00Z' },
      'field "ts": must be a real date and time (got "2100-02-29T00:00:00Z")',
    ],
    ['ts April 31', { ts: '2026-04-31T00:00:00Z' }, 'field "ts": must be a real date and time (got "2026-04-31T00:00:00Z")'],
    // value
    ['value a string', { value: '1' }, 'field "value": must be a number, |value| < 1e18 with at most 9 decimal places (got a string)'],
    ['value null', { value: null }, 'field "value": must be a number, |value| < 1e18 with at most 9 decimal places (got null)'],
    [
      'value 1e18',
      { value: 1e18 },
      'field "value": must be a number, |value| < 1e18 with at most 9 decimal places (got 1000000000000000000)',
    ],
    ['value 10 decimals', { value: 1e-10 }, 'field "value": must be a number, |value| < 1e18 with at most 9 decimal places (got 1e-10)'],
    [
      'value 0.1+0.2',
      { value: 0.1 + 0.2 },
      'field "value": must be a number, |value| < 1e18 with at most 9 decimal places (got 0.30000000000000004)',
    ],
    // attrs
    ['attrs null', { attrs: null }, 'field "attrs": must be a JSON object when present (got null)'],
    ['attrs an array', { attrs: [] }, 'field "attrs": must be a JSON object when present (got an array)'],
    ['attrs a string', { attrs: 'x' }, 'field "attrs": must be a JSON object when present (got a string)'],
  ])('rejects %s', (_name, overrides, message) => {
    expect(rejectionOf(overrides)).toBe(message);
  });

  it.each([
    '2026-11-26 12:34:56Z',
    '2026-11-26t12:34:56z',
    '2026-11-26T12:34:56+0100',
    '2026-11-26T12:34:56+01',
    '2026-11-26T24:00:00Z',
    '2026-11-26T12:60:00Z',
    '2026-11-26T12:34:60Z',
    '2026-13-01T00:00:00Z',
    '2026-00-01T00:00:00Z',
    '2026-11-00T00:00:00Z',
    '2026-11-32T00:00:00Z',
    '2026-11-26T12:34:56.Z',
    '2026-11-26T12:34:56.1234567890Z',
    '2026-11-26T12:34:56+24:00',
    '+002026-11-26T12:34:56Z',
    '26-11-26T12:34:56Z',
    '2026-11-26T12Z',
    '2026-W48-4T12:34:56Z',
    'Thu, 26 Nov 2026 12:34:56 GMT',
    '1795696496789',
    '２０２６-11-26T12:34:56Z',
  ])('rejects ts %j', (ts) => {
    expect(rejectionOf({ ts })).toMatch(/^field "ts": /);
  });

  it('reports the first bad field in the order id, type, key, ts, value, attrs', () => {
    expect(rejectionOf({ key: '', ts: 'x', value: 'x' })).toMatch(/^field "key"/);
    expect(rejectionOf({ value: 'x', attrs: 1 })).toMatch(/^field "value"/);
  });
});
