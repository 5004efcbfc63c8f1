import fc from 'fast-check';
import { x64 } from 'murmurhash3js-revisited';
import { describe, expect, it } from 'vitest';
import { murmurHash3Utf8, murmurHash3x64Low64 } from '../../../../core';

const hex = (out: { hi: number; lo: number }) => out.hi.toString(16).padStart(8, '0') + out.lo.toString(16).padStart(8, '0');

describe('MurmurHash3 x64 128, first word', () => {
  it('equals the reference port (murmurhash3js-revisited) on any bytes, every tail length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const out = { hi: 0, lo: 0 };
        murmurHash3x64Low64(bytes, bytes.length, out);
        expect(hex(out)).toBe(x64.hash128(bytes).slice(0, 16));
      }),
      { numRuns: 2_000 },
    );
  });

  it('matches the published value of "hello" and of nothing', () => {
    const out = { hi: 0, lo: 0 };
    murmurHash3Utf8('hello', out);
    expect(hex(out)).toBe('cbd8a7b341bd9b02');
    murmurHash3Utf8('', out);
    expect(hex(out)).toBe('0000000000000000');
  });

  it('hashes a string by its UTF-8 bytes, ASCII or not, short or long', () => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.string({ maxLength: 200 }),
          // Surrogates paired, lone, reversed and at the end, among 1-, 2-, 3- and 4-byte characters.
          fc
            .array(fc.constantFrom('a', 'é', '€', '😀', '\ud83d', '\ude00', '\udfff', '\ud800', '\u07ff', '\u0800', '\uffff'), {
              maxLength: 40,
            })
            .map((parts) => parts.join('')),
        ),
        (value) => {
          const out = { hi: 0, lo: 0 };
          murmurHash3Utf8(value, out);
          expect(hex(out)).toBe(x64.hash128(encoder.encode(value)).slice(0, 16));
        },
      ),
      { numRuns: 3_000 },
    );
    const long = 'ü'.repeat(500);
    const out = { hi: 0, lo: 0 };
    murmurHash3Utf8(long, out);
    expect(hex(out)).toBe(x64.hash128(encoder.encode(long)).slice(0, 16));
  });
});
