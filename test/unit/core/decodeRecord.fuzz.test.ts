import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AggregatorConfig } from '../../../lambdas/aggregator/config';
import { decodeRecord, type StreamRecord } from '../../../core';
import { processBatch, type BatchPorts } from '../../../lambdas/aggregator/processBatch';
import type { QuarantinedRecord } from '../../../lambdas/aggregator/store/ports';
import {
  entriesToJson,
  eventEntries,
  extraEntries,
  FIELD_NAMES,
  invalidValues,
  MISSING,
  validEvent,
  validId,
  validKey,
  validTs,
  validType,
} from './arbitraries';
import { contractEvent } from './contractOracle';
import { DAY, HOUR, MINUTE, utf8 } from './factories';

// Differential fuzzing: decodeRecord against an independent reading of docs/contract.md §1
// (contractOracle.ts), on arbitrary bytes, arbitrary JSON and objects near the contract. They
// must agree on every input: an invalid record is never accepted, a valid one never refused.
// Then the same inputs through the consumer: nothing throws, nothing invalid is aggregated,
// nothing valid is quarantined as invalid.

const RUNS = 2000;

/** Decoder and oracle agree on validity, and on the decoded fields when valid. */
function expectAgreement(bytes: Uint8Array): void {
  const expected = contractEvent(bytes);
  const result = decodeRecord(bytes);
  if (expected === undefined) {
    if (result.ok) throw new Error(`accepted a record the contract refuses: ${Buffer.from(bytes).toString('utf8').slice(0, 300)}`);
    return;
  }
  if (!result.ok) throw new Error(`refused a valid record (${result.message}): ${Buffer.from(bytes).toString('utf8').slice(0, 300)}`);
  const { id, type, key, tsMs, value } = result.event;
  expect({ id, type, key, tsMs, value }).toEqual(expected);
}

/** Any JSON text: a JSON value, or whatever fc.anything() serializes to. */
const anyJsonText = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value) ?? 'null'),
  fc.anything({ withNullPrototype: true, withSparseArray: true }).map((value) => {
    try {
      return JSON.stringify(value) ?? 'null';
    } catch {
      return 'null';
    }
  }),
);

/** Mostly `valid`, sometimes `invalid`. */
const mostly = <T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<unknown>) =>
  fc.oneof({ arbitrary: valid, weight: 5 }, { arbitrary: invalid, weight: 1 });

/** Each field valid, invalid, any JSON value or missing, independently: both verdicts are common. */
const nearContractObject = fc
  .record({
    id: mostly(validId, invalidValues.id),
    type: mostly(validType, invalidValues.type),
    key: mostly(validKey, invalidValues.key),
    ts: mostly(
      validTs.map(({ ts }) => ts),
      invalidValues.ts,
    ),
    value: fc.oneof(fc.constant(MISSING), fc.integer(), fc.double(), invalidValues.value),
    attrs: mostly(fc.oneof(fc.constant(MISSING), fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 }))), invalidValues.attrs),
    anyField: fc.constantFrom(...FIELD_NAMES),
    anyValue: mostly(fc.constant(undefined), fc.jsonValue({ maxDepth: 2 })),
    extras: extraEntries,
  })
  .map(({ anyField, anyValue, extras, ...fields }) => {
    const withAny: Record<string, unknown> = { ...fields };
    // Sometimes one field is an arbitrary JSON value instead.
    if (anyValue !== undefined) withAny[anyField] = anyValue;
    for (const name of FIELD_NAMES) if (withAny[name] === MISSING) withAny[name] = undefined;
    return entriesToJson(eventEntries(withAny as Record<(typeof FIELD_NAMES)[number], unknown>, extras));
  });

describe('decodeRecord agrees with the contract on any input', () => {
  it('arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2048 }), expectAgreement), { numRuns: RUNS });
  });

  it('arbitrary JSON values (fc.jsonValue, fc.anything)', () => {
    fc.assert(
      fc.property(anyJsonText, (text) => expectAgreement(utf8(text))),
      { numRuns: RUNS },
    );
  });

  it('objects near the contract, each field valid, invalid, arbitrary or missing', () => {
    let valid = 0;
    fc.assert(
      fc.property(nearContractObject, (text) => {
        const bytes = utf8(text);
        if (contractEvent(bytes) !== undefined) valid++;
        expectAgreement(bytes);
      }),
      { numRuns: 2 * RUNS },
    );
    // Both sides of the boundary were explored.
    expect(valid).toBeGreaterThan(RUNS / 20);
    expect(valid).toBeLessThan(2 * RUNS - RUNS / 20);
  });

  it('valid events from the contract, as they are and with bytes corrupted', () => {
    const corrupted = fc.tuple(validEvent, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }));
    fc.assert(
      fc.property(corrupted, ([event, edits]) => {
        const bytes = utf8(entriesToJson(eventEntries(event.fields, event.extras)));
        if (edits.length === 0) expect(contractEvent(bytes)).toBeDefined();
        for (const [at, byte] of edits) bytes[at % bytes.length] = byte;
        expectAgreement(bytes);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('the consumer on fuzzed records', () => {
  const T = Date.parse('2026-11-26T12:00:00.000Z');
  const ARRIVAL_MS = T + 10 * 60_000;
  const config: AggregatorConfig = {
    granularities: [MINUTE, HOUR, DAY],
    allowedLatenessMs: 3_600_000,
    maxClockSkewMs: 300_000,
    consumerName: 'fuzz',
    // Off, so that a repeated id is counted and every valid record must be aggregated.
    dedupProducerIds: false,
    dedupRetentionMs: 0,
    parallelizationFactor: 1,
    maxRecordBytes: 1_048_576,
    writeConcurrency: 4,
  };

  /** A valid event on time: within the 10 minutes before every record's arrival. */
  const onTimeEvent = fc
    .tuple(validEvent, fc.integer({ min: T, max: ARRIVAL_MS }), fc.boolean())
    .map(([event, tsMs, iso]) =>
      utf8(entriesToJson(eventEntries({ ...event.fields, ts: iso ? new Date(tsMs).toISOString() : tsMs }, event.extras))),
    );

  const fuzzed = fc.oneof(fc.uint8Array({ maxLength: 512 }), anyJsonText.map(utf8), nearContractObject.map(utf8));

  it('never throws, quarantines every invalid record as invalid, and aggregates every valid one', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            onTimeEvent.map((data) => ({ onTime: true, data })),
            fuzzed.map((data) => ({ onTime: false, data })),
          ),
          { minLength: 1, maxLength: 30 },
        ),
        async (inputs) => {
          // Prepare
          const records: StreamRecord[] = inputs.map(({ data }, i) => ({
            shardId: 'shardId-000000000000',
            sequenceNumber: String(1000 + i),
            partitionKey: 'p',
            arrivalMs: ARRIVAL_MS,
            data,
          }));
          const quarantined = new Map<string, QuarantinedRecord>();
          const ports: BatchPorts = {
            aggregates: { apply: async () => undefined },
            checkpoints: { read: async () => undefined, advance: async () => undefined },
            quarantine: { put: async (record) => void quarantined.set(record.sequenceNumber, record) },
          };

          // Act
          const outcome = await processBatch(records, ports, config, () => ARRIVAL_MS + 1_000);

          // Assess
          expect(outcome.failedFrom.size).toBe(0);
          expect(outcome.stats.records).toBe(records.length);
          expect(outcome.stats.aggregated + quarantined.size).toBe(records.length);
          inputs.forEach(({ onTime, data }, i) => {
            const sequenceNumber = records[i]!.sequenceNumber;
            const valid = contractEvent(data) !== undefined;
            if (!valid) expect(quarantined.get(sequenceNumber)?.reason, `record ${i} is invalid`).toBe('invalid');
            else if (onTime) expect(quarantined.has(sequenceNumber), `record ${i} is valid and on time`).toBe(false);
            // A valid fuzzed record may be late or future by its ts, but never invalid.
            else expect(quarantined.get(sequenceNumber)?.reason, `record ${i} is valid`).not.toBe('invalid');
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
