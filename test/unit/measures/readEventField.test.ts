import { describe, expect, it } from 'vitest';
import { dimensionCandidate, fieldValueText, readEventField, utcDay } from '../../../core';
import { streamEvent } from '../core/factories';

describe('readEventField', () => {
  const event = streamEvent({ key: '/a', attrs: { user: 'u1', geo: { country: 'DE', n: 3 }, list: [1] } });

  it('reads key and nested attrs paths', () => {
    expect(readEventField(event, 'key')).toBe('/a');
    expect(readEventField(event, 'attrs.user')).toBe('u1');
    expect(readEventField(event, 'attrs.geo.country')).toBe('DE');
    expect(readEventField(event, 'attrs.geo')).toEqual({ country: 'DE', n: 3 });
  });

  it('is undefined for missing paths, paths through non-objects and inherited properties', () => {
    expect(readEventField(event, 'attrs.nope')).toBeUndefined();
    expect(readEventField(event, 'attrs.user.x')).toBeUndefined();
    expect(readEventField(event, 'attrs.list.0')).toBeUndefined();
    expect(readEventField(event, 'attrs.toString')).toBeUndefined();
    expect(readEventField(event, 'attrs.geo.__proto__')).toBeUndefined();
    expect(readEventField(event, 'value')).toBeUndefined();
    expect(readEventField(streamEvent(), 'attrs.user')).toBeUndefined();
  });
});

describe('dimension values', () => {
  it('keys strings, numbers and booleans by their text, and nothing else', () => {
    expect(fieldValueText('x')).toBe('x');
    expect(fieldValueText(1.5)).toBe('1.5');
    expect(fieldValueText(false)).toBe('false');
    expect(fieldValueText(true)).toBe('true');
    expect(fieldValueText(Number.NaN)).toBeUndefined();
    expect(fieldValueText(null)).toBeUndefined();
    expect(fieldValueText({})).toBeUndefined();
    expect(fieldValueText([])).toBeUndefined();
  });

  it('sends a value that is not a valid key to (missing)', () => {
    expect(dimensionCandidate(streamEvent({ attrs: { c: 'DE' } }), 'attrs.c')).toBe('DE');
    expect(dimensionCandidate(streamEvent({ attrs: { c: 7 } }), 'attrs.c')).toBe('7');
    expect(dimensionCandidate(streamEvent({ attrs: { c: '' } }), 'attrs.c')).toBeUndefined();
    expect(dimensionCandidate(streamEvent({ attrs: { c: 'a\u0001' } }), 'attrs.c')).toBeUndefined();
    expect(dimensionCandidate(streamEvent({ attrs: { c: 'x'.repeat(513) } }), 'attrs.c')).toBeUndefined();
    expect(dimensionCandidate(streamEvent({ attrs: { c: null } }), 'attrs.c')).toBeUndefined();
  });

  it('days are UTC days of event time', () => {
    expect(utcDay(Date.parse('2026-12-03T23:59:59.999Z'))).toBe('2026-12-03');
    expect(utcDay(Date.parse('2026-12-04T00:30:00+01:00'))).toBe('2026-12-03');
  });
});
