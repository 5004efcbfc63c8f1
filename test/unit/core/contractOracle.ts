/**
 * docs/contract.md §1 written a second time, plainly and without the decoder's fast paths, so that
 * fuzz tests can judge any bytes independently of `decodeRecord`: the two must agree on every
 * input. Where the contract leaves a detail open, the decoder's documented choice is taken
 * (ISO subset: `YYYY-MM-DDTHH:MM[:SS[.f{1,9}]]` with `Z` or `±hh:mm`, no 24:00, no leap second;
 * strict UTF-8 without a byte order mark; lengths in code points; no unpaired surrogates).
 */

/** What a valid record must decode to. */
export interface OracleEvent {
  readonly id: string;
  readonly type: string;
  readonly key: string;
  readonly tsMs: number;
  readonly value: number;
}

const MAX_RECORD_BYTES = 1_048_576;
const MAX_ABS_EPOCH_MS = 8.64e15;

/** The event the bytes hold under the contract, or `undefined` when they break it. */
export function contractEvent(bytes: Uint8Array): OracleEvent | undefined {
  if (bytes.length > MAX_RECORD_BYTES) return undefined;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return undefined;
  const text = Buffer.from(bytes).toString('utf8');
  // Lossy decoding replaces malformed sequences with U+FFFD: a round trip tells.
  if (!Buffer.from(text, 'utf8').equals(Buffer.from(bytes))) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isPlainObject(parsed)) return undefined;
  const own = (name: string): unknown => (Object.hasOwn(parsed, name) ? (parsed as Record<string, unknown>)[name] : undefined);

  const id = own('id');
  if (!isText(id, 128) || id.length === 0) return undefined;
  const type = own('type');
  if (typeof type !== 'string' || !/^[A-Za-z0-9_.:-]{1,64}$/.test(type)) return undefined;
  const key = own('key');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: docs/contract.md §1 forbids control characters in a key; this finds them
  if (!isText(key, 512) || key.length === 0 || /[\u0000-\u001f\u007f-\u009f]/.test(key)) return undefined;

  const ts = own('ts');
  let tsMs: number | undefined;
  if (typeof ts === 'number') tsMs = Number.isInteger(ts) && Math.abs(ts) <= MAX_ABS_EPOCH_MS ? ts + 0 : undefined;
  else if (typeof ts === 'string') tsMs = isoMs(ts);
  if (tsMs === undefined) return undefined;

  let value = 1;
  if (Object.hasOwn(parsed, 'value')) {
    const raw = own('value');
    if (typeof raw !== 'number' || !Number.isFinite(raw) || Math.abs(raw) >= 1e18 || decimalPlaces(raw) > 9) return undefined;
    value = raw + 0;
  }
  if (Object.hasOwn(parsed, 'attrs') && !isPlainObject(own('attrs'))) return undefined;
  return { id, type, key, tsMs, value };
}

function isPlainObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string of at most `maxChars` code points with no unpaired surrogate. */
function isText(value: unknown, maxChars: number): value is string {
  // In `u` mode a paired surrogate is one astral code point; only an unpaired one is \p{Cs}.
  return typeof value === 'string' && !/\p{Cs}/u.test(value) && [...value].length <= maxChars;
}

/** Digits after the point in the number's shortest decimal form (`1.5e-7` has 8). */
function decimalPlaces(value: number): number {
  const [mantissa = '', exponent = '0'] = String(value).split('e');
  return Math.max(0, (mantissa.split('.')[1] ?? '').length - Number(exponent));
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** Epoch ms of an ISO string in the accepted subset (digits past the millisecond truncated), else undefined. */
function isoMs(text: string): number | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as number[] as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const offsetHour = Number(m[9] ?? 0);
  const offsetMinute = Number(m[10] ?? 0);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (days === undefined || day < 1 || day > days || hour > 23 || minute > 59 || second > 59 || offsetHour > 23 || offsetMinute > 59)
    return undefined;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 1900-1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  const offsetMs = (offsetHour * 60 + offsetMinute) * 60_000 * (m[8] === '-' ? -1 : 1);
  return date.getTime() - offsetMs;
}
