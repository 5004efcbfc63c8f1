/**
 * MurmurHash3 x64 128 (Austin Appleby's reference `MurmurHash3_x64_128`,
 * seed 0), of which the HyperLogLog keeps the first 64-bit word `h1`.
 *
 * Why this hash, written here: the sketch's bytes are stored and merged for
 * as long as the data is kept, so the hash must be fixed, well mixed in all
 * 64 bits (HyperLogLog uses every bit) and the same on every Node.js version.
 * MurmurHash3 passes SMHasher and is the hash of most published HyperLogLogs.
 * `node:crypto` is out (the core imports nothing, test/unit/core/coreBoundary.test.ts)
 * and npm's MurmurHash3 ports either stop at the 32-bit x86 variants or return
 * hex strings (an allocation and a parse per value). BigInt arithmetic is
 * exact but allocates on every operation; this is the same algorithm in
 * 32-bit halves, checked against the reference port murmurhash3js-revisited in
 * test/unit/core/sketches/murmurHash3.test.ts.
 */

// The 64-bit constants of the reference, as (high, low) 32-bit halves.
const C1_HI = 0x87c37b91;
const C1_LO = 0x114253d5;
const C2_HI = 0x4cf5ad43;
const C2_LO = 0x2745937f;
const FMIX1_HI = 0xff51afd7;
const FMIX1_LO = 0xed558ccd;
const FMIX2_HI = 0xc4ceb9fe;
const FMIX2_LO = 0x1a85ec53;

// The result of the 64-bit helpers below, as unsigned 32-bit halves: module
// scratch instead of a returned pair, so the hot path allocates nothing.
let rHi = 0;
let rLo = 0;

/** (aHi,aLo) × (bHi,bLo) mod 2^64 into (rHi, rLo). */
function mul64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const a0 = aLo & 0xffff;
  const a1 = aLo >>> 16;
  const b0 = bLo & 0xffff;
  const b1 = bLo >>> 16;
  let c0 = a0 * b0;
  let c1 = (c0 >>> 16) + a1 * b0;
  let c2 = c1 >>> 16;
  c1 = (c1 & 0xffff) + a0 * b1;
  c2 += c1 >>> 16;
  c2 += a1 * b1;
  c0 &= 0xffff;
  c1 &= 0xffff;
  rLo = ((c1 << 16) | c0) >>> 0;
  rHi = (c2 + Math.imul(aLo, bHi) + Math.imul(aHi, bLo)) >>> 0;
}

/** (aHi,aLo) + (bHi,bLo) mod 2^64 into (rHi, rLo). */
function add64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const lo = aLo + bLo;
  rLo = lo >>> 0;
  rHi = (aHi + bHi + (lo > 0xffffffff ? 1 : 0)) >>> 0;
}

/** Rotate (hi,lo) left by r, 0 < r < 32, into (rHi, rLo). */
function rotl64(hi: number, lo: number, r: number): void {
  rHi = ((hi << r) | (lo >>> (32 - r))) >>> 0;
  rLo = ((lo << r) | (hi >>> (32 - r))) >>> 0;
}

/** The reference's `fmix64` of (hi,lo) into (rHi, rLo). */
function fmix64(hi: number, lo: number): void {
  // k ^= k >>> 33 only moves high bits into the low word.
  lo = (lo ^ (hi >>> 1)) >>> 0;
  mul64(hi, lo, FMIX1_HI, FMIX1_LO);
  hi = rHi;
  lo = (rLo ^ (hi >>> 1)) >>> 0;
  mul64(hi, lo, FMIX2_HI, FMIX2_LO);
  hi = rHi;
  rLo = (rLo ^ (hi >>> 1)) >>> 0;
  rHi = hi;
}

/** Little-endian 32-bit word of `bytes` at `i`. */
function word(bytes: Uint8Array, i: number): number {
  return (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0;
}

/** The first 64-bit half h1 of MurmurHash3_x64_128(bytes[0..length), seed 0), as unsigned 32-bit halves. */
export interface Hash64 {
  hi: number;
  lo: number;
}

/**
 * MurmurHash3_x64_128 of the first `length` bytes, seed 0; writes h1 (the
 * first 64-bit output word, the low half of the 128-bit value) into `out`.
 */
export function murmurHash3x64Low64(bytes: Uint8Array, length: number, out: Hash64): void {
  let h1Hi = 0;
  let h1Lo = 0;
  let h2Hi = 0;
  let h2Lo = 0;
  let kHi: number;
  let kLo: number;
  const blocks = length - (length % 16);
  for (let i = 0; i < blocks; i += 16) {
    // k1 = block word 0: mix into h1.
    mul64(word(bytes, i + 4), word(bytes, i), C1_HI, C1_LO);
    rotl64(rHi, rLo, 31);
    mul64(rHi, rLo, C2_HI, C2_LO);
    h1Hi = (h1Hi ^ rHi) >>> 0;
    h1Lo = (h1Lo ^ rLo) >>> 0;
    rotl64(h1Hi, h1Lo, 27);
    add64(rHi, rLo, h2Hi, h2Lo);
    mul64(rHi, rLo, 0, 5);
    add64(rHi, rLo, 0, 0x52dce729);
    h1Hi = rHi;
    h1Lo = rLo;
    // k2 = block word 1: mix into h2 (rotl 33 = swap halves, then rotl 1).
    mul64(word(bytes, i + 12), word(bytes, i + 8), C2_HI, C2_LO);
    rotl64(rLo, rHi, 1);
    mul64(rHi, rLo, C1_HI, C1_LO);
    h2Hi = (h2Hi ^ rHi) >>> 0;
    h2Lo = (h2Lo ^ rLo) >>> 0;
    rotl64(h2Hi, h2Lo, 31);
    add64(rHi, rLo, h1Hi, h1Lo);
    mul64(rHi, rLo, 0, 5);
    add64(rHi, rLo, 0, 0x38495ab5);
    h2Hi = rHi;
    h2Lo = rLo;
  }
  const tail = length - blocks;
  if (tail > 8) {
    kHi = 0;
    kLo = 0;
    for (let j = tail - 1; j >= 8; j--) {
      const shift = (j - 8) * 8;
      if (shift < 32) kLo |= bytes[blocks + j]! << shift;
      else kHi |= bytes[blocks + j]! << (shift - 32);
    }
    mul64(kHi >>> 0, kLo >>> 0, C2_HI, C2_LO);
    rotl64(rLo, rHi, 1);
    mul64(rHi, rLo, C1_HI, C1_LO);
    h2Hi = (h2Hi ^ rHi) >>> 0;
    h2Lo = (h2Lo ^ rLo) >>> 0;
  }
  if (tail > 0) {
    kHi = 0;
    kLo = 0;
    for (let j = Math.min(tail, 8) - 1; j >= 0; j--) {
      const shift = j * 8;
      if (shift < 32) kLo |= bytes[blocks + j]! << shift;
      else kHi |= bytes[blocks + j]! << (shift - 32);
    }
    mul64(kHi >>> 0, kLo >>> 0, C1_HI, C1_LO);
    rotl64(rHi, rLo, 31);
    mul64(rHi, rLo, C2_HI, C2_LO);
    h1Hi = (h1Hi ^ rHi) >>> 0;
    h1Lo = (h1Lo ^ rLo) >>> 0;
  }
  // Finalization; the length fits the low word (a value is far below 4 GiB).
  h1Lo = (h1Lo ^ length) >>> 0;
  h2Lo = (h2Lo ^ length) >>> 0;
  add64(h1Hi, h1Lo, h2Hi, h2Lo);
  h1Hi = rHi;
  h1Lo = rLo;
  add64(h2Hi, h2Lo, h1Hi, h1Lo);
  h2Hi = rHi;
  h2Lo = rLo;
  fmix64(h1Hi, h1Lo);
  h1Hi = rHi;
  h1Lo = rLo;
  fmix64(h2Hi, h2Lo);
  add64(h1Hi, h1Lo, rHi, rLo);
  out.hi = rHi;
  out.lo = rLo;
}

// One growable buffer for the UTF-8 bytes of the value being hashed.
let utf8 = new Uint8Array(256);
const encoder = new TextEncoder();

/** MurmurHash3_x64_128 h1 of the UTF-8 bytes of `value` (lone surrogates as U+FFFD, as TextEncoder writes them). */
export function hashString(value: string, out: Hash64): void {
  // At most 3 bytes per UTF-16 unit.
  if (value.length * 3 > utf8.length) utf8 = new Uint8Array(value.length * 3);
  let length = 0;
  // ASCII, the common case of ids and keys, without TextEncoder's call overhead.
  for (; length < value.length; length++) {
    const unit = value.charCodeAt(length);
    if (unit >= 0x80) break;
    utf8[length] = unit;
  }
  if (length < value.length) length = encoder.encodeInto(value, utf8).written;
  murmurHash3x64Low64(utf8, length, out);
}
