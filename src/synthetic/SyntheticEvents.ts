import type { ProducerEvent } from '../producer/types';
import { seededRandom } from './seededRandom';
import { ZipfSampler } from './ZipfSampler';

/** What a synthetic item is meant to become at the consumer. */
export const SyntheticTag = {
  /** Valid and on time: aggregated. */
  valid: 'valid',
  /** An earlier event sent again with the same `id` (a producer retry): dropped by the consumer. */
  duplicate: 'duplicate',
  /** Valid, but far older than the watermark allows: quarantined as `late`. */
  late: 'late',
  /** Valid, but beyond the allowed clock skew ahead: quarantined as `future`. */
  future: 'future',
  /** Not a valid event at all: quarantined as `invalid`. */
  malformed: 'malformed',
} as const;
export type SyntheticTag = (typeof SyntheticTag)[keyof typeof SyntheticTag];

/** One generated item: an event to send, or raw bytes that must bypass validation. */
export type SyntheticItem =
  | { readonly kind: 'event'; readonly tag: Exclude<SyntheticTag, 'malformed'>; readonly event: ProducerEvent }
  | {
      readonly kind: 'malformed';
      readonly tag: 'malformed';
      readonly data: Uint8Array;
      readonly partitionKey: string;
      readonly problem: string;
    };

/** Options of {@link SyntheticEvents}; the rates are fractions of all items. */
export interface SyntheticOptions {
  /** Seeds the generator: the same seed, run id and clock give the same items. @default 1 */
  readonly seed?: number;
  /** Prefix of every `id`, so that two runs never share ids. @default the start time in base 36 */
  readonly runId?: string;
  /** Distinct keys, drawn Zipf-distributed (`key-1` is the hottest). @default 1000 */
  readonly keys?: number;
  /** Skew of the key distribution. @default 1 */
  readonly zipfExponent?: number;
  /** Event types, drawn uniformly. @default ['page_view', 'search', 'click', 'sensor.temp'] */
  readonly types?: readonly string[];
  /** @default 0 */
  readonly duplicateRate?: number;
  /** @default 0 */
  readonly malformedRate?: number;
  /** @default 0 */
  readonly lateRate?: number;
  /** @default 0 */
  readonly futureRate?: number;
  /** The consumer's allowed lateness: late events are older than this (plus a margin). @default 3_600_000 */
  readonly allowedLatenessMs?: number;
  /** The consumer's allowed clock skew: future events are ahead by more (plus a margin). @default 300_000 */
  readonly maxClockSkewMs?: number;
}

/** The mix the demo sends: mostly valid events, and a little of everything the consumer must handle. */
export const DEMO_MIX = { duplicateRate: 0.02, malformedRate: 0.005, lateRate: 0.005, futureRate: 0.005 } as const;

export const DEFAULT_SYNTHETIC_TYPES = ['page_view', 'search', 'click', 'sensor.temp'] as const;

/** How far valid events' times trail "now", so that they arrive slightly out of order, as real ones do. */
const DISORDER_MS = 2_000;
/** Distinct users `attrs.user` is drawn from (Zipf: a few regulars and a long tail). */
const USERS = 5_000;
/** `attrs.country` values, most frequent first (drawn Zipf with a steeper skew than users). */
const COUNTRIES = ['US', 'DE', 'GB', 'FR', 'IN', 'BR', 'JP', 'CA', 'ES', 'IT', 'NL', 'SE'] as const;
/** Salts the seed of the second generator, which draws only the measured attributes. */
const MEASURE_SEED_SALT = 0x5eed;
/** Margin beyond the consumer's bounds, so that late and future events are clearly so. */
const MARGIN_MS = 60_000;
/** How many recent events a duplicate may repeat. */
const HISTORY = 1_000;

/**
 * Generates synthetic events: Zipf-distributed keys, several types, ISO and
 * epoch-millisecond times, and at the given rates producer duplicates,
 * malformed records, late and future events. Deterministic for a seed, a run
 * id and the times passed to {@link next}.
 *
 * Every event carries `attrs.user` and `attrs.country`, and a `page_view` a
 * latency in ms as `value`: what the demo's declared measures count
 * (config/demo.json). They come from a second generator, so that the types,
 * keys, ids and times drawn for a seed are the same with or without them.
 *
 * A `late` event is late only once its shard has a watermark (a newer event
 * seen first); the very first events of a shard cannot be late.
 */
export class SyntheticEvents {
  /** Items generated so far, by tag. */
  readonly counts: Record<SyntheticTag, number> = { valid: 0, duplicate: 0, late: 0, future: 0, malformed: 0 };
  private readonly random: () => number;
  private readonly zipf: ZipfSampler;
  private readonly measureRandom: () => number;
  private readonly users = new ZipfSampler(USERS, 1);
  private readonly countries = new ZipfSampler(COUNTRIES.length, 1.2);
  private readonly types: readonly string[];
  private readonly runId: string;
  private readonly rates: { duplicate: number; malformed: number; late: number; future: number };
  private readonly allowedLatenessMs: number;
  private readonly maxClockSkewMs: number;
  private readonly history: ProducerEvent[] = [];
  private sequence = 0;

  constructor(options: SyntheticOptions = {}) {
    this.random = seededRandom(options.seed ?? 1);
    this.measureRandom = seededRandom((options.seed ?? 1) ^ MEASURE_SEED_SALT);
    this.zipf = new ZipfSampler(options.keys ?? 1000, options.zipfExponent ?? 1);
    this.types = options.types && options.types.length > 0 ? options.types : DEFAULT_SYNTHETIC_TYPES;
    this.runId = options.runId ?? Date.now().toString(36);
    this.rates = {
      duplicate: rate('duplicateRate', options.duplicateRate),
      malformed: rate('malformedRate', options.malformedRate),
      late: rate('lateRate', options.lateRate),
      future: rate('futureRate', options.futureRate),
    };
    const total = this.rates.duplicate + this.rates.malformed + this.rates.late + this.rates.future;
    if (total > 1) throw new RangeError(`SyntheticEvents: the rates add up to ${total}, more than 1`);
    this.allowedLatenessMs = options.allowedLatenessMs ?? 3_600_000;
    this.maxClockSkewMs = options.maxClockSkewMs ?? 300_000;
  }

  /** The next item, with event times relative to `nowMs`. */
  next(nowMs: number): SyntheticItem {
    let u = this.random();
    if ((u -= this.rates.malformed) < 0) return this.count(this.malformed(nowMs));
    if ((u -= this.rates.duplicate) < 0 && this.history.length > 0) {
      const event = this.history[Math.floor(this.random() * this.history.length)]!;
      return this.count({ kind: 'event', tag: SyntheticTag.duplicate, event });
    }
    if ((u -= this.rates.late) < 0) {
      const ts = nowMs - this.allowedLatenessMs - MARGIN_MS - Math.floor(this.random() * this.allowedLatenessMs);
      return this.count({ kind: 'event', tag: SyntheticTag.late, event: this.event(ts) });
    }
    if ((u -= this.rates.future) < 0) {
      const ts = nowMs + this.maxClockSkewMs + MARGIN_MS + Math.floor(this.random() * this.maxClockSkewMs);
      return this.count({ kind: 'event', tag: SyntheticTag.future, event: this.event(ts) });
    }
    const event = this.event(nowMs - Math.floor(this.random() * DISORDER_MS));
    if (this.history.length < HISTORY) this.history.push(event);
    else this.history[this.sequence % HISTORY] = event;
    return this.count({ kind: 'event', tag: SyntheticTag.valid, event });
  }

  private count(item: SyntheticItem): SyntheticItem {
    this.counts[item.tag] += 1;
    return item;
  }

  private event(tsMs: number): ProducerEvent {
    const type = this.types[Math.floor(this.random() * this.types.length)]!;
    const key = `key-${this.zipf.sample(this.random)}`;
    const id = `${this.runId}-${this.sequence++}`;
    // One in five times as epoch milliseconds: both forms of the contract.
    const ts = this.random() < 0.2 ? tsMs : new Date(tsMs).toISOString();
    const attrs = {
      user: `u${this.users.sample(this.measureRandom)}`,
      country: COUNTRIES[this.countries.sample(this.measureRandom) - 1]!,
    };
    if (type.startsWith('sensor')) {
      return { id, type, key, ts, value: Math.round((15 + this.random() * 15) * 100) / 100, attrs };
    }
    if (type === 'page_view') return { id, type, key, ts, value: lognormalLatencyMs(this.measureRandom), attrs };
    return { id, type, key, ts, attrs };
  }

  private malformed(nowMs: number): SyntheticItem {
    const valid = this.event(nowMs);
    const partitionKey = valid.key;
    const flavour = Math.floor(this.random() * 5);
    const bytes = (text: string, problem: string): SyntheticItem => ({
      kind: 'malformed',
      tag: SyntheticTag.malformed,
      data: Buffer.from(text, 'utf8'),
      partitionKey,
      problem,
    });
    switch (flavour) {
      case 0:
        return bytes(JSON.stringify(valid).slice(0, 20), 'truncated JSON');
      case 1: {
        const { key: _key, ...withoutKey } = valid;
        return bytes(JSON.stringify(withoutKey), 'no key');
      }
      case 2:
        return bytes(JSON.stringify({ ...valid, ts: 'yesterday' }), 'ts not a time');
      case 3:
        return bytes(JSON.stringify({ ...valid, value: String(valid.value ?? 1) }), 'value a string');
      default:
        return bytes(JSON.stringify([valid]), 'not an object');
    }
  }
}

/**
 * A page's latency in ms: lognormal, median 80 ms (p99 about 650 ms), rounded to
 * three decimals so that the consumer's sums stay exact decimals. Box-Muller from
 * two uniform draws (1 - u keeps the logarithm finite).
 */
function lognormalLatencyMs(random: () => number): number {
  const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.round(Math.exp(Math.log(80) + 0.9 * normal) * 1000) / 1000;
}

function rate(name: string, value: number | undefined): number {
  const result = value ?? 0;
  if (!(result >= 0 && result <= 1)) throw new RangeError(`SyntheticEvents: ${name} must be from 0 to 1, got ${value}`);
  return result;
}
