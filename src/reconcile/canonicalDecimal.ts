/**
 * The canonical form of a DynamoDB Number's text, so that two sums compare
 * exactly as decimals ("1.50" and "1.5", "-0" and "0", "1E+2" and "100" are
 * equal) without going through a float, which would call different sums
 * above 2^53 equal.
 *
 * @returns the value without exponent, leading zeros or trailing fraction
 *   zeros, or `undefined` when `text` is not a decimal number.
 * @example canonicalDecimal('0012.500') // '12.5'
 */
export function canonicalDecimal(text: string): string | undefined {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!match) return undefined;
  const [, sign, whole = '', fraction = '', exponentText] = match;
  if (whole === '' && fraction === '') return undefined;
  let digits = whole + fraction;
  // The value is digits × 10^exponent.
  let exponent = (exponentText === undefined ? 0 : Number(exponentText)) - fraction.length;
  digits = digits.replace(/^0+/, '');
  if (digits === '') return '0';
  while (exponent < 0 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    exponent += 1;
  }
  let result: string;
  if (exponent >= 0) result = digits + '0'.repeat(exponent);
  else {
    const point = digits.length + exponent;
    result = point > 0 ? `${digits.slice(0, point)}.${digits.slice(point)}` : `0.${'0'.repeat(-point)}${digits}`;
  }
  return sign === '-' ? `-${result}` : result;
}

/** Whether two Number texts are the same decimal (malformed texts equal only themselves). */
export function sameDecimal(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (canonicalDecimal(a) ?? a) === (canonicalDecimal(b) ?? b);
}
