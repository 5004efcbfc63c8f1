/**
 * Exact decimal arithmetic for event values. Floats cannot sum 0.1 + 0.2
 * exactly and their result would depend on the order batches are applied in,
 * so values are carried as bigint counts of nano-units (value × 10^9).
 *
 * Why these limits: with |value| < 1e18 and at most 9 decimals a value has at
 * most 27 significant digits, so a sum of up to 1e11 values stays within the
 * 38 significant digits of a DynamoDB Number.
 */

/** Values must be strictly smaller than this in absolute value. */
export const MAX_ABS_VALUE = 1e18;

/** The most digits a value may have after the decimal point. */
export const VALUE_DECIMALS = 9;

const NANOS_PER_UNIT = 1_000_000_000n;
const ONE_IN_NANOS = NANOS_PER_UNIT;

/**
 * Converts a value to an exact count of nano-units.
 *
 * The value is taken as its shortest decimal representation (`String(value)`,
 * which is what the producer's JSON said for any number with up to 15
 * significant digits), never as the binary float, so `0.1` is exactly
 * `100_000_000n`.
 *
 * @returns value × 10^9 as a bigint, or `undefined` when the value is not
 *   finite, `|value| >= 1e18`, or it has more than 9 decimal places.
 * @example toNanos(12.5) // 12_500_000_000n
 * @example toNanos(1e-10) // undefined
 */
export function toNanos(value: number): bigint | undefined {
  // Fast path for the common case (the default value 1, small counters).
  if (value === 1) return ONE_IN_NANOS;
  if (Number.isSafeInteger(value)) return BigInt(value) * NANOS_PER_UNIT;
  if (!Number.isFinite(value) || Math.abs(value) >= MAX_ABS_VALUE) return undefined;
  return decimalStringToNanos(String(value));
}

/**
 * Parses `String(number)` output: `-?\d+(\.\d+)?(e[+-]\d+)?`. Anything else
 * cannot come from `String(number)` for a finite number.
 */
export function decimalStringToNanos(text: string): bigint | undefined {
  let end = text.length;
  let exponent = 0;
  const e = text.indexOf('e');
  if (e !== -1) {
    exponent = Number(text.slice(e + 1));
    end = e;
  }
  const negative = text.charCodeAt(0) === 45; // '-'
  const start = negative ? 1 : 0;
  const dot = text.indexOf('.', start);
  let digits: string;
  if (dot === -1 || dot > end) {
    digits = text.slice(start, end);
  } else {
    digits = text.slice(start, dot) + text.slice(dot + 1, end);
    exponent -= end - dot - 1;
  }
  // digits × 10^exponent is the value; nanos need a further 10^9.
  const shift = exponent + VALUE_DECIMALS;
  if (shift < 0) {
    // Dropping digits is only exact when they are all zeros.
    const keep = digits.length + shift;
    for (let i = Math.max(keep, 0); i < digits.length; i++) {
      if (digits.charCodeAt(i) !== 48) return undefined;
    }
    digits = keep > 0 ? digits.slice(0, keep) : '0';
  } else if (shift > 0) {
    digits += '0'.repeat(shift);
  }
  const magnitude = BigInt(digits);
  return negative ? -magnitude : magnitude;
}

/**
 * Formats nano-units as a plain decimal string, the format DynamoDB Numbers
 * accept: no exponent, no trailing zeros after the point, no `-0`.
 *
 * @example nanosToDecimalString(-12_500_000_000n) // '-12.5'
 * @example nanosToDecimalString(1n) // '0.000000001'
 */
export function nanosToDecimalString(nanos: bigint): string {
  const negative = nanos < 0n;
  const digits = (negative ? -nanos : nanos).toString().padStart(VALUE_DECIMALS + 1, '0');
  const split = digits.length - VALUE_DECIMALS;
  const whole = digits.slice(0, split);
  let fractionEnd = digits.length;
  while (fractionEnd > split && digits.charCodeAt(fractionEnd - 1) === 48) fractionEnd--;
  const text = fractionEnd === split ? whole : `${whole}.${digits.slice(split, fractionEnd)}`;
  return negative ? `-${text}` : text;
}
