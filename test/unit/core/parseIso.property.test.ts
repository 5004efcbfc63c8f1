import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIsoFast, parseIsoStrict } from '../../../core';
import { validIsoTs } from './arbitraries';

const RUNS = 10_000;

/** Characters an ISO timestamp is made of, and a few it must not contain. */
const isoChar = fc.constantFrom(...'0123456789-:T.Z+ tz/'.split(''), '\u0660', '\uff10');

/** A valid ISO string with 1-3 characters replaced, deleted or inserted. */
const nearValidIso = fc
  .tuple(
    validIsoTs.map(({ ts }) => ts),
    fc.array(fc.tuple(fc.constantFrom('replace', 'delete', 'insert'), fc.nat(), isoChar), { minLength: 1, maxLength: 3 }),
  )
  .map(([ts, edits]) => {
    let text = ts;
    for (const [edit, at, char] of edits) {
      const i = at % (text.length + 1);
      if (edit === 'replace') text = text.slice(0, i) + char + text.slice(i + 1);
      else if (edit === 'delete') text = text.slice(0, i) + text.slice(i + 1);
      else text = text.slice(0, i) + char + text.slice(i);
    }
    return text;
  });

const two = (n: number) => String(n).padStart(2, '0');

/** Every field in or just outside its range: month 0-13, day 0-32, hour 0-25, minute and second 0-61, offsets likewise. */
const fieldEdges = fc
  .record({
    year: fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(0, 1, 99, 100, 400, 1600, 1900, 2000, 2100, 2400, 9999)),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 25 }),
    minute: fc.integer({ min: 0, max: 61 }),
    second: fc.option(fc.integer({ min: 0, max: 61 }), { nil: undefined }),
    fraction: fc.option(fc.string({ unit: fc.constantFrom(...'0123456789'.split('')), minLength: 0, maxLength: 11 }), { nil: undefined }),
    zone: fc.oneof(
      fc.constantFrom('Z', '', 'z', '+00:00', '-00:00', '+0000', '+00'),
      fc
        .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }))
        .map(([sign, h, m]) => `${sign}${two(h)}:${two(m)}`),
    ),
  })
  .map(({ year, month, day, hour, minute, second, fraction, zone }) => {
    const seconds = second === undefined ? '' : `:${two(second)}${fraction === undefined ? '' : `.${fraction}`}`;
    return `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}${seconds}${zone}`;
  });

describe('parseIsoFast agrees with the strict path (regex, day check, Date.parse)', () => {
  it('on valid ISO strings, at every precision and offset', () => {
    fc.assert(
      fc.property(validIsoTs, ({ ts, tsMs }) => {
        expect(parseIsoFast(ts)).toBe(tsMs);
        expect(parseIsoStrict(ts)).toBe(tsMs);
      }),
      { numRuns: RUNS },
    );
  });

  it('on valid ISO strings with characters replaced, deleted or inserted', () => {
    fc.assert(
      fc.property(nearValidIso, (ts) => {
        expect(Object.is(parseIsoFast(ts), parseIsoStrict(ts)), JSON.stringify(ts)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('on fields in and just outside their ranges (impossible days, 24:00, minute 60, long fractions)', () => {
    fc.assert(
      fc.property(fieldEdges, (ts) => {
        expect(Object.is(parseIsoFast(ts), parseIsoStrict(ts)), JSON.stringify(ts)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: isoChar, maxLength: 40 })), (ts) => {
        expect(Object.is(parseIsoFast(ts), parseIsoStrict(ts)), JSON.stringify(ts)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it.each([
    '2024-02-29T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2000-02-29T23:59:59.999999999+23:59',
    '0000-01-01T00:00-23:59',
    '0000-02-29T00:00:00Z',
    '9999-12-31T23:59:59.999-23:59',
    '1970-01-01T00:00:00-00:00',
    '1969-12-31T23:59:59.999Z',
    '2026-11-26T12:34:56.Z',
    '2026-11-26T12:34:56.1234567890Z',
    '2026-11-26T12:34.5Z',
    '2026-11-26T24:00:00Z',
    '2026-11-26T12:34:56+24:00',
    '2026-11-26T12:34:56Z ',
  ])('on %s', (ts) => {
    expect(Object.is(parseIsoFast(ts), parseIsoStrict(ts))).toBe(true);
  });
});
