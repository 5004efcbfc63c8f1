import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AggregatorConfig } from '../../../lambdas/aggregator/config';
import { decodeRecord, EventLimits } from '../../../core';
import { processBatch, type BatchPorts } from '../../../lambdas/aggregator/processBatch';
import type { QuarantinedRecord } from '../../../lambdas/aggregator/store/ports';
import { encodeBytes } from '../../../src/producer/encodeRecord';
import { ProducerValidationError } from '../../../src/producer/errors';
import { DAY, HOUR, MINUTE, utf8 } from './factories';

// The record size limit is enforced before any work proportional to the content: no UTF-8
// decoding, no JSON.parse. A 2 MB record of deeply nested JSON (the shape that makes a parser
// slow or exhausts its stack) is refused on its length alone, in the consumer and the producer.

const TWO_MB = 2 * 1_048_576;

/** `[[[ ... ]]]` of exactly `bytes` bytes (even). */
function nestedJson(bytes: number): Uint8Array {
  const depth = bytes / 2;
  return utf8('['.repeat(depth) + ']'.repeat(depth));
}

/** Spies on everything that would look at the content. */
function spyOnParsing() {
  return { parse: vi.spyOn(JSON, 'parse'), decode: vi.spyOn(TextDecoder.prototype, 'decode') };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the record size limit comes before parsing', () => {
  it('refuses a 2 MB record of nested JSON with the size reason, without decoding or parsing it', () => {
    // Prepare
    const record = nestedJson(TWO_MB);
    const spies = spyOnParsing();

    // Act
    const started = performance.now();
    const result = decodeRecord(record);
    const elapsedMs = performance.now() - started;

    // Assess
    expect(result).toEqual({ ok: false, message: `record is ${TWO_MB} bytes; the limit is ${EventLimits.maxRecordBytes}` });
    expect(spies.parse).not.toHaveBeenCalled();
    expect(spies.decode).not.toHaveBeenCalled();
    // A length check, not a scan: generous enough for a slow CI machine.
    expect(elapsedMs).toBeLessThan(20);
  });

  it('does parse a record at the limit, so the spies would have seen it', () => {
    const spies = spyOnParsing();
    const result = decodeRecord(nestedJson(EventLimits.maxRecordBytes));
    expect(result.ok).toBe(false);
    expect(spies.decode).toHaveBeenCalledTimes(1);
    expect(spies.parse).toHaveBeenCalledTimes(1);
  });

  it('applies a lower MAX_RECORD_BYTES before parsing too', () => {
    const spies = spyOnParsing();
    expect(decodeRecord(utf8('{"id":"a"}'), 5)).toEqual({ ok: false, message: 'record is 10 bytes; the limit is 5' });
    expect(spies.parse).not.toHaveBeenCalled();
  });

  it('quarantines the record in the consumer, unparsed, with the size reason', async () => {
    // Prepare
    const config: AggregatorConfig = {
      granularities: [MINUTE, HOUR, DAY],
      allowedLatenessMs: 3_600_000,
      maxClockSkewMs: 300_000,
      consumerName: 'test',
      dedupProducerIds: false,
      dedupRetentionMs: 0,
      parallelizationFactor: 1,
      maxRecordBytes: EventLimits.maxRecordBytes,
      writeConcurrency: 4,
    };
    const quarantined: QuarantinedRecord[] = [];
    const ports: BatchPorts = {
      aggregates: { apply: async () => undefined },
      checkpoints: { read: async () => undefined, advance: async () => undefined },
      quarantine: { put: async (record) => void quarantined.push(record) },
    };
    const record = { shardId: 'shardId-000000000000', sequenceNumber: '1', partitionKey: 'k', arrivalMs: 0, data: nestedJson(TWO_MB) };
    const spies = spyOnParsing();

    // Act
    const outcome = await processBatch([record], ports, config, () => 0);

    // Assess
    expect(outcome.failedFrom.size).toBe(0);
    expect(quarantined.map(({ reason, message }) => ({ reason, message }))).toEqual([
      { reason: 'invalid', message: `record is ${TWO_MB} bytes; the limit is ${EventLimits.maxRecordBytes}` },
    ]);
    expect(spies.parse).not.toHaveBeenCalled();
    expect(spies.decode).not.toHaveBeenCalled();
  });

  it('refuses it in the producer too, before parsing', () => {
    const spies = spyOnParsing();
    let error: unknown;
    try {
      encodeBytes(nestedJson(TWO_MB), () => 'k');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ProducerValidationError);
    expect((error as ProducerValidationError).reason).toBe(`record is ${TWO_MB} bytes; the limit is ${EventLimits.maxRecordBytes}`);
    expect(spies.parse).not.toHaveBeenCalled();
    expect(spies.decode).not.toHaveBeenCalled();
  });
});
