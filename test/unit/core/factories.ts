import { toNanos, type Granularity, type StreamEvent, type WindowingConfig } from '../../../core';

/** The fields of a valid event as a producer sends them. */
export interface EventFields {
  id?: unknown;
  type?: unknown;
  key?: unknown;
  ts?: unknown;
  value?: unknown;
  attrs?: unknown;
  [extra: string]: unknown;
}

/**
 * A valid event's JSON fields. An override of `undefined` removes the field
 * (JSON.stringify drops it), which is how tests send a missing field.
 */
export function eventFields(overrides: EventFields = {}): EventFields {
  return {
    id: 'evt-0001',
    type: 'page_view',
    key: '/products/42',
    ts: '2026-11-26T12:34:56.789Z',
    value: 1,
    ...overrides,
  };
}

/** A valid event serialized as a Kinesis record payload. */
export function eventBytes(overrides: EventFields = {}): Uint8Array {
  return utf8(JSON.stringify(eventFields(overrides)));
}

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** A decoded event, as the core passes it around. */
export function streamEvent(overrides: Partial<StreamEvent> = {}): StreamEvent {
  const value = overrides.value ?? 1;
  return {
    id: 'evt-0001',
    type: 'page_view',
    key: '/products/42',
    tsMs: Date.parse('2026-11-26T12:34:56.789Z'),
    value,
    valueNanos: toNanos(value) ?? 0n,
    ...overrides,
  };
}

export const MINUTE: Granularity = { label: '1m', sizeMs: 60_000, ttlMs: 7 * 86_400_000 };
export const HOUR: Granularity = { label: '1h', sizeMs: 3_600_000, ttlMs: 90 * 86_400_000 };
export const DAY: Granularity = { label: '1d', sizeMs: 86_400_000, ttlMs: 1100 * 86_400_000 };

/** The default windowing settings. */
export function windowingConfig(overrides: Partial<WindowingConfig> = {}): WindowingConfig {
  return {
    granularities: [MINUTE, HOUR, DAY],
    allowedLatenessMs: 3_600_000,
    maxClockSkewMs: 300_000,
    ...overrides,
  };
}

/** A sequence number padded to 129 digits, from a small integer. */
export function padded(n: number | bigint): string {
  return n.toString().padStart(129, '0');
}
