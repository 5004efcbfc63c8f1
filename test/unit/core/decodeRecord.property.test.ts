import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRecord, nanosToDecimalString, toNanos, type DecodeResult } from '../../../core';
import { entriesToJson, eventEntries, eventWithOneInvalidField, exactDecimal, extraEntries, validEvent } from './arbitraries';
import { utf8 } from './factories';

const RUNS = 1500;

/** The shape every result must have, whatever the input. */
function expectWellFormed(result: DecodeResult): void {
  if (result.ok) {
    expect(typeof result.event.id).toBe('string');
  } else {
    expect(typeof result.message).toBe('string');
    expect(result.message.length).toBeGreaterThan(0);
    expect(result.message).not.toMatch(/[\n\r]/);
  }
}

describe('decodeRecord properties', () => {
  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        expectWellFormed(decodeRecord(bytes));
      }),
      { numRuns: RUNS },
    );
  });

  it('never throws on a valid event with bytes corrupted', () => {
    fc.assert(
      fc.property(
        validEvent,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        (event, edits) => {
          const bytes = utf8(entriesToJson(eventEntries(event.fields, event.extras)));
          for (const [at, byte] of edits) bytes[at % bytes.length] = byte;
          expectWellFormed(decodeRecord(bytes));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('never throws on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expectWellFormed(decodeRecord(utf8(JSON.stringify(value) ?? 'null')));
      }),
      { numRuns: RUNS },
    );
  });

  it('never throws on objects with random and prototype-named fields, and pollutes nothing', () => {
    const anyFieldValue = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.string(), fc.integer());
    const entries = fc.array(
      fc.tuple(
        fc.oneof(fc.constantFrom('id', 'type', 'key', 'ts', 'value', 'attrs', '__proto__', 'constructor'), fc.string()),
        anyFieldValue,
      ),
      { maxLength: 10 },
    );
    fc.assert(
      fc.property(entries, extraEntries, (fields, extras) => {
        expectWellFormed(decodeRecord(utf8(entriesToJson([...extras, ...fields]))));
        expect(({} as Record<string, unknown>).id).toBeUndefined();
        expect(Object.getPrototypeOf({})).toBe(Object.prototype);
      }),
      { numRuns: RUNS },
    );
  });

  it('decodes every valid event to exactly its fields', () => {
    fc.assert(
      fc.property(validEvent, ({ fields, extras, expected }) => {
        // Act
        const result = decodeRecord(utf8(entriesToJson(eventEntries(fields, extras))));

        // Assess
        if (!result.ok) throw new Error(`rejected a valid event: ${result.message}`);
        expect(result.event).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it('rejects an event with one invalid field, naming that field', () => {
    fc.assert(
      fc.property(eventWithOneInvalidField, ({ field, json }) => {
        const result = decodeRecord(utf8(json));
        if (result.ok) throw new Error(`accepted an invalid "${field}": ${json.slice(0, 200)}`);
        expect(result.message.startsWith(`field "${field}": `)).toBe(true);
      }),
      { numRuns: 2 * RUNS },
    );
  });
});

describe('exact decimal properties', () => {
  it('converts decimals of up to 15 significant digits to exactly their nanos', () => {
    fc.assert(
      fc.property(exactDecimal, ({ text, nanos }) => {
        expect(toNanos(Number(text))).toBe(nanos);
      }),
      { numRuns: RUNS },
    );
  });

  it('sums exactly: the sum of toNanos equals the sum of the decimals', () => {
    fc.assert(
      fc.property(fc.array(exactDecimal, { maxLength: 50 }), (decimals) => {
        // Prepare: the exact sum, from the decimal text alone.
        const expected = decimals.reduce((sum, { nanos }) => sum + nanos, 0n);

        // Act
        const sum = decimals.reduce((total, { text }) => total + toNanos(Number(text))!, 0n);

        // Assess
        expect(sum).toBe(expected);
        expect(
          BigInt(
            nanosToDecimalString(sum)
              .replace('.', '')
              .replace(/^(-?)0+(?=\d)/, '$1'),
          ),
        ).toBe(expected / 10n ** BigInt(9 - decimalsOf(nanosToDecimalString(sum))));
      }),
      { numRuns: RUNS },
    );
  });

  it('round-trips any accepted double through its decimal string', () => {
    fc.assert(
      fc.property(fc.double(), (value) => {
        const nanos = toNanos(value);
        if (nanos === undefined) {
          // Rejected: not finite, too large, or more than 9 decimals.
          expect(!Number.isFinite(value) || Math.abs(value) >= 1e18 || decimalsOf(String(value)) > 9).toBe(true);
          return;
        }
        const text = nanosToDecimalString(nanos);
        expect(text).toMatch(/^-?(0|[1-9]\d*)(\.\d*[1-9])?$/);
        expect(Number(text)).toBe(value + 0);
      }),
      { numRuns: RUNS },
    );
  });
});

/** Decimal places of a number's text, plain (`1.25`) or exponent (`1.5e-7`) form. */
function decimalsOf(text: string): number {
  const [mantissa = '', exponent = '0'] = text.toLowerCase().split('e');
  const fraction = mantissa.split('.')[1] ?? '';
  return Math.max(0, fraction.length - Number(exponent));
}
