import { toNanos } from './exactDecimal';
import type { DecodeResult } from './types';

/**
 * The limits of docs/contract.md §1, in one place for the decoder, its tests and
 * any producer that wants to check events before sending them.
 */
export const EventLimits = {
  /** Largest record accepted, in bytes (the Kinesis record size limit). */
  maxRecordBytes: 1_048_576,
  /** `id` length in characters (Unicode code points). */
  idMaxChars: 128,
  /** `type` length in characters (ASCII only, see {@link decodeRecord}). */
  typeMaxChars: 64,
  /** `key` length in characters (Unicode code points). */
  keyMaxChars: 512,
  /** Largest |epoch milliseconds| a JS Date can hold. */
  maxAbsEpochMs: 8.64e15,
} as const;

// One decoder for every record: `fatal` rejects malformed UTF-8 instead of
// silently substituting U+FFFD, and `ignoreBOM` stops it from silently
// stripping a byte order mark (JSON text must not start with one; it is
// rejected explicitly below with a clearer message).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const hasOwn = Object.prototype.hasOwnProperty;

const TYPE_PATTERN = /^[A-Za-z0-9_.:-]+$/;
/** Any UTF-16 surrogate unit, paired or not (no `u` flag: the regex sees units). */
const SURROGATE = /[\ud800-\udfff]/;
/** The same, or a control character (U+0000–U+001F, U+007F–U+009F). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: docs/contract.md §1 forbids control characters in a key; this finds them
const CONTROL_OR_SURROGATE = /[\u0000-\u001f\u007f-\u009f\ud800-\udfff]/;

// Date and time with a zone, each part range-checked: no date-only, no
// zone-less local time, no 24:00, no leap second. Fixed structure, so no
// backtracking. The day is checked against the month separately.
const ISO_WITH_ZONE =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;
/** `2026-11-26T12:34:56.123456789+05:30`: the longest string the pattern accepts. */
const ISO_MAX_LENGTH = 35;

const TS_RULE = 'must be an ISO-8601 string with a zone or epoch milliseconds';
const ID_RULE = `must be a string of 1-${EventLimits.idMaxChars} characters`;
const TYPE_RULE = `must be 1-${EventLimits.typeMaxChars} characters of A-Z a-z 0-9 _ . : -`;
const KEY_RULE = `must be a string of 1-${EventLimits.keyMaxChars} characters with no control characters`;
const VALUE_RULE = 'must be a number, |value| < 1e18 with at most 9 decimal places';

/**
 * Decodes and validates one record's bytes as an event (docs/contract.md §1).
 *
 * Never throws, whatever the bytes: every problem becomes `{ ok: false }`
 * with a one-line message naming the field and the rule, so that the record
 * can be quarantined instead of failing (and endlessly retrying) the batch.
 *
 * - The size is checked before anything is decoded.
 * - The bytes must be strict UTF-8 without a byte order mark.
 * - Fields are read only if they are the object's own properties, so
 *   `__proto__` keys or a polluted `Object.prototype` change nothing.
 * - Lengths count Unicode code points, so an emoji is one character.
 *   `id` and `key` must not contain unpaired surrogates (possible through
 *   `\ud800` escapes), which DynamoDB cannot store.
 * - An ISO `ts` with more than millisecond precision is truncated to the
 *   millisecond.
 * - Unknown fields are ignored; `attrs` is checked and returned as parsed
 *   (the same object, not a copy: declared measures read fields of it).
 *
 * @param data the record payload.
 * @param maxBytes the largest payload accepted; defaults to `EventLimits.maxRecordBytes` (1 MiB).
 */
export function decodeRecord(data: Uint8Array, maxBytes: number = EventLimits.maxRecordBytes): DecodeResult {
  if (data.length > maxBytes) {
    return invalid(`record is ${data.length} bytes; the limit is ${maxBytes}`);
  }
  if (data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) {
    return invalid('not JSON: starts with a byte order mark (U+FEFF); send UTF-8 without one');
  }

  let text: string;
  try {
    text = utf8.decode(data);
  } catch {
    return invalid('not valid UTF-8');
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // Deep nesting can throw RangeError rather than SyntaxError; both mean
    // "not JSON we accept".
    return invalid(`not JSON: ${shortErrorMessage(error)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return invalid(`not a JSON object (${describe(parsed)})`);
  }
  const fields = parsed as Record<string, unknown>;

  const id = hasOwn.call(fields, 'id') ? fields.id : undefined;
  if (typeof id !== 'string') return fieldInvalid('id', ID_RULE, describe(id));
  const idProblem = textProblem(id, EventLimits.idMaxChars, false);
  if (idProblem !== undefined) return fieldInvalid('id', ID_RULE, idProblem);

  const type = hasOwn.call(fields, 'type') ? fields.type : undefined;
  if (typeof type !== 'string' || type.length === 0 || type.length > EventLimits.typeMaxChars || !TYPE_PATTERN.test(type)) {
    return fieldInvalid('type', TYPE_RULE, describeType(type));
  }

  const key = hasOwn.call(fields, 'key') ? fields.key : undefined;
  if (typeof key !== 'string') return fieldInvalid('key', KEY_RULE, describe(key));
  const keyProblem = textProblem(key, EventLimits.keyMaxChars, true);
  if (keyProblem !== undefined) return fieldInvalid('key', KEY_RULE, keyProblem);

  const ts = hasOwn.call(fields, 'ts') ? fields.ts : undefined;
  let tsMs: number;
  if (typeof ts === 'number') {
    if (!Number.isInteger(ts)) {
      return fieldInvalid('ts', 'epoch milliseconds must be a whole number', describe(ts));
    }
    if (Math.abs(ts) > EventLimits.maxAbsEpochMs) {
      return fieldInvalid('ts', 'epoch milliseconds must be within ±8.64e15', describe(ts));
    }
    tsMs = ts + 0; // -0 becomes 0
  } else if (typeof ts === 'string') {
    // The fast path reads every form the strict path accepts, to the same
    // millisecond (a property test holds them together); whatever it does
    // not read is left to the strict path, which words the error.
    tsMs = parseIsoFast(ts);
    if (Number.isNaN(tsMs)) {
      if (ts.length > ISO_MAX_LENGTH || !ISO_WITH_ZONE.test(ts)) {
        return fieldInvalid(
          'ts',
          TS_RULE,
          ts.length > ISO_MAX_LENGTH ? `got a string of ${ts.length} characters` : `got ${JSON.stringify(ts)}`,
        );
      }
      tsMs = parseIsoStrict(ts);
      if (Number.isNaN(tsMs)) {
        return fieldInvalid('ts', 'must be a real date and time', `got ${JSON.stringify(ts)}`);
      }
    }
  } else {
    return fieldInvalid('ts', TS_RULE, describe(ts));
  }

  let value = 1;
  let valueNanos: bigint | undefined = 1_000_000_000n;
  if (hasOwn.call(fields, 'value')) {
    const raw = fields.value;
    if (typeof raw !== 'number') return fieldInvalid('value', VALUE_RULE, describe(raw));
    valueNanos = toNanos(raw);
    if (valueNanos === undefined) return fieldInvalid('value', VALUE_RULE, describe(raw));
    value = raw + 0; // -0 becomes 0, so min/max never store "-0"
  }

  let attrs: Record<string, unknown> | undefined;
  if (hasOwn.call(fields, 'attrs')) {
    const raw = fields.attrs;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      return fieldInvalid('attrs', 'must be a JSON object when present', describe(raw));
    }
    attrs = raw as Record<string, unknown>;
  }

  // `attrs` is always set (maybe undefined) so that every event has one shape for V8.
  return { ok: true, event: { id, type, key, tsMs, value, valueNanos, attrs } };
}

/**
 * Whether `text` is a valid event key (docs/contract.md §1): 1–512
 * characters, no control characters, no unpaired surrogates. A dimension's
 * attribute value must be one to become a bucket (an aggregate item's key).
 */
export function isValidEventKey(text: string): boolean {
  return textProblem(text, EventLimits.keyMaxChars, true) === undefined;
}

function invalid(message: string): DecodeResult {
  return { ok: false, message };
}

function fieldInvalid(field: string, rule: string, received: string): DecodeResult {
  return { ok: false, message: `field "${field}": ${rule} (${received})` };
}

/** What was received instead, short enough for a one-line message. */
function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'got null';
  if (Array.isArray(value)) return 'got an array';
  switch (typeof value) {
    case 'string':
      return value.length === 0 ? 'got an empty string' : 'got a string';
    case 'number':
      return `got ${value}`;
    case 'boolean':
      return 'got a boolean';
    case 'object':
      return 'got an object';
    default:
      return `got a ${typeof value}`;
  }
}

function describeType(type: unknown): string {
  if (typeof type !== 'string' || type.length === 0) return describe(type);
  if (type.length > EventLimits.typeMaxChars) return `got ${type.length} characters`;
  return `got ${JSON.stringify(type)}`;
}

/**
 * Checks a string's length in code points, that it has no unpaired
 * surrogate and, optionally, no control character (U+0000–U+001F,
 * U+007F–U+009F). One pass without allocating.
 *
 * @returns what is wrong, phrased for {@link fieldInvalid}, or `undefined`.
 */
function textProblem(text: string, maxChars: number, forbidControl: boolean): string | undefined {
  const units = text.length;
  // Fast path: with no surrogate at all every unit is one character, so a
  // short enough string without the forbidden units is fine. A native regex
  // search is about three times faster than the loop below.
  if (units > 0 && units <= maxChars && !(forbidControl ? CONTROL_OR_SURROGATE : SURROGATE).test(text)) return undefined;
  if (units === 0) return 'got an empty string';
  // Each code point is one or two UTF-16 units, so beyond twice the limit
  // there are certainly too many: no need to scan a huge string.
  if (units > 2 * maxChars) return `got more than ${maxChars} characters`;
  let chars = 0;
  for (let i = 0; i < units; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < units ? text.charCodeAt(i + 1) : 0;
      if (c > 0xdbff || next < 0xdc00 || next > 0xdfff) {
        return `got an unpaired surrogate at character ${chars + 1}`;
      }
      i++;
    } else if (forbidControl && (c < 0x20 || (c >= 0x7f && c <= 0x9f))) {
      return `got a control character at character ${chars + 1}`;
    }
    chars++;
  }
  return chars > maxChars ? `got ${chars} characters` : undefined;
}

const MS_PER_DAY = 86_400_000;

/**
 * The strict reading of an ISO `ts`: {@link ISO_WITH_ZONE}, then the day
 * against its month, then `Date.parse`.
 *
 * @returns epoch milliseconds, or NaN when the string is not accepted.
 */
export function parseIsoStrict(iso: string): number {
  if (iso.length > ISO_MAX_LENGTH || !ISO_WITH_ZONE.test(iso)) return NaN;
  return isRealDay(iso) ? Date.parse(iso) : NaN;
}

/**
 * {@link parseIsoStrict} by hand, in one pass over the characters: the same
 * result for every string, accepted or not (a property test holds the two
 * together), about four times faster than the regex and `Date.parse`.
 * decodeRecord still falls back to the strict path on NaN, to word the error.
 */
export function parseIsoFast(iso: string): number {
  const length = iso.length;
  // Shortest: YYYY-MM-DDTHH:MMZ (17); longest: ISO_MAX_LENGTH.
  if (length < 17 || length > ISO_MAX_LENGTH) return NaN;
  const year = twoDigits(iso, 0) * 100 + twoDigits(iso, 2);
  const month = twoDigits(iso, 5);
  const day = twoDigits(iso, 8);
  const hour = twoDigits(iso, 11);
  const minute = twoDigits(iso, 14);
  if (
    iso.charCodeAt(4) !== 45 || // -
    iso.charCodeAt(7) !== 45 || // -
    iso.charCodeAt(10) !== 84 || // T
    iso.charCodeAt(13) !== 58 || // :
    // Each comparison is false for NaN (a non-digit), and so is year >= 0.
    !(year >= 0 && month >= 1 && month <= 12 && day >= 1 && hour <= 23 && minute <= 59)
  ) {
    return NaN;
  }
  if (day > 28 && day > daysInMonth(year, month)) return NaN;

  let at = 16;
  let second = 0;
  let millisecond = 0;
  if (iso.charCodeAt(at) === 58) {
    // :SS
    second = twoDigits(iso, at + 1);
    if (!(second <= 59)) return NaN;
    at += 3;
    if (iso.charCodeAt(at) === 46) {
      // .f{1,9}: the first three digits are milliseconds, the rest truncated.
      at++;
      const start = at;
      while (at < length) {
        const digit = iso.charCodeAt(at) - 48;
        if (!(digit >= 0 && digit <= 9)) break;
        if (at - start < 3) millisecond = millisecond * 10 + digit;
        at++;
      }
      const digits = at - start;
      if (digits === 0 || digits > 9) return NaN;
      if (digits === 1) millisecond *= 100;
      else if (digits === 2) millisecond *= 10;
    }
  }

  let offsetMinutes = 0;
  const zone = iso.charCodeAt(at);
  if (zone === 90) {
    // Z
    if (at + 1 !== length) return NaN;
  } else if (zone === 43 || zone === 45) {
    // +hh:mm or -hh:mm
    if (at + 6 !== length || iso.charCodeAt(at + 3) !== 58) return NaN;
    const offsetHour = twoDigits(iso, at + 1);
    const offsetMinute = twoDigits(iso, at + 4);
    if (!(offsetHour <= 23 && offsetMinute <= 59)) return NaN;
    offsetMinutes = offsetHour * 60 + offsetMinute;
    if (zone === 45) offsetMinutes = -offsetMinutes;
  } else {
    return NaN;
  }

  return daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millisecond;
}

/** The number written by the two characters at `at`, or NaN if either is not an ASCII digit (or is missing). */
function twoDigits(text: string, at: number): number {
  // charCodeAt past the end is NaN, and NaN fails both comparisons.
  const tens = text.charCodeAt(at) - 48;
  const ones = text.charCodeAt(at + 1) - 48;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : NaN;
}

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}

/**
 * Days from 1970-01-01 to a proleptic Gregorian date (year 0 to 9999), by
 * H. Hinnant's days_from_civil. Unlike `Date.UTC` it does not read years
 * 0-99 as 1900-1999.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Whether the day of an ISO string that matched {@link ISO_WITH_ZONE} exists in its month. */
function isRealDay(iso: string): boolean {
  const day = digitsAt(iso, 8, 2);
  if (day <= 28) return true;
  const month = digitsAt(iso, 5, 2);
  if (month !== 2) return day <= (month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31);
  const year = digitsAt(iso, 0, 4);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (leap ? 29 : 28);
}

/** The number written by `count` ASCII digits at `start` (already validated). */
function digitsAt(text: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) n = n * 10 + text.charCodeAt(i) - 48;
  return n;
}

/** The first line of an error message, cleaned and shortened for a one-line reason. */
function shortErrorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (
    message
      .slice(0, 120)
      // V8 quotes part of the input, which may hold line breaks or half of
      // a surrogate pair cut by the slice: keep the reason one clean line.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this strips from a reason line
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
  );
}
