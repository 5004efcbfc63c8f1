import type { StreamEvent } from './types';

const hasOwn = Object.prototype.hasOwnProperty;

/** The prefix of a field path into an event's `attrs`. */
const ATTRS_PREFIX = 'attrs.';

/**
 * Reads a declared field of an event (docs/measures.md): `key`, or
 * `attrs.<name>[.<name>...]` into the event's `attrs`. Only own properties
 * are followed, so `__proto__` or a polluted `Object.prototype` is never read.
 *
 * @returns the raw JSON value there, or `undefined` when the path does not
 *   exist (or goes through something that is not an object).
 */
export function readEventField(event: StreamEvent, path: string): unknown {
  if (path === 'key') return event.key;
  if (!path.startsWith(ATTRS_PREFIX)) return undefined;
  let current: unknown = event.attrs;
  let start = ATTRS_PREFIX.length;
  while (current !== undefined) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    const dot = path.indexOf('.', start);
    const name = dot === -1 ? path.slice(start) : path.slice(start, dot);
    current = hasOwn.call(current, name) ? (current as Record<string, unknown>)[name] : undefined;
    if (dot === -1) return current;
    start = dot + 1;
  }
  return undefined;
}

/**
 * A field's value as the string a measure keys on: strings as they are,
 * finite numbers and booleans as JSON writes them; `undefined` for a missing
 * field, null, an object or an array (nothing to count or bucket by).
 */
export function fieldValueText(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return Number.isFinite(value) ? String(value) : undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return undefined;
  }
}
