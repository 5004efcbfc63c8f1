import { isValidEventKey } from './decodeRecord';
import { fieldValueText, readEventField } from './readEventField';
import type { StreamEvent } from './types';

/**
 * The value of a dimension's attribute that may get a bucket of its own, or
 * undefined when the event goes to `(missing)` (DimensionBucket): no such
 * attribute, null, an object, an array, or a string that is not a valid key
 * (a bucket is an aggregate item's key). Numbers and booleans count as
 * their JSON text, so `1` and `"1"` share a bucket.
 */
export function dimensionCandidate(event: StreamEvent, field: string): string | undefined {
  const text = fieldValueText(readEventField(event, field));
  return text !== undefined && isValidEventKey(text) ? text : undefined;
}

/** The UTC day of an event time, `YYYY-MM-DD`: the period a dimension's cap counts values over. */
export function utcDay(tsMs: number): string {
  return new Date(tsMs).toISOString().slice(0, 10);
}
