import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HyperLogLog,
  hyperLogLogRegisterValue,
  hyperLogLogStandardError,
  murmurHash3Utf8,
  SketchError,
  StreamtallyError,
} from '../../../../core';

const sketchOf = (precision: number, values: Iterable<string>) => {
  const sketch = HyperLogLog.create(precision);
  for (const value of values) sketch.add(value);
  return sketch;
};
const ids = (n: number, prefix = 'user-') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** Bytes of a sparse sketch with these (index, value) entries, written bit by bit as the layout says. */
const sparseOf = (precision: number, entries: readonly [number, number][], padding = '') => {
  const bits = entries.map(([index, value]) => index.toString(2).padStart(precision, '0') + value.toString(2).padStart(6, '0')).join('');
  const padded = (bits + padding).padEnd(Math.ceil((bits.length + padding.length) / 8) * 8, '0');
  const body = padded.match(/.{8}/g)?.map((byte) => Number.parseInt(byte, 2)) ?? [];
  return Uint8Array.from([1, precision, 1, ...body]);
};

// Values from a small pool (many repeats, across sketches too) and any strings.
const valueArb = fc.oneof(
  fc.constantFrom('a', 'b', 'c', 'ü', '日本', ''),
  fc.string({ maxLength: 12 }),
  fc.nat().map((n) => `id-${n}`),
);
const precisionArb = fc.integer({ min: 4, max: 16 });

describe('HyperLogLog.create and the standard error', () => {
  it('refuses a precision outside 4–16 or not an integer, in one line', () => {
    for (const bad of [3, 17, 4.5, Number.NaN, -1, 0]) {
      expect(() => HyperLogLog.create(bad)).toThrow(SketchError);
      expect(() => HyperLogLog.create(bad)).toThrow(/^HyperLogLog precision must be an integer from 4 to 16, got /);
    }
    expect(new SketchError('x')).toBeInstanceOf(StreamtallyError);
    expect(() => hyperLogLogStandardError(20)).toThrow(SketchError);
  });

  it('states 1.04 / √(2^p)', () => {
    expect(hyperLogLogStandardError(12)).toBeCloseTo(0.01625, 10);
    expect(hyperLogLogStandardError(14)).toBeCloseTo(0.008125, 10);
    expect(hyperLogLogStandardError(4)).toBeCloseTo(0.26, 10);
  });

  it('estimates 0 for an empty sketch, and keeps its precision', () => {
    const sketch = HyperLogLog.create(10);
    expect(sketch.precision).toBe(10);
    expect(sketch.estimate()).toBe(0);
    expect([...sketch.toBytes()]).toEqual([1, 10, 1]);
  });
});

describe('HyperLogLog.add', () => {
  it('sets the register the top p hash bits name to 1 + the leading zeros of the rest', () => {
    fc.assert(
      fc.property(valueArb, precisionArb, (value, precision) => {
        const hash = { hi: 0, lo: 0 };
        murmurHash3Utf8(value, hash);
        const bits = ((BigInt(hash.hi) << 32n) | BigInt(hash.lo)).toString(2).padStart(64, '0');
        const index = Number.parseInt(bits.slice(0, precision), 2);
        const rest = bits.slice(precision);
        const rho = rest.includes('1') ? rest.indexOf('1') + 1 : rest.length + 1;
        // The one sparse entry: p bits of index, 6 of value, zero padding.
        const entry = (index.toString(2).padStart(precision, '0') + rho.toString(2).padStart(6, '0')).padEnd(
          Math.ceil((precision + 6) / 8) * 8,
          '0',
        );
        const bytes = sketchOf(precision, [value]).toBytes();
        const written = [...bytes.slice(3)].map((byte) => byte.toString(2).padStart(8, '0')).join('');
        expect(written).toBe(entry);
      }),
      { numRuns: 500 },
    );
  });

  it('counts leading zeros across both halves of the hash, up to 65 − p when the rest is all zero', () => {
    // p = 12: 20 bits of the high word follow the index, then the 32 of the low word.
    expect(hyperLogLogRegisterValue(0xfff80000, 0, 12)).toBe(1);
    expect(hyperLogLogRegisterValue(0xfff00001, 0, 12)).toBe(20);
    expect(hyperLogLogRegisterValue(0xfff00000, 0x80000000, 12)).toBe(21);
    expect(hyperLogLogRegisterValue(0xfff00000, 0x00080000, 12)).toBe(33);
    expect(hyperLogLogRegisterValue(0xfff00000, 0x00040000, 12)).toBe(34);
    expect(hyperLogLogRegisterValue(0xfff00000, 0x00001000, 12)).toBe(40);
    expect(hyperLogLogRegisterValue(0xfff00000, 1, 12)).toBe(52);
    expect(hyperLogLogRegisterValue(0xfff00000, 0, 12)).toBe(53);
    expect(hyperLogLogRegisterValue(0, 0, 4)).toBe(61);
    expect(hyperLogLogRegisterValue(0, 0, 16)).toBe(49);
    expect(hyperLogLogRegisterValue(0xffff0000, 0x00010000, 16)).toBe(32);
  });

  it('changes nothing when a value comes again', () => {
    const sketch = sketchOf(12, ids(500));
    const before = sketch.toBytes();
    for (const value of ids(500)) sketch.add(value);
    expect(sketch.toBytes()).toEqual(before);
  });
});

describe('HyperLogLog.merge', () => {
  it('is commutative, associative and idempotent: any partition, merged in any order, any repeats, is the sketch of all values', () => {
    fc.assert(
      fc.property(
        precisionArb,
        fc.array(fc.tuple(valueArb, fc.nat({ max: 4 })), { maxLength: 300 }),
        fc.array(fc.nat({ max: 4 }), { minLength: 1, maxLength: 12 }),
        (precision, placed, mergeOrder) => {
          // Prepare: every value in one of five parts (a value may land in several, as redelivered values do).
          const parts = Array.from({ length: 5 }, () => HyperLogLog.create(precision));
          for (const [value, part] of placed) parts[part]!.add(value);
          const whole = sketchOf(
            precision,
            placed.map(([value]) => value),
          );
          // Act: merged in the given order, repeats included, then every part once more so none is missing.
          const merged = HyperLogLog.create(precision);
          for (const part of [...mergeOrder, 0, 1, 2, 3, 4]) merged.merge(parts[part]!);
          // Merged by a tree instead of a chain: ((0+1)+(2+3))+4.
          const left = parts[0]!.clone();
          left.merge(parts[1]!);
          const right = parts[2]!.clone();
          right.merge(parts[3]!);
          right.merge(left);
          right.merge(parts[4]!);
          // Assess
          expect(merged.toBytes()).toEqual(whole.toBytes());
          expect(right.toBytes()).toEqual(whole.toBytes());
          expect(merged.estimate()).toBe(whole.estimate());
          expect(merged.merge(whole)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('says whether a register grew', () => {
    const a = sketchOf(12, ids(100, 'a-'));
    const b = sketchOf(12, ids(100, 'b-'));
    expect(a.merge(b)).toBe(true);
    expect(a.merge(b)).toBe(false);
    expect(a.merge(a.clone())).toBe(false);
    expect(HyperLogLog.create(12).merge(HyperLogLog.create(12))).toBe(false);
  });

  it('refuses a sketch of another precision', () => {
    expect(() => HyperLogLog.create(12).merge(HyperLogLog.create(14))).toThrow(
      new SketchError('cannot merge a HyperLogLog of precision 14 into one of precision 12'),
    );
  });

  it('clone is independent of its original', () => {
    const original = sketchOf(8, ['x']);
    const copy = original.clone();
    copy.add('y');
    copy.add('z');
    expect(original.toBytes()).toEqual(sketchOf(8, ['x']).toBytes());
    expect(copy.toBytes()).toEqual(sketchOf(8, ['x', 'y', 'z']).toBytes());
  });
});

describe('HyperLogLog updates', () => {
  it('applying the values as updates is adding them: same bytes, in any split, and true exactly when a register grew', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 16 }),
        fc.array(valueArb, { maxLength: 60 }),
        fc.array(valueArb, { maxLength: 60 }),
        (p, first, second) => {
          const sketch = HyperLogLog.fromUpdates(
            p,
            first.map((value) => HyperLogLog.updateOf(value, p)),
          );
          expect(sketch.toBytes()).toEqual(sketchOf(p, first).toBytes());
          const before = sketch.toBytes();
          const grew = sketch.apply(second.map((value) => HyperLogLog.updateOf(value, p)));
          expect(sketch.toBytes()).toEqual(sketchOf(p, [...first, ...second]).toBytes());
          expect(grew).toBe(Buffer.compare(Buffer.from(before), Buffer.from(sketch.toBytes())) !== 0);
        },
      ),
    );
  });

  it('refuses an update for a register the precision does not have', () => {
    const update = HyperLogLog.updateOf('x', 16) | (1 << 21);
    expect(() => HyperLogLog.create(12).apply([update])).toThrow(SketchError);
  });
});

describe('HyperLogLog bytes', () => {
  it('round-trip: fromBytes(toBytes(x)) has the same bytes and estimate, sparse or dense', () => {
    fc.assert(
      fc.property(precisionArb, fc.integer({ min: 0, max: 3_000 }), fc.nat(), (precision, n, seed) => {
        const sketch = sketchOf(precision, ids(n, `s${seed}-`));
        const bytes = sketch.toBytes();
        const back = HyperLogLog.fromBytes(bytes);
        expect(back.precision).toBe(precision);
        expect(back.toBytes()).toEqual(bytes);
        expect(back.estimate()).toBe(sketch.estimate());
        // The read sketch is a working one: adding and merging go on from it.
        back.add('one more');
        sketch.add('one more');
        expect(back.toBytes()).toEqual(sketch.toBytes());
      }),
      { numRuns: 100 },
    );
  });

  it('are sparse while shorter than dense, then dense; sizes at p = 12', () => {
    const sizes = Object.fromEntries([0, 10, 100, 1_000, 10_000].map((n) => [n, sketchOf(12, ids(n)).toBytes()]));
    console.log(
      `HyperLogLog p=12 bytes by distinct values: ${Object.entries(sizes)
        .map(([n, bytes]) => `${n}: ${bytes.length} (${bytes[2] === 1 ? 'sparse' : 'dense'})`)
        .join(', ')}`,
    );
    // The figures the layout comment in core/sketches/hyperLogLog.ts states.
    expect(Object.fromEntries(Object.entries(sizes).map(([n, bytes]) => [n, bytes.length]))).toEqual({
      0: 3,
      10: 26,
      100: 222,
      1000: 1997,
      10000: 3075,
    });
    expect(sizes[1000]![2]).toBe(1);
    expect(sizes[10000]![2]).toBe(2);
  });

  it('switch to dense at the first set register that makes sparse as long: 1,365 at p = 12', () => {
    // Sparse takes p + 6 = 18 bits per set register; dense 3,072 bytes after the header.
    const registers = (n: number) => Array.from({ length: n }, (_, i): [number, number] => [i * 3, 1 + (i % 53)]);
    const lastSparse = HyperLogLog.fromBytes(sparseOf(12, registers(1_364)));
    expect(lastSparse.toBytes()).toHaveLength(3 + 3_069);
    expect(() => HyperLogLog.fromBytes(sparseOf(12, registers(1_365)))).toThrow(/not canonical: sparse of 3075 bytes, dense is 3075/);
    const firstDense = lastSparse.clone();
    firstDense.merge(HyperLogLog.fromBytes(sparseOf(12, [[4_095, 1]])));
    expect(firstDense.toBytes()).toHaveLength(3_075);
    expect(firstDense.toBytes()[2]).toBe(2);
    expect(HyperLogLog.fromBytes(firstDense.toBytes()).toBytes()).toEqual(firstDense.toBytes());
  });

  it('are accepted only when canonical: any bytes fromBytes reads, it writes back the same', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 40 }),
          // Near-valid: a real header and a real sketch's body, one byte changed.
          fc.tuple(precisionArb, fc.integer({ min: 0, max: 400 }), fc.nat(), fc.nat({ max: 255 })).map(([precision, n, at, byte]) => {
            const bytes = sketchOf(precision, ids(n)).toBytes();
            bytes[at % bytes.length] = byte;
            return bytes;
          }),
        ),
        (bytes) => {
          let sketch: HyperLogLog;
          try {
            sketch = HyperLogLog.fromBytes(bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(SketchError);
            expect((error as Error).message).toMatch(/^HyperLogLog [^\n]+$/);
            return;
          }
          expect(sketch.toBytes()).toEqual(bytes);
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it.each([
    ['empty', new Uint8Array(0), 'HyperLogLog bytes too short: 0 bytes, the header alone is 3'],
    ['a header cut short', Uint8Array.from([1, 12]), 'HyperLogLog bytes too short: 2 bytes, the header alone is 3'],
    ['another version', Uint8Array.from([2, 12, 1]), 'HyperLogLog bytes of unknown format version 2 (this code reads 1)'],
    ['precision 3', Uint8Array.from([1, 3, 1]), 'HyperLogLog bytes with precision 3, outside 4–16'],
    ['precision 17', Uint8Array.from([1, 17, 1]), 'HyperLogLog bytes with precision 17, outside 4–16'],
    ['encoding 0', Uint8Array.from([1, 12, 0]), 'HyperLogLog bytes of unknown encoding 0 (1 sparse, 2 dense)'],
    ['dense, too short', Uint8Array.from([1, 4, 2, 0, 0]), 'HyperLogLog dense bytes of precision 4 must be 15 long, got 5'],
    [
      'dense with a register above 65 − p',
      Uint8Array.from([1, 4, 2, 0xff, ...new Array(11).fill(0x41)]),
      'HyperLogLog register 0 holds 63, above the largest possible 61',
    ],
    [
      'dense where sparse is shorter',
      Uint8Array.from([1, 4, 2, 0x04, ...new Array(11).fill(0)]),
      'HyperLogLog bytes not canonical: 1 registers set, dense where sparse is shorter',
    ],
    [
      'sparse as long as dense',
      sparseOf(
        4,
        Array.from({ length: 12 }, (_, i) => [i, 1]),
      ),
      'HyperLogLog bytes not canonical: sparse of 18 bytes, dense is 15',
    ],
    [
      'sparse out of order',
      sparseOf(12, [
        [7, 1],
        [3, 2],
      ]),
      'HyperLogLog sparse entry 1 has index 3, not above the previous 7',
    ],
    [
      'sparse with a repeated index',
      sparseOf(12, [
        [7, 1],
        [7, 2],
      ]),
      'HyperLogLog sparse entry 1 has index 7, not above the previous 7',
    ],
    ['sparse with a zero register', sparseOf(12, [[7, 0]]), 'HyperLogLog sparse entry 0 holds 0, outside 1–53'],
    ['sparse above 65 − p', sparseOf(12, [[7, 54]]), 'HyperLogLog sparse entry 0 holds 54, outside 1–53'],
    ['sparse with set padding bits', sparseOf(12, [[7, 1]], '1'), 'HyperLogLog sparse bytes end in a partial entry or non-zero padding'],
    [
      'sparse with a byte too many',
      Uint8Array.from([...sparseOf(12, [[7, 1]]), 0]),
      'HyperLogLog sparse bytes end in a partial entry or non-zero padding',
    ],
  ])('refuses %s, saying what is wrong', (_case, bytes, message) => {
    expect(() => HyperLogLog.fromBytes(bytes)).toThrow(new SketchError(message));
  });

  it('reads the sparse bytes it documents', () => {
    const sketch = HyperLogLog.fromBytes(
      sparseOf(12, [
        [0, 3],
        [4095, 53],
      ]),
    );
    expect(sketch.estimate()).toBe(2);
    expect(() => HyperLogLog.fromBytes('abc' as unknown as Uint8Array)).toThrow(new SketchError('HyperLogLog bytes must be a Uint8Array'));
    // A Node.js Buffer (what some SDK paths hand back) is a Uint8Array.
    expect(HyperLogLog.fromBytes(Buffer.from(sketchOf(12, ['x']).toBytes())).estimate()).toBe(1);
  });
});
