import { describe, expect, it } from 'vitest';
import { AimdRateLimiter } from '../../../src/producer/AimdRateLimiter';

const T0 = 1_000_000;

describe('AimdRateLimiter', () => {
  it('is unlimited until the first throttle', () => {
    const limiter = new AimdRateLimiter({ minRate: 10 });
    expect(limiter.available(T0)).toBe(Number.POSITIVE_INFINITY);
    expect(limiter.recordsPerSecond).toBeUndefined();
  });

  it('cuts an unlimited rate to just under what the stream accepted over the last second', () => {
    // Prepare: 4,000 records sent at once, 1,000 accepted
    const limiter = new AimdRateLimiter({ minRate: 10 });
    limiter.take(4_000, T0);

    // Act
    limiter.onAnswer(T0 + 20, 1_000, true);

    // Assess
    expect(limiter.recordsPerSecond).toBe(900);
    expect(limiter.capacity()).toBe(90); // 100 ms of the rate
  });

  it('cuts once per second: throttles echoing the same overloaded second do not compound', () => {
    const limiter = new AimdRateLimiter({ minRate: 10 });
    limiter.take(4_000, T0);
    limiter.onAnswer(T0 + 20, 1_000, true);
    limiter.onAnswer(T0 + 40, 0, true);
    limiter.onAnswer(T0 + 999, 0, true);
    expect(limiter.recordsPerSecond).toBe(900);
    limiter.onAnswer(T0 + 1_020, 0, true); // a new second still refused: cut again, to the floor
    expect(limiter.recordsPerSecond).toBe(10);
  });

  it('spends and refills tokens at the rate', () => {
    const limiter = new AimdRateLimiter({ minRate: 10, initialRate: 1_000 });
    expect(limiter.available(T0)).toBe(100);
    limiter.take(100, T0);
    expect(limiter.available(T0)).toBe(0);
    expect(limiter.delayFor(50, T0)).toBe(50);
    expect(limiter.available(T0 + 50)).toBeCloseTo(50);
    expect(limiter.available(T0 + 10_000)).toBe(100); // never more than the bucket holds
  });

  it('increases additively only while demand exceeds the rate', () => {
    // Prepare
    const limiter = new AimdRateLimiter({ minRate: 10, initialRate: 1_000 });
    limiter.take(100, T0);

    // Act + Assess: an answer without held-back demand changes nothing
    limiter.onAnswer(T0 + 500, 100, false);
    expect(limiter.recordsPerSecond).toBe(1_000);
    // with demand held back, 5% of the rate per second (here over half a second)
    limiter.noteConstrained();
    limiter.onAnswer(T0 + 1_000, 100, false);
    expect(limiter.recordsPerSecond).toBe(1_025);
  });

  it('after a cut with nothing accepted, climbs back by doubling to half the earlier rate, then linearly', () => {
    // Prepare: sending at 2,000 per second, then everything refused
    const limiter = new AimdRateLimiter({ minRate: 10, initialRate: 2_000 });
    limiter.take(200, T0);
    limiter.onAnswer(T0 + 10, 0, true);
    expect(limiter.recordsPerSecond).toBe(10);

    // Act: accepted answers after the cooldown, each while demand was held back
    const rates: number[] = [];
    for (let step = 1; step <= 9; step++) {
      limiter.noteConstrained();
      limiter.onAnswer(T0 + 1_000 + step * 10, 10, false);
      rates.push(Math.round(limiter.recordsPerSecond!));
    }

    // Assess
    expect(rates.slice(0, 7)).toEqual([20, 40, 80, 160, 320, 640, 1_000]);
    expect(rates[8]).toBeGreaterThan(1_000);
    expect(rates[8]).toBeLessThan(1_005);
  });

  it('lifts the limit after 30 s without a throttle', () => {
    const limiter = new AimdRateLimiter({ minRate: 10, initialRate: 500 });
    limiter.take(10, T0);
    limiter.onAnswer(T0 + 29_999, 10, false);
    expect(limiter.recordsPerSecond).toBe(500);
    limiter.onAnswer(T0 + 30_000, 10, false);
    expect(limiter.recordsPerSecond).toBeUndefined();
  });

  it('never goes below the floor', () => {
    const limiter = new AimdRateLimiter({ minRate: 25, initialRate: 30 });
    limiter.take(3, T0);
    limiter.onAnswer(T0, 0, true);
    expect(limiter.recordsPerSecond).toBe(25);
  });
});
