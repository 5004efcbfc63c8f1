import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** An item as the low-level DynamoDB API carries it. */
export type DynamoItem = Record<string, AttributeValue>;

const utf8 = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * The size DynamoDB bills an item by, in bytes: the sum over attributes of
 * the name's UTF-8 length plus the value's size. The rules, from the DynamoDB
 * Developer Guide, "DynamoDB item sizes and formats"
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
 * - String: UTF-8 bytes. Binary: raw bytes (not the base64 on the wire).
 * - Number: about 1 byte per two significant digits + 1 byte (leading and trailing zeroes trimmed).
 * - Null, Boolean: 1 byte.
 * - List, Map: 3 bytes of overhead + the nested elements, + 1 byte per element.
 * - Sets: the sum of their elements' sizes (each by the scalar rule above).
 *
 * @example itemSizeBytes({ pk: { S: 'a' } }) // 3: "pk" (2) + "a" (1)
 */
export function itemSizeBytes(item: DynamoItem): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) bytes += utf8(name) + valueSizeBytes(value);
  return bytes;
}

/** The size of one attribute value without its name, by the rules on {@link itemSizeBytes}. */
export function valueSizeBytes(value: AttributeValue): number {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberSizeBytes(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, element) => sum + utf8(element), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, element) => sum + numberSizeBytes(element), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, element) => sum + element.byteLength, 0);
  if (value.L !== undefined) return 3 + value.L.reduce((sum, element) => sum + 1 + valueSizeBytes(element), 0);
  if (value.M !== undefined) {
    return 3 + Object.entries(value.M).reduce((sum, [name, element]) => sum + 1 + utf8(name) + valueSizeBytes(element), 0);
  }
  throw new Error(`an attribute value of no known type: ${JSON.stringify(value)}`);
}

/**
 * ceil(significant digits / 2) + 1: the docs' "1 byte per two significant
 * digits + 1 byte", rounding a lone digit up to a byte.
 */
export function numberSizeBytes(number: string): number {
  const digits = number
    .replace(/^[+-]/, '')
    .replace(/[eE][+-]?\d+$/, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}
