import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  GranularityConfigError,
  formatDuration,
  parseDuration,
  tryParseDuration,
  DEFAULT_GRANULARITIES_SPEC,
  parseGranularities,
  windowStartMs,
} from '../../../core';

const DAY = 86_400_000;

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['90d', 90 * DAY],
    ['0s', 0],
  ])('parses %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'd', '5', '1.5h', '-1h', '1w', '1 h', ' 1h', '1H', '1ms', '99999999999999999d', '1e3s'])(
    'rejects %j with a ConfigError',
    (text) => {
      expect(tryParseDuration(text)).toBeUndefined();
      expect(() => parseDuration(text)).toThrow(ConfigError);
      expect(() => parseDuration(text)).toThrow(`duration ${JSON.stringify(text)} must be a whole number`);
    },
  );
});

describe('formatDuration', () => {
  it.each([
    [3_600_000, '1h'],
    [300_000, '5m'],
    [90_000, '90s'],
    [2 * DAY, '2d'],
    [1_500, '1500ms'],
    [0, '0ms'],
  ])('formats %s as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('parseGranularities', () => {
  it('parses the default', () => {
    expect(parseGranularities(DEFAULT_GRANULARITIES_SPEC)).toEqual([
      { label: '1m', sizeMs: 60_000, ttlMs: 7 * DAY },
      { label: '1h', sizeMs: 3_600_000, ttlMs: 90 * DAY },
      { label: '1d', sizeMs: DAY, ttlMs: 1100 * DAY },
    ]);
  });

  it('sorts by window size and tolerates spaces', () => {
    const result = parseGranularities(' 1d:30d , 15m:1d,30s:1h ');
    expect(result.map((g) => g.label)).toEqual(['30s', '15m', '1d']);
  });

  it('accepts a ttl equal to the window size', () => {
    expect(parseGranularities('1d:1d')).toEqual([{ label: '1d', sizeMs: DAY, ttlMs: DAY }]);
  });

  it.each([
    ['', 'no granularity given'],
    ['   ', 'no granularity given'],
    ['1m', '"1m" must be label:ttl'],
    ['1m:7d,', '"" must be label:ttl'],
    ['1x:7d', 'label "1x" must be a duration'],
    ['1m:forever', 'ttl "forever" of "1m" must be a duration'],
    ['0s:1d', 'window "0s" must be at least 1s'],
    ['7m:7d', 'window "7m" must divide a day exactly'],
    ['2d:10d', 'window "2d" must divide a day exactly'],
    ['1h:30m', 'ttl "30m" of "1h" must be at least the window size'],
    ['1m:7d,1m:8d', 'label "1m" appears twice'],
    ['1m:7d,60s:7d', '"1m" and "60s" are the same window size'],
  ])('rejects %j: %s', (spec, message) => {
    // Act
    let error: unknown;
    try {
      parseGranularities(spec);
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(GranularityConfigError);
    expect(error).toBeInstanceOf(ConfigError);
    const { name, message: text, spec: rejected } = error as GranularityConfigError;
    expect(name).toBe('GranularityConfigError');
    expect(text).toContain(message);
    expect(text.startsWith(`granularities ${JSON.stringify(spec)}: `)).toBe(true);
    expect(text).not.toContain('\n');
    expect(rejected).toBe(spec);
  });
});

describe('windowStartMs', () => {
  it('floors to the window', () => {
    expect(windowStartMs(90_000, 60_000)).toBe(60_000);
    expect(windowStartMs(60_000, 60_000)).toBe(60_000);
    expect(windowStartMs(119_999, 60_000)).toBe(60_000);
    expect(windowStartMs(Date.parse('2026-11-26T12:34:56.789Z'), 3_600_000)).toBe(Date.parse('2026-11-26T12:00:00Z'));
  });

  it('floors negative (pre-1970) times down, not towards zero', () => {
    expect(windowStartMs(-1, 60_000)).toBe(-60_000);
    expect(windowStartMs(-60_000, 60_000)).toBe(-60_000);
    expect(windowStartMs(-60_001, 60_000)).toBe(-120_000);
    expect(windowStartMs(Date.parse('1969-07-20T20:17:40Z'), DAY)).toBe(Date.parse('1969-07-20T00:00:00Z'));
  });

  it('never returns -0', () => {
    expect(Object.is(windowStartMs(-0, 60_000), 0)).toBe(true);
    expect(Object.is(windowStartMs(0, 60_000), 0)).toBe(true);
  });

  it('is exact at the edges of the Date range', () => {
    const max = 8.64e15;
    expect(windowStartMs(max, DAY)).toBe(max);
    expect(windowStartMs(max - 1, DAY)).toBe(max - DAY);
    expect(windowStartMs(-max, DAY)).toBe(-max);
    expect(windowStartMs(-max + 1, 60_000)).toBe(-max);
  });
});
