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
 * word h1 (./murmurHash3.ts). Register index = the top p bits of h1; register
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
 * At p = 12 (dense 3,075 bytes), 10 distinct values take 26 bytes, 100 take
 * 224, 1,000 take 1,954 and 10,000 the dense 3,075 (test/unit/core/sketches/hyperLogLog.test.ts).
 */
import { SketchError } from '../errors';
import { ertlEstimate } from './ertlEstimate';
import { type Hash64, hashString } from './murmurHash3';

export const HYPER_LOG_LOG_MIN_PRECISION = 4;
export const HYPER_LOG_LOG_MAX_PRECISION = 16;

const FORMAT_VERSION = 1;
const SPARSE = 1;
const DENSE = 2;
const HEADER_BYTES = 3;
const VALUE_BITS = 6;

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

  /** Count one occurrence of `value` (its UTF-8 bytes); adding a value again changes nothing. */
  add(value: string): void {
    hashString(value, hash);
    const p = this.precision;
    const index = hash.hi >>> (32 - p);
    // rho of the 64 − p bits after the index: the first 32 of them, then the rest left-aligned.
    const high = ((hash.hi << p) | (hash.lo >>> (32 - p))) >>> 0;
    let rho: number;
    if (high !== 0) rho = Math.clz32(high) + 1;
    else {
      const low = (hash.lo << p) >>> 0;
      rho = low !== 0 ? 33 + Math.clz32(low) : 65 - p;
    }
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
    let nonZero = 0;
    for (let i = 0; i < m; i++) if (registers[i] !== 0) nonZero++;
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
    for (let i = 0; i < m; i++) {
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
    if (accBits > 0) out[at] = acc << (8 - accBits);
    return out;
  }

  /** An independent copy. */
  clone(): HyperLogLog {
    return new HyperLogLog(this.precision, this.#registers.slice());
  }
}
