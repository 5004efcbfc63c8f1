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
// scratch instead of a returned pair, so the hot path allocates nothing. A
// typed array rather than two module `let`s: measured 25 % faster.
const r = new Uint32Array(2);
const HI = 0;
const LO = 1;

/** (aHi,aLo) × (bHi,bLo) mod 2^64 into r. */
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
  r[LO] = ((c1 << 16) | c0) >>> 0;
  r[HI] = (c2 + Math.imul(aLo, bHi) + Math.imul(aHi, bLo)) >>> 0;
}

/** (aHi,aLo) + (bHi,bLo) mod 2^64 into r. */
function add64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const lo = aLo + bLo;
  r[LO] = lo >>> 0;
  r[HI] = (aHi + bHi + (lo > 0xffffffff ? 1 : 0)) >>> 0;
}

/** Rotate (hi,lo) left by `bits`, 0 < bits < 32, into r. */
function rotl64(hi: number, lo: number, bits: number): void {
  r[HI] = (hi << bits) | (lo >>> (32 - bits));
  r[LO] = (lo << bits) | (hi >>> (32 - bits));
}

/** The reference's `fmix64` of (hi,lo) into r. */
function fmix64(hi: number, lo: number): void {
  // k ^= k >>> 33 only moves high bits into the low word.
  lo = (lo ^ (hi >>> 1)) >>> 0;
  mul64(hi, lo, FMIX1_HI, FMIX1_LO);
  hi = r[HI]!;
  lo = (r[LO]! ^ (hi >>> 1)) >>> 0;
  mul64(hi, lo, FMIX2_HI, FMIX2_LO);
  hi = r[HI]!;
  r[LO] = (r[LO]! ^ (hi >>> 1)) >>> 0;
  r[HI] = hi;
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
    rotl64(r[HI]!, r[LO]!, 31);
    mul64(r[HI]!, r[LO]!, C2_HI, C2_LO);
    h1Hi = (h1Hi ^ r[HI]!) >>> 0;
    h1Lo = (h1Lo ^ r[LO]!) >>> 0;
    rotl64(h1Hi, h1Lo, 27);
    add64(r[HI]!, r[LO]!, h2Hi, h2Lo);
    mul64(r[HI]!, r[LO]!, 0, 5);
    add64(r[HI]!, r[LO]!, 0, 0x52dce729);
    h1Hi = r[HI]!;
    h1Lo = r[LO]!;
    // k2 = block word 1: mix into h2 (rotl 33 = swap halves, then rotl 1).
    mul64(word(bytes, i + 12), word(bytes, i + 8), C2_HI, C2_LO);
    rotl64(r[LO]!, r[HI]!, 1);
    mul64(r[HI]!, r[LO]!, C1_HI, C1_LO);
    h2Hi = (h2Hi ^ r[HI]!) >>> 0;
    h2Lo = (h2Lo ^ r[LO]!) >>> 0;
    rotl64(h2Hi, h2Lo, 31);
    add64(r[HI]!, r[LO]!, h1Hi, h1Lo);
    mul64(r[HI]!, r[LO]!, 0, 5);
    add64(r[HI]!, r[LO]!, 0, 0x38495ab5);
    h2Hi = r[HI]!;
    h2Lo = r[LO]!;
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
    rotl64(r[LO]!, r[HI]!, 1);
    mul64(r[HI]!, r[LO]!, C1_HI, C1_LO);
    h2Hi = (h2Hi ^ r[HI]!) >>> 0;
    h2Lo = (h2Lo ^ r[LO]!) >>> 0;
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
    rotl64(r[HI]!, r[LO]!, 31);
    mul64(r[HI]!, r[LO]!, C2_HI, C2_LO);
    h1Hi = (h1Hi ^ r[HI]!) >>> 0;
    h1Lo = (h1Lo ^ r[LO]!) >>> 0;
  }
  // Finalization; the length fits the low word (a value is far below 4 GiB).
  h1Lo = (h1Lo ^ length) >>> 0;
  h2Lo = (h2Lo ^ length) >>> 0;
  add64(h1Hi, h1Lo, h2Hi, h2Lo);
  h1Hi = r[HI]!;
  h1Lo = r[LO]!;
  add64(h2Hi, h2Lo, h1Hi, h1Lo);
  h2Hi = r[HI]!;
  h2Lo = r[LO]!;
  fmix64(h1Hi, h1Lo);
  h1Hi = r[HI]!;
  h1Lo = r[LO]!;
  fmix64(h2Hi, h2Lo);
  add64(h1Hi, h1Lo, r[HI]!, r[LO]!);
  out.hi = r[HI]!;
  out.lo = r[LO]!;
}

// One growable buffer for the UTF-8 bytes of the value being hashed.
let utf8 = new Uint8Array(256);

/**
 * MurmurHash3_x64_128 h1 of the UTF-8 bytes of `value`, a lone surrogate as
 * U+FFFD (as TextEncoder writes it). Encoded by hand: TextEncoder.encodeInto
 * measured about 1 µs per short string, several times the hash itself.
 */
export function murmurHash3Utf8(value: string, out: Hash64): void {
  // At most 3 bytes per UTF-16 unit (a surrogate pair: 4 bytes for 2 units).
  if (value.length * 3 > utf8.length) utf8 = new Uint8Array(value.length * 3);
  const bytes = utf8;
  let length = 0;
  for (let i = 0; i < value.length; i++) {
    let unit = value.charCodeAt(i);
    if (unit < 0x80) {
      bytes[length++] = unit;
      continue;
    }
    if (unit < 0x800) {
      bytes[length++] = 0xc0 | (unit >>> 6);
      bytes[length++] = 0x80 | (unit & 0x3f);
      continue;
    }
    if (unit >= 0xd800 && unit <= 0xdfff) {
      const next = i + 1 < value.length ? value.charCodeAt(i + 1) : 0;
      if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const codePoint = 0x10000 + ((unit - 0xd800) << 10) + (next - 0xdc00);
        bytes[length++] = 0xf0 | (codePoint >>> 18);
        bytes[length++] = 0x80 | ((codePoint >>> 12) & 0x3f);
        bytes[length++] = 0x80 | ((codePoint >>> 6) & 0x3f);
        bytes[length++] = 0x80 | (codePoint & 0x3f);
        i++;
        continue;
      }
      unit = 0xfffd;
    }
    bytes[length++] = 0xe0 | (unit >>> 12);
    bytes[length++] = 0x80 | ((unit >>> 6) & 0x3f);
    bytes[length++] = 0x80 | (unit & 0x3f);
  }
  murmurHash3x64Low64(bytes, length, out);
}
