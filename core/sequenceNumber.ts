/**
 * Kinesis sequence numbers are decimal strings of up to 129 digits: far too
 * large for a JS number, and of varying length, so plain string comparison
 * would order "9" after "10". Zero-padding them to a fixed width makes string
 * order equal numeric order, which lets DynamoDB conditions (`<`, `>`) and
 * sort keys compare them directly.
 */

/** The most digits a Kinesis sequence number can have, and the padded width. */
export const SEQUENCE_NUMBER_WIDTH = 129;

/**
 * Zero-pads a sequence number to {@link SEQUENCE_NUMBER_WIDTH} characters.
 *
 * @throws Error when `seq` is empty, has a non-digit or more than 129 digits.
 *   Kinesis never sends such values, so this is a bug, not a user error.
 * @example padSequenceNumber('42') // '000…00042' (129 chars)
 */
export function padSequenceNumber(seq: string): string {
  const length = seq.length;
  if (length === 0 || length > SEQUENCE_NUMBER_WIDTH) {
    throw new Error(`sequence number must have 1-${SEQUENCE_NUMBER_WIDTH} digits, got ${length}`);
  }
  // Hot path (once per record): a native regex search finds a non-digit
  // faster than a loop; the loop only runs to name its position.
  if (NON_DIGIT.test(seq)) {
    for (let i = 0; i < length; i++) {
      const c = seq.charCodeAt(i);
      if (c < 48 || c > 57) throw new Error(`sequence number must be decimal digits only, got a non-digit at position ${i}`);
    }
  }
  return length === SEQUENCE_NUMBER_WIDTH ? seq : ZERO_PREFIXES[length]! + seq;
}

const NON_DIGIT = /[^0-9]/;
/** `ZERO_PREFIXES[n]`: the zeros that pad an n-digit sequence number, made once rather than per record. */
const ZERO_PREFIXES: readonly string[] = Array.from({ length: SEQUENCE_NUMBER_WIDTH + 1 }, (_, digits) =>
  '0'.repeat(SEQUENCE_NUMBER_WIDTH - digits),
);

/**
 * Strips the padding added by {@link padSequenceNumber}, keeping a single `0`
 * for zero, so that the result matches what Kinesis reported.
 */
export function unpadSequenceNumber(padded: string): string {
  const start = firstSignificantDigit(padded);
  return start === padded.length ? '0' : padded.slice(start);
}

/**
 * Compares two sequence numbers numerically, without converting them to JS
 * numbers (which would lose precision past 2^53). Padded and unpadded inputs
 * of any length may be mixed. Inputs are assumed to be decimal digit strings.
 *
 * @returns -1 when `a < b`, 0 when equal, 1 when `a > b`.
 */
export function compareSequenceNumbers(a: string, b: string): -1 | 0 | 1 {
  const aStart = firstSignificantDigit(a);
  const bStart = firstSignificantDigit(b);
  const aDigits = a.length - aStart;
  const bDigits = b.length - bStart;
  if (aDigits !== bDigits) return aDigits < bDigits ? -1 : 1;
  // Same number of significant digits: the first differing digit decides.
  for (let i = 0; i < aDigits; i++) {
    const ca = a.charCodeAt(aStart + i);
    const cb = b.charCodeAt(bStart + i);
    if (ca !== cb) return ca < cb ? -1 : 1;
  }
  return 0;
}

/** Index of the first non-zero character, or the length when all are zeros. */
function firstSignificantDigit(digits: string): number {
  let i = 0;
  while (i < digits.length && digits.charCodeAt(i) === 48) i++;
  return i;
}
