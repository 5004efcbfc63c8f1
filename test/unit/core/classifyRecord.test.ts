import { describe, expect, it } from 'vitest';
import { classifyEvent } from '../../../core';
import { streamEvent, windowingConfig } from './factories';

const ARRIVAL = Date.parse('2026-11-26T12:00:00.000Z');
const SKEW = 300_000;
const LATENESS = 3_600_000;
const config = windowingConfig({ maxClockSkewMs: SKEW, allowedLatenessMs: LATENESS });

describe('classifyEvent', () => {
  it('accepts an event at its arrival time without a watermark', () => {
    expect(classifyEvent(streamEvent({ tsMs: ARRIVAL }), ARRIVAL, undefined, config)).toEqual({ kind: 'valid' });
  });

  it('accepts an event exactly the allowed skew ahead of its arrival', () => {
    expect(classifyEvent(streamEvent({ tsMs: ARRIVAL + SKEW }), ARRIVAL, undefined, config).kind).toBe('valid');
  });

  it('classifies an event 1 ms beyond the skew as future, naming the times', () => {
    // Act
    const result = classifyEvent(streamEvent({ tsMs: ARRIVAL + SKEW + 1 }), ARRIVAL, undefined, config);

    // Assess
    expect(result).toEqual({
      kind: 'future',
      message: "event time 2026-11-26T12:05:00.001Z is more than 5m after the record's arrival time 2026-11-26T12:00:00.000Z",
    });
  });

  it('judges the future by arrival time, so a replay much later classifies the same', () => {
    const event = streamEvent({ tsMs: ARRIVAL + SKEW + 1 });
    const first = classifyEvent(event, ARRIVAL, undefined, config);
    const replay = classifyEvent(event, ARRIVAL, undefined, config);
    expect(replay).toEqual(first);
  });

  it('never calls an event late without a watermark', () => {
    expect(classifyEvent(streamEvent({ tsMs: 0 }), ARRIVAL, undefined, config).kind).toBe('valid');
  });

  it('accepts an event exactly the allowed lateness behind the watermark', () => {
    const watermark = ARRIVAL;
    expect(classifyEvent(streamEvent({ tsMs: watermark - LATENESS }), ARRIVAL, watermark, config).kind).toBe('valid');
  });

  it('classifies an event 1 ms beyond the lateness as late, naming the times', () => {
    // Prepare
    const watermark = ARRIVAL;
    const event = streamEvent({ tsMs: watermark - LATENESS - 1 });

    // Act
    const result = classifyEvent(event, ARRIVAL, watermark, config);

    // Assess
    expect(result).toEqual({
      kind: 'late',
      message: "event time 2026-11-26T10:59:59.999Z is more than 1h before the shard's watermark 2026-11-26T12:00:00.000Z",
    });
  });

  it('accepts events newer than the watermark', () => {
    expect(classifyEvent(streamEvent({ tsMs: ARRIVAL }), ARRIVAL, ARRIVAL - 10 * LATENESS, config).kind).toBe('valid');
  });

  it('checks the future before lateness', () => {
    // A watermark far in the future would make the event late too.
    const result = classifyEvent(streamEvent({ tsMs: ARRIVAL + SKEW + 1 }), ARRIVAL, ARRIVAL + 100 * LATENESS, config);
    expect(result.kind).toBe('future');
  });

  it('honours zero lateness and zero skew', () => {
    const strict = windowingConfig({ maxClockSkewMs: 0, allowedLatenessMs: 0 });
    expect(classifyEvent(streamEvent({ tsMs: ARRIVAL }), ARRIVAL, ARRIVAL, strict).kind).toBe('valid');
    expect(classifyEvent(streamEvent({ tsMs: ARRIVAL + 1 }), ARRIVAL, ARRIVAL, strict).kind).toBe('future');
    expect(classifyEvent(streamEvent({ tsMs: ARRIVAL - 1 }), ARRIVAL, ARRIVAL, strict)).toEqual({
      kind: 'late',
      message: "event time 2026-11-26T11:59:59.999Z is more than 0ms before the shard's watermark 2026-11-26T12:00:00.000Z",
    });
  });
});
