import { describe, expect, it } from 'vitest';
import { decodeRecord } from '../../../core';
import { SyntheticEvents, type SyntheticItem } from '../../../src/synthetic/SyntheticEvents';
import { runSynthetic } from '../../../src/synthetic/runSynthetic';
import { ZipfSampler } from '../../../src/synthetic/ZipfSampler';
import { seededRandom } from '../../../src/synthetic/seededRandom';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const MIX = { duplicateRate: 0.05, malformedRate: 0.05, lateRate: 0.05, futureRate: 0.05 };

function generate(count: number, options = {}): SyntheticItem[] {
  const events = new SyntheticEvents({ seed: 7, runId: 'run', ...options });
  return Array.from({ length: count }, (_, i) => events.next(NOW + i));
}

const bytesOf = (item: SyntheticItem) => (item.kind === 'event' ? Buffer.from(JSON.stringify(item.event)) : item.data);

describe('SyntheticEvents', () => {
  it('is deterministic for a seed and a run id', () => {
    expect(generate(200, MIX)).toEqual(generate(200, MIX));
  });

  it('makes events the consumer accepts, and malformed records it rejects', () => {
    for (const item of generate(2_000, MIX)) {
      expect(decodeRecord(bytesOf(item)).ok).toBe(item.kind === 'event');
    }
  });

  it('mixes duplicates, malformed, late and future items at about the rates asked', () => {
    const events = new SyntheticEvents({ seed: 3, runId: 'r', ...MIX });
    for (let i = 0; i < 20_000; i++) events.next(NOW);
    for (const tag of ['duplicate', 'malformed', 'late', 'future'] as const) {
      expect(events.counts[tag] / 20_000).toBeGreaterThan(0.04);
      expect(events.counts[tag] / 20_000).toBeLessThan(0.06);
    }
  });

  it('repeats an earlier event exactly for a duplicate, and never repeats an id otherwise', () => {
    const items = generate(5_000, MIX).filter((item): item is Extract<SyntheticItem, { kind: 'event' }> => item.kind === 'event');
    const firsts = new Map<string, string>();
    for (const item of items) {
      const json = JSON.stringify(item.event);
      if (item.tag === 'duplicate') expect(firsts.get(item.event.id)).toBe(json);
      else {
        expect(firsts.has(item.event.id)).toBe(false);
        firsts.set(item.event.id, json);
      }
    }
  });

  it('puts late events beyond the allowed lateness and future ones beyond the clock skew', () => {
    for (const item of generate(5_000, { ...MIX, allowedLatenessMs: 3_600_000, maxClockSkewMs: 300_000 })) {
      if (item.kind !== 'event') continue;
      const ts = typeof item.event.ts === 'number' ? item.event.ts : Date.parse(item.event.ts);
      if (item.tag === 'late') expect(ts).toBeLessThan(NOW - 3_600_000);
      if (item.tag === 'future') expect(ts).toBeGreaterThan(NOW + 5_000 + 300_000);
      if (item.tag === 'valid') expect(Math.abs(ts - NOW)).toBeLessThan(10_000);
    }
  });

  it('draws keys with a Zipf skew: the hottest key far more often than the median one', () => {
    const counts = new Map<string, number>();
    for (const item of generate(20_000, { keys: 100 }))
      if (item.kind === 'event') counts.set(item.event.key, (counts.get(item.event.key) ?? 0) + 1);
    expect(counts.get('key-1')! / counts.get('key-50')!).toBeGreaterThan(20);
  });

  it('keeps the types, keys, ids and times a seed gave before events carried measured attributes', () => {
    // Pinned from the generator without attrs: they come from a second generator and leave this sequence alone.
    const plain = generate(4).map((item) => {
      if (item.kind !== 'event') return item;
      const { attrs: _attrs, ...event } = item.event;
      return event.type === 'page_view' ? { ...event, value: undefined } : event;
    });
    expect(plain).toEqual([
      { id: 'run-0', type: 'sensor.temp', key: 'key-105', ts: '2026-11-26T11:59:59.877Z', value: 21.08 },
      { id: 'run-1', type: 'click', key: 'key-132', ts: '2026-11-26T11:59:59.522Z' },
      { id: 'run-2', type: 'click', key: 'key-2', ts: '2026-11-26T11:59:58.474Z' },
      { id: 'run-3', type: 'search', key: 'key-848', ts: '2026-11-26T11:59:58.934Z' },
    ]);
  });

  it('gives every event a user and a country, and a page_view a latency with at most three decimals', () => {
    const users = new Map<string, number>();
    const countries = new Map<string, number>();
    const latencies: number[] = [];
    for (const item of generate(20_000, MIX)) {
      if (item.kind !== 'event') continue;
      const attrs = item.event.attrs as { user: string; country: string };
      expect(attrs.user).toMatch(/^u\d{1,4}$/);
      expect(attrs.country).toMatch(/^[A-Z]{2}$/);
      users.set(attrs.user, (users.get(attrs.user) ?? 0) + 1);
      countries.set(attrs.country, (countries.get(attrs.country) ?? 0) + 1);
      if (item.event.type === 'page_view') {
        const value = item.event.value!;
        expect(value).toBeGreaterThan(0);
        expect(Math.round(value * 1000) / 1000).toBe(value);
        latencies.push(value);
      } else if (!item.event.type.startsWith('sensor')) expect(item.event.value).toBeUndefined();
    }
    // Users: thousands, skewed (u1 far more often than a median user); countries: a dozen, skewed.
    expect(users.size).toBeGreaterThan(2_000);
    expect(users.get('u1')!).toBeGreaterThan(500);
    expect(countries.size).toBe(12);
    expect(countries.get('US')! / countries.get('SE')!).toBeGreaterThan(10);
    // Lognormal around a median of 80 ms with a long tail.
    latencies.sort((a, b) => a - b);
    expect(latencies[Math.floor(latencies.length / 2)]).toBeGreaterThan(70);
    expect(latencies[Math.floor(latencies.length / 2)]).toBeLessThan(90);
    expect(latencies[Math.floor(latencies.length * 0.99)]).toBeGreaterThan(400);
  });

  it('draws the same attributes for a seed, and other ones for another seed', () => {
    const many = (seed: number) => {
      const events = new SyntheticEvents({ seed, runId: 'r' });
      return Array.from({ length: 50 }, () => events.next(NOW)).map((item) => (item.kind === 'event' ? item.event.attrs : undefined));
    };
    expect(many(5)).toEqual(many(5));
    expect(many(5)).not.toEqual(many(6));
  });

  it('refuses rates that add up to more than 1', () => {
    expect(() => new SyntheticEvents({ duplicateRate: 0.6, malformedRate: 0.6 })).toThrow(/add up to 1.2/);
  });
});

describe('ZipfSampler', () => {
  it('draws rank r with probability proportional to 1/r^s', () => {
    const sampler = new ZipfSampler(10, 1);
    const random = seededRandom(1);
    const counts = new Array<number>(11).fill(0);
    for (let i = 0; i < 100_000; i++) counts[sampler.sample(random)]! += 1;
    const harmonic = Array.from({ length: 10 }, (_, i) => 1 / (i + 1)).reduce((a, b) => a + b);
    expect(counts[1]! / 100_000).toBeCloseTo(1 / harmonic, 2);
    expect(counts[10]! / 100_000).toBeCloseTo(0.1 / harmonic, 2);
  });
});

describe('runSynthetic', () => {
  it('sends at the rate for the duration, malformed records through the raw path', async () => {
    // Prepare: a clock that advances 1 ms per call
    let clock = 0;
    const sent: string[] = [];
    const sink = {
      send: async () => void sent.push('event'),
      sendRawUnvalidated: async () => void sent.push('raw'),
    };
    const events = new SyntheticEvents({ seed: 1, runId: 'r', malformedRate: 0.2 });

    // Act
    const result = await runSynthetic({ events, sink, ratePerSecond: 10_000, durationMs: 50, now: () => clock++ });

    // Assess
    expect(result.items).toBe(sent.length);
    expect(result.items).toBeGreaterThan(0);
    expect(result.items).toBeLessThanOrEqual(500);
    expect(sent.filter((kind) => kind === 'raw')).toHaveLength(events.counts.malformed);
  });

  it('stops when its signal aborts', async () => {
    const abort = new AbortController();
    const events = new SyntheticEvents({ runId: 'r' });
    let items = 0;
    const sink = {
      send: async () => {
        if (++items === 5) abort.abort();
      },
      sendRawUnvalidated: async () => undefined,
    };
    const result = await runSynthetic({ events, sink, ratePerSecond: 1_000_000, durationMs: 60_000, signal: abort.signal });
    expect(result).toMatchObject({ items: 5, interrupted: true });
  });
});
