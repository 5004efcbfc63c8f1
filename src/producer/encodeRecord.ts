import { createHash } from 'node:crypto';
import { decodeRecord } from '../../core';
import { ProducerValidationError } from './errors';
import { KinesisLimits } from './kinesisLimits';
import type { ProducerEvent, ValidatedEvent } from './types';

/** A record ready for the buffer: its bytes, partition key and size. */
export interface EncodedRecord {
  readonly data: Uint8Array;
  readonly partitionKey: string;
  readonly bytes: number;
}

/**
 * The default partition key: the event's `key`, or its SHA-256 (hex) when the
 * key is longer than a Kinesis partition key may be. Either way every event of
 * one key lands on one shard.
 */
export function defaultPartitionKey(event: ValidatedEvent): string {
  return fitsPartitionKey(event.key) ? event.key : createHash('sha256').update(event.key, 'utf8').digest('hex');
}

/**
 * Serializes an event and validates the bytes exactly as the consumer will,
 * with the core's `decodeRecord`: what passes here is what the consumer
 * aggregates.
 *
 * @throws ProducerValidationError with the consumer's reason.
 */
export function encodeEvent(event: ProducerEvent, partitionKey: (event: ValidatedEvent) => string): EncodedRecord {
  let json: string | undefined;
  try {
    json = JSON.stringify(event);
  } catch (error) {
    throw new ProducerValidationError(`not serializable as JSON: ${(error as Error).message}`, { cause: error });
  }
  if (json === undefined) throw new ProducerValidationError('not serializable as JSON');
  return encodeBytes(Buffer.from(json, 'utf8'), partitionKey);
}

/**
 * Validates already serialized bytes (one NDJSON line, say) as they are, so
 * the stream gets them byte for byte.
 *
 * @throws ProducerValidationError with the consumer's reason.
 */
export function encodeBytes(data: Uint8Array, partitionKey: (event: ValidatedEvent) => string): EncodedRecord {
  const decoded = decodeRecord(data);
  if (!decoded.ok) throw new ProducerValidationError(decoded.message);
  let key: unknown;
  try {
    key = partitionKey(decoded.event);
  } catch (error) {
    throw new ProducerValidationError(`partitionKey threw: ${(error as Error).message}`, { cause: error });
  }
  return encodeRaw(data, key);
}

/**
 * Checks only what Kinesis itself would refuse (the partition key and the
 * record size): the bytes are not validated as an event. Kept apart so that a
 * deliberately malformed record can reach the consumer's quarantine.
 *
 * @throws ProducerValidationError when Kinesis would refuse the record.
 */
export function encodeRaw(data: Uint8Array, partitionKey: unknown): EncodedRecord {
  if (typeof partitionKey !== 'string' || partitionKey.length === 0 || !fitsPartitionKey(partitionKey)) {
    throw new ProducerValidationError(`partition key must be a string of 1-${KinesisLimits.maxPartitionKeyChars} characters`);
  }
  const bytes = data.length + Buffer.byteLength(partitionKey, 'utf8');
  if (bytes > KinesisLimits.maxBytesPerRecord) {
    throw new ProducerValidationError(
      `record is ${bytes} bytes with its partition key; the Kinesis limit is ${KinesisLimits.maxBytesPerRecord}`,
    );
  }
  return { data, partitionKey, bytes };
}

function fitsPartitionKey(key: string): boolean {
  if (key.length <= KinesisLimits.maxPartitionKeyChars) return true;
  if (key.length > 2 * KinesisLimits.maxPartitionKeyChars) return false;
  let chars = 0;
  for (let i = 0; i < key.length; i++) {
    const unit = key.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < key.length) {
      const next = key.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    chars++;
  }
  return chars <= KinesisLimits.maxPartitionKeyChars;
}
