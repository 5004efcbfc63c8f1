/**
 * HyperLogLog distinct-count sketch (Flajolet et al. 2007) with Ertl's
 * improved estimator (./ertlEstimate.ts), in a compact, documented, versioned
 * byte format that the consumer stores in DynamoDB and the CLI reads.
 *
 * Written here because no maintained npm HyperLogLog fits: bloom-filters'
 * serializes to JSON and estimates with the original HyperLogLog formula, the
 * others are unmaintained or have no stable byte format. The bytes outlive any
 * library version, so the hash, the register rule and the layout are fixed here.
 *
 * Hash: MurmurHash3_x64_128 (seed 0) of the value's UTF-8 bytes, first 64-bit
 * word h1 (./murmurHash3.ts): about 250 ns per add for an 18-character id and
 * 560 ns for a 35-character key, where node:crypto's SHA-256 alone takes 1.5 µs
 * (`npx tsx bench/sketches`, Node 20, on 2 cores shared at load average 5–6:
 * a busy machine's figures). Register index = the top p bits of h1; register
 * value = rho of the remaining q = 64 − p bits (1 + their leading zeros, q + 1
 * when all are zero), so a register holds 0 … 65 − p (≤ 61: six bits).
 *
 * Byte layout (version 1), all bit fields most significant bit first:
 *
 *   byte 0   format version, 1
 *   byte 1   precision p, 4 … 16
 *   byte 2   encoding: 1 = sparse, 2 = dense
 *   sparse:  for each non-zero register in increasing index order, p bits of
 *            index then 6 bits of value (≥ 1); zero bits up to the next byte.
 *            No entries: an empty sketch, 3 bytes.
 *   dense:   the 2^p registers in index order, 6 bits each: 3 · 2^p / 4 bytes.
 *
 * Canonical: sparse exactly when it is shorter than dense, so equal registers
 * always give equal bytes; {@link HyperLogLog.fromBytes} refuses anything else.
 * At p = 12 (dense 3,075 bytes: three DynamoDB write units), 10 distinct
 * values take 26 bytes, 100 take 222, 1,000 take 1,997 (sparse up to 1,364 set
 * registers) and 10,000 the dense 3,075 (test/unit/core/sketches/hyperLogLog.test.ts).
 */
import { SketchError } from '../errors';
import { ertlEstimate } from './ertlEstimate';
import { type Hash64, murmurHash3Utf8 } from './murmurHash3';

export const HYPER_LOG_LOG_MIN_PRECISION = 4;
export const HYPER_LOG_LOG_MAX_PRECISION = 16;

const FORMAT_VERSION = 1;
const SPARSE = 1;
const DENSE = 2;
const HEADER_BYTES = 3;
const VALUE_BITS = 6;
const VALUE_MASK = (1 << VALUE_BITS) - 1;

/** 1.04 / √(2^p): the relative standard error of the estimate at precision p (Flajolet et al.). */
export function hyperLogLogStandardError(precision: number): number {
  checkPrecision(precision);
  return 1.04 / Math.sqrt(2 ** precision);
}

function checkPrecision(precision: number): void {
  if (!Number.isInteger(precision) || precision < HYPER_LOG_LOG_MIN_PRECISION || precision > HYPER_LOG_LOG_MAX_PRECISION) {
    throw new SketchError(
      `HyperLogLog precision must be an integer from ${HYPER_LOG_LOG_MIN_PRECISION} to ${HYPER_LOG_LOG_MAX_PRECISION}, got ${precision}`,
    );
  }
}

const denseBytes = (m: number) => HEADER_BYTES + (m * VALUE_BITS) / 8;
const sparseBytes = (entries: number, precision: number) => HEADER_BYTES + Math.ceil((entries * (precision + VALUE_BITS)) / 8);

/**
 * The register value of a 64-bit hash (hi, lo) at precision p: rho of the
 * 64 − p bits after the index, 1 + their leading zeros, or 65 − p when all are zero.
 */
export function hyperLogLogRegisterValue(hi: number, lo: number, precision: number): number {
  // The first 32 of those bits, then the rest left-aligned.
  const high = ((hi << precision) | (lo >>> (32 - precision))) >>> 0;
  if (high !== 0) return Math.clz32(high) + 1;
  const low = (lo << precision) >>> 0;
  return low !== 0 ? 33 + Math.clz32(low) : 65 - precision;
}

// The hash of the value being added; reused, so add() allocates nothing.
const hash: Hash64 = { hi: 0, lo: 0 };

export class HyperLogLog {
  /** Index bits: 2^p registers. */
  readonly precision: number;
  readonly #registers: Uint8Array;

  private constructor(precision: number, registers: Uint8Array) {
    this.precision = precision;
    this.#registers = registers;
  }

  /** An empty sketch of 2^precision registers; SketchError unless precision is an integer 4–16. */
  static create(precision: number): HyperLogLog {
    checkPrecision(precision);
    return new HyperLogLog(precision, new Uint8Array(2 ** precision));
  }

  /** The sketch {@link toBytes} wrote; SketchError naming what is wrong with any other bytes. */
  static fromBytes(bytes: Uint8Array): HyperLogLog {
    if (!(bytes instanceof Uint8Array)) throw new SketchError('HyperLogLog bytes must be a Uint8Array');
    if (bytes.length < HEADER_BYTES) throw new SketchError(`HyperLogLog bytes too short: ${bytes.length} bytes, the header alone is 3`);
    if (bytes[0] !== FORMAT_VERSION) throw new SketchError(`HyperLogLog bytes of unknown format version ${bytes[0]} (this code reads 1)`);
    const precision = bytes[1]!;
    if (precision < HYPER_LOG_LOG_MIN_PRECISION || precision > HYPER_LOG_LOG_MAX_PRECISION) {
      throw new SketchError(`HyperLogLog bytes with precision ${precision}, outside 4–16`);
    }
    const m = 2 ** precision;
    const maxValue = 65 - precision;
    const registers = new Uint8Array(m);
    const encoding = bytes[2];
    if (encoding === DENSE) {
      if (bytes.length !== denseBytes(m)) {
        throw new SketchError(`HyperLogLog dense bytes of precision ${precision} must be ${denseBytes(m)} long, got ${bytes.length}`);
      }
      let nonZero = 0;
      for (let i = 0, at = HEADER_BYTES; i < m; i += 4, at += 3) {
        const b0 = bytes[at]!;
        const b1 = bytes[at + 1]!;
        const b2 = bytes[at + 2]!;
        registers[i] = b0 >>> 2;
        registers[i + 1] = ((b0 & 0x3) << 4) | (b1 >>> 4);
        registers[i + 2] = ((b1 & 0xf) << 2) | (b2 >>> 6);
        registers[i + 3] = b2 & 0x3f;
      }
      for (let i = 0; i < m; i++) {
        const value = registers[i]!;
        if (value > maxValue) throw new SketchError(`HyperLogLog register ${i} holds ${value}, above the largest possible ${maxValue}`);
        if (value !== 0) nonZero++;
      }
      if (sparseBytes(nonZero, precision) < bytes.length) {
        throw new SketchError(`HyperLogLog bytes not canonical: ${nonZero} registers set, dense where sparse is shorter`);
      }
      return new HyperLogLog(precision, registers);
    }
    if (encoding !== SPARSE) throw new SketchError(`HyperLogLog bytes of unknown encoding ${encoding} (1 sparse, 2 dense)`);
    if (bytes.length >= denseBytes(m)) {
      throw new SketchError(`HyperLogLog bytes not canonical: sparse of ${bytes.length} bytes, dense is ${denseBytes(m)}`);
    }
    const width = precision + VALUE_BITS;
    const entries = Math.floor(((bytes.length - HEADER_BYTES) * 8) / width);
    let acc = 0;
    let accBits = 0;
    let at = HEADER_BYTES;
    let previous = -1;
    for (let n = 0; n < entries; n++) {
      while (accBits < width) {
        acc = ((acc << 8) | bytes[at++]!) >>> 0;
        accBits += 8;
      }
      accBits -= width;
      const entry = acc >>> accBits;
      acc &= (1 << accBits) - 1;
      const index = entry >>> VALUE_BITS;
      const value = entry & 0x3f;
      if (index <= previous) throw new SketchError(`HyperLogLog sparse entry ${n} has index ${index}, not above the previous ${previous}`);
      if (value === 0 || value > maxValue) throw new SketchError(`HyperLogLog sparse entry ${n} holds ${value}, outside 1–${maxValue}`);
      registers[index] = value;
      previous = index;
    }
    // What is left is padding: fewer bits than an entry, all zero, within the last byte.
    while (at < bytes.length) {
      acc = ((acc << 8) | bytes[at++]!) >>> 0;
      accBits += 8;
    }
    if (accBits >= 8 || acc !== 0) throw new SketchError('HyperLogLog sparse bytes end in a partial entry or non-zero padding');
    return new HyperLogLog(precision, registers);
  }

  /**
   * The register raise `value` asks of a sketch of `precision`, packed as
   * `index << 6 | rho` (rho ≤ 61 fits in 6 bits): what {@link apply} takes. A
   * batch's values as such numbers are small beside a sketch, and applying them
   * costs per value, not per register.
   */
  static updateOf(value: string, precision: number): number {
    murmurHash3Utf8(value, hash);
    const index = hash.hi >>> (32 - precision);
    return (index << VALUE_BITS) | hyperLogLogRegisterValue(hash.hi, hash.lo, precision);
  }

  /** A sketch holding exactly the values behind `updates` (see {@link updateOf}). */
  static fromUpdates(precision: number, updates: readonly number[]): HyperLogLog {
    const sketch = HyperLogLog.create(precision);
    sketch.apply(updates);
    return sketch;
  }

  /**
   * Raises registers by `updates` (from {@link updateOf} at this precision), as
   * adding their values would: the same result as merging their sketch. True if any
   * register grew; when false, nothing changed.
   */
  apply(updates: readonly number[]): boolean {
    const registers = this.#registers;
    const limit = registers.length;
    let changed = false;
    for (const update of updates) {
      const index = update >>> VALUE_BITS;
      const rho = update & VALUE_MASK;
      if (index >= limit) throw new SketchError(`HyperLogLog update for register ${index} does not fit precision ${this.precision}`);
      if (rho > registers[index]!) {
        registers[index] = rho;
        changed = true;
      }
    }
    return changed;
  }

  /** Count one occurrence of `value` (its UTF-8 bytes); adding a value again changes nothing. */
  add(value: string): void {
    murmurHash3Utf8(value, hash);
    const index = hash.hi >>> (32 - this.precision);
    const rho = hyperLogLogRegisterValue(hash.hi, hash.lo, this.precision);
    if (rho > this.#registers[index]!) this.#registers[index] = rho;
  }

  /**
   * Fold `other` in, register by register, keeping the larger: commutative,
   * associative and idempotent, so merging the same sketch again is a no-op.
   * True if any register grew. SketchError on a sketch of another precision.
   */
  merge(other: HyperLogLog): boolean {
    if (other.precision !== this.precision) {
      throw new SketchError(`cannot merge a HyperLogLog of precision ${other.precision} into one of precision ${this.precision}`);
    }
    const mine = this.#registers;
    const theirs = other.#registers;
    let changed = false;
    for (let i = 0; i < mine.length; i++) {
      if (theirs[i]! > mine[i]!) {
        mine[i] = theirs[i]!;
        changed = true;
      }
    }
    return changed;
  }

  /** The estimated number of distinct values added, rounded to an integer; 0 for an empty sketch. */
  estimate(): number {
    const q = 64 - this.precision;
    const histogram = new Float64Array(q + 2);
    for (const value of this.#registers) histogram[value]!++;
    return Math.round(ertlEstimate(histogram, this.#registers.length, q));
  }

  /** The canonical bytes (layout in this file's comment): equal registers give equal bytes. */
  toBytes(): Uint8Array {
    const registers = this.#registers;
    const m = registers.length;
    const p = this.precision;
    // Most sketches of a window's cell are sparse: words of four registers let
    // both passes skip the empty ones four at a time (m is a multiple of 4).
    const words = new Uint32Array(registers.buffer, registers.byteOffset, m >>> 2);
    let nonZero = 0;
    for (let w = 0; w < words.length; w++) {
      const word = words[w]!;
      if (word === 0) continue;
      const at = w << 2;
      nonZero +=
        (registers[at] !== 0 ? 1 : 0) +
        (registers[at + 1] !== 0 ? 1 : 0) +
        (registers[at + 2] !== 0 ? 1 : 0) +
        (registers[at + 3] !== 0 ? 1 : 0);
    }
    const sparseLength = sparseBytes(nonZero, p);
    const dense = sparseLength >= denseBytes(m);
    const out = new Uint8Array(dense ? denseBytes(m) : sparseLength);
    out[0] = FORMAT_VERSION;
    out[1] = p;
    out[2] = dense ? DENSE : SPARSE;
    if (dense) {
      for (let i = 0, at = HEADER_BYTES; i < m; i += 4, at += 3) {
        const r1 = registers[i + 1]!;
        const r2 = registers[i + 2]!;
        out[at] = (registers[i]! << 2) | (r1 >>> 4);
        out[at + 1] = ((r1 & 0xf) << 4) | (r2 >>> 2);
        out[at + 2] = ((r2 & 0x3) << 6) | registers[i + 3]!;
      }
      return out;
    }
    const width = p + VALUE_BITS;
    let acc = 0;
    let accBits = 0;
    let at = HEADER_BYTES;
    for (let w = 0; w < words.length; w++) {
      if (words[w] === 0) continue;
      for (let i = w << 2, end = i + 4; i < end; i++) {
        const value = registers[i]!;
        if (value === 0) continue;
        acc = ((acc << width) | (i << VALUE_BITS) | value) >>> 0;
        accBits += width;
        while (accBits >= 8) {
          accBits -= 8;
          out[at++] = acc >>> accBits;
          acc &= (1 << accBits) - 1;
        }
      }
    }
    if (accBits > 0) out[at] = acc << (8 - accBits);
    return out;
  }

  /** An independent copy. */
  clone(): HyperLogLog {
    return new HyperLogLog(this.precision, this.#registers.slice());
  }
}
