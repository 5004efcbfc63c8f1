import { cbor, tagSymbol } from '@smithy/core/cbor';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * The encoding of a Kinesis request and its answer: JSON (`application/x-amz-json-1.1`,
 * the AWS SDK for JavaScript, Python, Go) or CBOR (`application/x-amz-cbor-1.1`, the
 * AWS SDK for Java's default, and so the KPL and the KCL). kinesis-mock speaks both;
 * the journaling front reads and writes each client's own.
 */
export interface WireFormat {
  readonly contentType: string;
  decode(body: Buffer): Record<string, unknown>;
  encode(value: Record<string, unknown>): Buffer;
  /**
   * The body as JSON text with blobs in base64 and timestamps in epoch seconds (the
   * journal's form). JSON bodies are returned as they are, unparsed.
   */
  toJsonText(body: Buffer): string;
}

const JSON_WIRE: WireFormat = {
  contentType: 'application/x-amz-json-1.1',
  decode: (body) => JSON.parse(body.toString('utf8')) as Record<string, unknown>,
  encode: (value) => Buffer.from(JSON.stringify(value)),
  toJsonText: (body) => body.toString('utf8'),
};

const CBOR_WIRE: WireFormat = {
  contentType: 'application/x-amz-cbor-1.1',
  decode: (body) => cbor.deserialize(new Uint8Array(body.buffer, body.byteOffset, body.length)) as Record<string, unknown>,
  encode: (value) => Buffer.from(cbor.serialize(fromJsonView(value))),
  toJsonText: (body) => JSON.stringify(toJsonView(CBOR_WIRE.decode(body))),
};

/** The wire format of a request, from its content type. */
export function wireFormatOf(headers: IncomingHttpHeaders): WireFormat {
  return String(headers['content-type'] ?? '').includes('cbor') ? CBOR_WIRE : JSON_WIRE;
}

export { JSON_WIRE };

/** A CBOR tagged value as the deserializer gives it (tag 1: a timestamp in epoch seconds). */
const isTagged = (value: unknown): value is { tag: number; value: unknown } => Boolean(value && typeof value === 'object' && (value as Record<symbol, unknown>)[tagSymbol]);

/** Blobs to base64 and timestamps to epoch seconds, as Kinesis's JSON protocol writes them. */
function toJsonView(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (isTagged(value)) return value.tag === 1 ? value.value : toJsonView(value.value);
  if (Array.isArray(value)) return value.map(toJsonView);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, toJsonView(inner)]));
  return value;
}

/** The reverse for the fields the front writes itself: `Data` back to bytes. */
function fromJsonView(value: unknown, key?: string): unknown {
  if (key === 'Data' && typeof value === 'string') return new Uint8Array(Buffer.from(value, 'base64'));
  if (Array.isArray(value)) return value.map((inner) => fromJsonView(inner));
  if (value && typeof value === 'object' && !(value instanceof Uint8Array) && !isTagged(value)) {
    return Object.fromEntries(Object.entries(value).map(([innerKey, inner]) => [innerKey, fromJsonView(inner, innerKey)]));
  }
  return value;
}
