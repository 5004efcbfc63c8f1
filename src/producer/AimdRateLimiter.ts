/** Settings of {@link AimdRateLimiter}. */
export interface AimdSettings {
  /** Starting rate in records per second; `undefined` sends unlimited until the first throttle. */
  readonly initialRate?: number;
  /** The rate never drops below this. */
  readonly minRate: number;
  /** Multiplicative decrease: the new rate is this fraction of what the stream accepted over the last second. @default 0.9 */
  readonly decreaseFactor?: number;
  /** Additive increase per second, as a fraction of the rate being sent when the last decrease came. @default 0.1 */
  readonly increaseFraction?: number;
  /** The token bucket holds this many milliseconds of the rate (at least one record). @default 100 */
  readonly burstMs?: number;
  /**
   * After a decrease, further throttles are ignored for this long: Kinesis
   * counts throughput per second, so one overload throttles every request until
   * the second is over, whatever the rate is now. @default 1000
   */
  readonly cooldownMs?: number;
}

/** Kinesis accounts throughput per shard and second. */
const WINDOW_MS = 1_000;

/**
 * A token bucket whose rate follows AIMD. A throttle (a throttled record or
 * request) cuts the rate to `decreaseFactor` × the records the stream
 * accepted over the last second (also `decreaseFactor` × the rate being sent,
 * if lower), at most once per `cooldownMs`; every accepted request while
 * demand exceeded the rate adds back `increaseFraction` of the earlier rate
 * per second, probing for capacity again. The producer so hovers just under
 * what the stream accepts, with few throttled records and no retry storm.
 * Cutting to the measured accepted rate rather than halving the current one
 * finds the capacity in one step even from an unlimited start. Pure: time
 * is passed in.
 *
 * Kinesis limits each shard separately; this limits the producer as a whole,
 * so a hot shard slows every shard's records.
 */
export class AimdRateLimiter {
  private rate: number | undefined;
  private tokens: number;
  private refilledAt = 0;
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;
  private lastIncreaseAt = Number.NEGATIVE_INFINITY;
  /** The increase per second, set at each decrease. */
  private increaseStep: number;
  private constrained = false;
  private readonly dispatched: { at: number; records: number }[] = [];
  private readonly accepted: { at: number; records: number }[] = [];
  private readonly decreaseFactor: number;
  private readonly increaseFraction: number;
  private readonly burstMs: number;
  private readonly cooldownMs: number;

  constructor(private readonly settings: AimdSettings) {
    this.rate = settings.initialRate;
    this.decreaseFactor = settings.decreaseFactor ?? 0.9;
    this.increaseFraction = settings.increaseFraction ?? 0.1;
    this.burstMs = settings.burstMs ?? 100;
    this.cooldownMs = settings.cooldownMs ?? 1_000;
    this.increaseStep = Math.max(settings.minRate, this.increaseFraction * (settings.initialRate ?? settings.minRate));
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
    this.increaseStep = Math.max(this.settings.minRate, this.increaseFraction * sending);
    this.tokens = Math.min(this.tokens, this.capacity());
    this.lastDecreaseAt = now;
    this.lastIncreaseAt = now;
    this.constrained = false;
  }

  private increase(now: number): void {
    if (this.rate === undefined || now < this.lastDecreaseAt + this.cooldownMs) return;
    const elapsedMs = Math.min(WINDOW_MS, Math.max(0, now - this.lastIncreaseAt));
    this.lastIncreaseAt = now;
    if (!this.constrained) return; // demand below the rate: nothing learnt about capacity
    this.constrained = false;
    this.refill(now);
    this.rate += (this.increaseStep * elapsedMs) / 1000;
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
