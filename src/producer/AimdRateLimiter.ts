/** Settings of {@link AimdRateLimiter}. */
export interface AimdSettings {
  /** Starting rate in records per second; `undefined` sends unlimited until the first throttle. */
  readonly initialRate?: number;
  /** The rate never drops below this. */
  readonly minRate: number;
  /** Multiplicative decrease: the new rate is this fraction of what the stream accepted over the last second. @default 0.9 */
  readonly decreaseFactor?: number;
  /** Additive increase per second, as a fraction of the current rate. @default 0.05 */
  readonly increaseFraction?: number;
  /** The token bucket holds this many milliseconds of the rate (at least one record). @default 100 */
  readonly burstMs?: number;
  /**
   * After a decrease, further throttles are ignored for this long: Kinesis
   * counts throughput per second, so one overload throttles every request until
   * the second is over, whatever the rate is now. @default 1000
   */
  readonly cooldownMs?: number;
  /** With no throttle for this long the limit is lifted (the stream may have been resharded). @default 30_000 */
  readonly liftAfterMs?: number;
}

/** Kinesis accounts throughput per shard and second. */
const WINDOW_MS = 1_000;

/**
 * A token bucket whose rate follows AIMD, the way TCP finds a path's capacity.
 *
 * - **Multiplicative decrease.** A throttle (a throttled record or request)
 *   cuts the rate to `decreaseFactor` × what the stream accepted over the last
 *   second, or × the rate being sent if that is lower. Kinesis counts per
 *   second, so when saturated the accepted rate *is* the capacity: from an
 *   unlimited start the first throttle lands just under it in one step. At most
 *   one cut per `cooldownMs`, because one overload throttles every request
 *   until its second is over, whatever the rate has become.
 * - **Additive increase.** While demand exceeds the rate (records held back by
 *   the bucket), every accepted answer adds `increaseFraction` of the rate per
 *   second: it probes past the capacity slowly, so the next throttle is small.
 * - **Slow start** back up to half the rate sent before a cut, doubling per
 *   accepted answer, so that a spurious throttle (everything refused for a
 *   moment, nothing accepted) does not leave the producer crawling.
 * - The limit is lifted after `liftAfterMs` without a throttle.
 *
 * The producer so hovers just under what the stream accepts, with few
 * throttled records and no retry storm. Pure: time is passed in.
 *
 * Kinesis limits each shard separately; this limits the producer as a whole,
 * so a hot shard slows every shard's records.
 */
export class AimdRateLimiter {
  private rate: number | undefined;
  private tokens: number;
  private refilledAt = 0;
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;
  /** The first request, or the last decrease: when the current limit was last confirmed. */
  private limitConfirmedAt: number | undefined;
  private lastIncreaseAt = Number.NEGATIVE_INFINITY;
  /** Below this the rate doubles per accepted answer (slow start); above it, it grows linearly. */
  private slowStartUntil = 0;
  private constrained = false;
  private readonly dispatched: { at: number; records: number }[] = [];
  private readonly accepted: { at: number; records: number }[] = [];
  private readonly decreaseFactor: number;
  private readonly increaseFraction: number;
  private readonly burstMs: number;
  private readonly cooldownMs: number;
  private readonly liftAfterMs: number;

  constructor(private readonly settings: AimdSettings) {
    this.rate = settings.initialRate;
    this.decreaseFactor = settings.decreaseFactor ?? 0.9;
    this.increaseFraction = settings.increaseFraction ?? 0.05;
    this.burstMs = settings.burstMs ?? 100;
    this.cooldownMs = settings.cooldownMs ?? 1_000;
    this.liftAfterMs = settings.liftAfterMs ?? 30_000;
    this.tokens = this.capacity();
  }

  /** The current rate in records per second; `undefined` while unlimited. */
  get recordsPerSecond(): number | undefined {
    return this.rate;
  }

  /** The most tokens the bucket holds: the largest batch the rate allows at once. */
  capacity(): number {
    return this.rate === undefined ? Number.POSITIVE_INFINITY : Math.max(1, (this.rate * this.burstMs) / 1000);
  }

  /** Records that may be sent now. */
  available(now: number): number {
    this.refill(now);
    return this.rate === undefined ? Number.POSITIVE_INFINITY : this.tokens;
  }

  /** Milliseconds until `records` tokens are there (`records` is capped at the capacity). */
  delayFor(records: number, now: number): number {
    this.refill(now);
    if (this.rate === undefined) return 0;
    const missing = Math.min(records, this.capacity()) - this.tokens;
    return missing <= 0 ? 0 : Math.ceil((missing * 1000) / this.rate);
  }

  /** Spends tokens for a request about to be sent. */
  take(records: number, now: number): void {
    this.refill(now);
    if (this.rate !== undefined) this.tokens = Math.max(0, this.tokens - records);
    this.limitConfirmedAt ??= now;
    push(this.dispatched, now, records);
  }

  /** Records were ready but the bucket held them back: demand exceeds the rate. */
  noteConstrained(): void {
    this.constrained = true;
  }

  /**
   * The answer to a request: how many of its records the stream accepted and
   * whether any were throttled (or the whole request was).
   */
  onAnswer(now: number, acceptedRecords: number, throttled: boolean): void {
    if (acceptedRecords > 0) push(this.accepted, now, acceptedRecords);
    if (throttled) this.decrease(now);
    else this.increase(now);
  }

  private decrease(now: number): void {
    if (now < this.lastDecreaseAt + this.cooldownMs) return;
    this.refill(now);
    const sending = this.rate ?? perSecond(this.dispatched, now);
    const acceptedPerSecond = perSecond(this.accepted, now);
    this.rate = Math.max(this.settings.minRate, this.decreaseFactor * Math.min(sending, acceptedPerSecond));
    this.slowStartUntil = Math.max(this.rate, sending / 2);
    this.tokens = Math.min(this.tokens, this.capacity());
    this.lastDecreaseAt = now;
    this.limitConfirmedAt = now;
    this.lastIncreaseAt = now;
    this.constrained = false;
  }

  private increase(now: number): void {
    if (this.rate === undefined || now < this.lastDecreaseAt + this.cooldownMs) return;
    if (now >= (this.limitConfirmedAt ?? now) + this.liftAfterMs) {
      this.rate = undefined;
      return;
    }
    const elapsedMs = Math.min(WINDOW_MS, Math.max(0, now - this.lastIncreaseAt));
    this.lastIncreaseAt = now;
    if (!this.constrained) return; // demand below the rate: nothing learnt about capacity
    this.constrained = false;
    this.refill(now);
    if (this.rate < this.slowStartUntil) this.rate = Math.min(this.slowStartUntil, this.rate * 2);
    else this.rate += (Math.max(this.settings.minRate, this.increaseFraction * this.rate) * elapsedMs) / 1000;
  }

  private refill(now: number): void {
    const elapsedMs = Math.max(0, now - this.refilledAt);
    this.refilledAt = now;
    if (this.rate !== undefined) this.tokens = Math.min(this.capacity(), this.tokens + (elapsedMs * this.rate) / 1000);
  }
}

function push(window: { at: number; records: number }[], now: number, records: number): void {
  window.push({ at: now, records });
  prune(window, now);
}

function prune(window: { at: number; records: number }[], now: number): void {
  let drop = 0;
  while (drop < window.length && window[drop]!.at <= now - WINDOW_MS) drop++;
  if (drop > 0) window.splice(0, drop);
}

/** Records per second over the last second. */
function perSecond(window: { at: number; records: number }[], now: number): number {
  prune(window, now);
  let records = 0;
  for (const entry of window) records += entry.records;
  return (records * 1000) / WINDOW_MS;
}
