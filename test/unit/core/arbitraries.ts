import fc from 'fast-check';

/**
 * fast-check arbitraries for events: valid ones (with the decoded fields the
 * decoder must produce, computed independently of the code under test) and
 * ones with exactly one field made invalid.
 */

export const FIELD_NAMES = ['id', 'type', 'key', 'ts', 'value', 'attrs'] as const;
export type FieldName = (typeof FIELD_NAMES)[number];

/** A JSON object as ordered [name, value] pairs, so `__proto__` can be a real key. */
export type Entries = ReadonlyArray<readonly [string, unknown]>;

/** Serializes entries as a JSON object; values of `undefined` are left out. */
export function entriesToJson(entries: Entries): string {
  const parts: string[] = [];
  for (const [name, value] of entries) {
    if (value !== undefined) parts.push(`${JSON.stringify(name)}:${JSON.stringify(value)}`);
  }
  return `{${parts.join(',')}}`;
}

/** What a valid event must decode to. */
export interface ExpectedEvent {
  readonly id: string;
  readonly type: string;
  readonly key: string;
  readonly tsMs: number;
  readonly value: number;
  readonly valueNanos: bigint;
}

export interface ValidEventCase {
  readonly fields: Record<FieldName, unknown>;
  readonly extras: Entries;
  readonly expected: ExpectedEvent;
}

const TYPE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-'.split('');
const typeChar = fc.constantFrom(...TYPE_CHARS);

function isControl(c: number): boolean {
  return c <= 0x1f || (c >= 0x7f && c <= 0x9f);
}

/** One code point that is not a control character (surrogate halves never occur in 'binary'). */
const keyChar = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).map((c) => (isControl(c.codePointAt(0)!) ? 'x' : c));

export const validId = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 128 }),
  fc.uuid(),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'a#b', '😀'.repeat(128), 'i'.repeat(128)),
);

export const validType = fc.oneof(
  fc.string({ unit: typeChar, minLength: 1, maxLength: 64 }),
  fc.constantFrom('page_view', 'sensor.temp', 'a:b-c', 'T'.repeat(64), '__proto__'),
);

export const validKey = fc.oneof(
  fc.string({ unit: keyChar, minLength: 1, maxLength: 512 }),
  fc.constantFrom('/products/42', 'a#b#c', ' ', '🔑'.repeat(512), 'k'.repeat(512), '__proto__', 'constructor'),
);

const MIN_ISO_MS = Date.parse('0000-01-02T00:00:00Z');
const MAX_ISO_MS = Date.parse('9999-12-30T00:00:00Z');
const MAX_OFFSET_MIN = 23 * 60 + 59;

function floorTo(ms: number, unit: number): number {
  return ms - (((ms % unit) + unit) % unit);
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** An ISO-8601 string with a zone, in every accepted precision, and its epoch ms. */
export const validIsoTs = fc
  .record({
    ms: fc.integer({ min: MIN_ISO_MS, max: MAX_ISO_MS }),
    offsetMin: fc.oneof(fc.constant(0), fc.integer({ min: -MAX_OFFSET_MIN, max: MAX_OFFSET_MIN })),
    utcZone: fc.constantFrom('Z', '+00:00', '-00:00'),
    precision: fc.constantFrom('minute', 'second', 'fraction'),
    fractionDigits: fc.integer({ min: 1, max: 9 }),
    extraDigits: fc.string({ unit: fc.constantFrom(...'0123456789'.split('')), minLength: 6, maxLength: 6 }),
  })
  .map(({ ms, offsetMin, utcZone, precision, fractionDigits, extraDigits }) => {
    const local = ms + offsetMin * 60_000;
    const base = new Date(local).toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ
    let text: string;
    let localMs: number;
    if (precision === 'minute') {
      text = base.slice(0, 16);
      localMs = floorTo(local, 60_000);
    } else if (precision === 'second') {
      text = base.slice(0, 19);
      localMs = floorTo(local, 1_000);
    } else {
      const fraction = (base.slice(20, 23) + extraDigits).slice(0, fractionDigits);
      text = `${base.slice(0, 20)}${fraction}`;
      // Digits beyond milliseconds are truncated.
      localMs = floorTo(local, 10 ** Math.max(0, 3 - fractionDigits));
    }
    const abs = Math.abs(offsetMin);
    const zone = offsetMin === 0 ? utcZone : `${offsetMin < 0 ? '-' : '+'}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
    return { ts: text + zone, tsMs: localMs - offsetMin * 60_000 };
  });

const validEpochTs = fc
  .oneof(fc.integer({ min: -8.64e15, max: 8.64e15 }), fc.constantFrom(8.64e15, -8.64e15, 0, -1, 1_795_696_496_789))
  .map((ms) => ({ ts: ms, tsMs: ms }));

export const validTs = fc.oneof(validIsoTs, validEpochTs);

/** A decimal with up to 15 significant digits and up to 9 decimals, as text and exact nanos. */
export const exactDecimal = fc
  .record({
    negative: fc.boolean(),
    whole: fc.oneof(fc.bigInt({ min: 0n, max: 999n }), fc.bigInt({ min: 0n, max: 10n ** 15n - 1n })),
    fraction: fc.string({ unit: fc.constantFrom(...'0123456789'.split('')), maxLength: 9 }),
  })
  .map(({ negative, whole, fraction }) => {
    const wholeText = whole.toString();
    const significantWhole = whole === 0n ? 0 : wholeText.length;
    // A double holds any decimal of at most 15 significant digits exactly
    // enough that its shortest form gives the same digits back.
    const digits = fraction.slice(0, Math.max(0, 15 - significantWhole));
    const text = `${negative ? '-' : ''}${wholeText}${digits === '' ? '' : `.${digits}`}`;
    const magnitude = BigInt(wholeText + digits.padEnd(9, '0'));
    return { text, nanos: negative ? -magnitude : magnitude };
  });

const validValue = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map((v) => ({ value: v as number | undefined, nanos: BigInt(v) * 10n ** 9n })),
  exactDecimal.map(({ text, nanos }) => ({ value: Number(text) as number | undefined, nanos })),
  fc.constant({ value: undefined as number | undefined, nanos: 10n ** 9n }),
);

const jsonObject = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });

/** Extra fields with tricky names; never one of the event's own fields. */
export const extraEntries: fc.Arbitrary<Entries> = fc.array(
  fc.tuple(
    fc
      .oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'), fc.string({ maxLength: 10 }))
      .filter((name) => !(FIELD_NAMES as readonly string[]).includes(name)),
    fc.jsonValue({ maxDepth: 2 }),
  ),
  { maxLength: 4 },
);

export const validEvent: fc.Arbitrary<ValidEventCase> = fc
  .record({
    id: validId,
    type: validType,
    key: validKey,
    ts: validTs,
    value: validValue,
    attrs: fc.option(jsonObject, { nil: undefined }),
    extras: extraEntries,
  })
  .map(({ id, type, key, ts, value, attrs, extras }) => ({
    fields: { id, type, key, ts: ts.ts, value: value.value, attrs },
    extras,
    expected: {
      id,
      type,
      key,
      tsMs: ts.tsMs + 0,
      value: (value.value ?? 1) + 0,
      valueNanos: value.nanos,
      // As JSON carries it (-0 becomes 0).
      attrs: attrs === undefined ? undefined : JSON.parse(JSON.stringify(attrs)),
    },
  }));

/** The entries of an event: extras first, then the fields (a later duplicate would win). */
export function eventEntries(fields: Record<FieldName, unknown>, extras: Entries): Entries {
  return [...extras, ...FIELD_NAMES.map((name) => [name, fields[name]] as const)];
}

// ---- invalid values, per field ------------------------------------------

/** Marks a field to leave out. */
export const MISSING = Symbol('missing');

const notAString = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  jsonObject,
);

const loneSurrogate = fc
  .tuple(fc.string({ maxLength: 5 }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.string({ maxLength: 5 }))
  // fc.string() is printable ASCII, so the surrogate cannot pair with a neighbour.
  .map(([before, unit, after]) => `${before}${String.fromCharCode(unit)}${after}`);

const controlChar = fc.oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f })).map((c) => String.fromCharCode(c));

const notATypeChar = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => !TYPE_CHARS.includes(c));

const badIso = fc.oneof(
  validIsoTs.map(({ ts }) => ts.slice(0, 10)), // date only
  validIsoTs.map(({ ts }) => ts.replace(/(Z|[+-]\d\d:\d\d)$/, '')), // no zone
  validIsoTs.map(({ ts }) => ts.replace('T', ' ')),
  fc.integer({ min: 0, max: 9999 }).map((y) => `${String(y).padStart(4, '0')}-02-30T00:00:00Z`),
  fc.integer({ min: 0, max: 9999 }).map((y) => `${String(y).padStart(4, '0')}-06-31T12:00Z`),
  fc.integer({ min: 0, max: 9999 }).map((y) => `${String(y).padStart(4, '0')}-01-01T24:00:00Z`),
  fc.string({ maxLength: 40 }).map((s) => `x${s}`),
);

const tooManyDecimals = fc
  .tuple(fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 0, max: 999_999_999 }), fc.integer({ min: 1, max: 9 }), fc.boolean())
  .map(([whole, nine, tenth, negative]) => Number(`${negative ? '-' : ''}${whole}.${String(nine).padStart(9, '0')}${tenth}`));

const tooLarge = fc.double({ min: 1e18, max: 1e300, noNaN: true }).chain((v) => fc.constantFrom(v, -v));

/** For each field, values that break exactly its rule. */
export const invalidValues: Record<FieldName, fc.Arbitrary<unknown>> = {
  id: fc.oneof(
    fc.constant(MISSING),
    notAString,
    fc.constant(''),
    fc.string({ unit: 'binary', minLength: 129, maxLength: 300 }),
    loneSurrogate,
  ),
  type: fc.oneof(
    fc.constant(MISSING),
    notAString,
    fc.constant(''),
    fc.string({ unit: typeChar, minLength: 65, maxLength: 100 }),
    fc
      .tuple(fc.string({ unit: typeChar, maxLength: 30 }), notATypeChar, fc.string({ unit: typeChar, maxLength: 30 }))
      .map(([a, bad, b]) => a + bad + b),
  ),
  key: fc.oneof(
    fc.constant(MISSING),
    notAString,
    fc.constant(''),
    fc.string({ unit: keyChar, minLength: 513, maxLength: 700 }),
    fc
      .tuple(fc.string({ unit: keyChar, maxLength: 20 }), controlChar, fc.string({ unit: keyChar, maxLength: 20 }))
      .map(([a, c, b]) => a + c + b),
    loneSurrogate,
  ),
  ts: fc.oneof(
    fc.constant(MISSING),
    fc.constantFrom(null, true, false, [], {}),
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -8.64e15, max: 8.64e15 }).filter((d) => !Number.isInteger(d)),
    fc.oneof(fc.double({ min: 8.64e15 + 1, max: 1e300, noNaN: true }), fc.double({ min: -1e300, max: -8.64e15 - 1, noNaN: true })),
    badIso,
  ),
  value: fc.oneof(
    fc.constantFrom(null, true, '1', [], {}),
    tooManyDecimals,
    tooLarge,
    fc.constantFrom(1e-10, 0.1 + 0.2, 1e18, -1e18, 1e21),
  ),
  attrs: fc.oneof(fc.constantFrom(null, [], 'x', 0, true), fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 })),
};

/** A valid event with exactly one field made invalid. */
export const eventWithOneInvalidField = fc
  .constantFrom(...FIELD_NAMES)
  .chain((field) => fc.record({ field: fc.constant(field), bad: invalidValues[field], event: validEvent }))
  .map(({ field, bad, event }) => {
    const fields = { ...event.fields, [field]: bad === MISSING ? undefined : bad };
    return { field, bad, json: entriesToJson(eventEntries(fields, event.extras)) };
  });
