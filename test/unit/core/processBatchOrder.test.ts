import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AggregatorConfig } from '../../../lambdas/aggregator/config';
import { buildItemDeltas, type SequencedEvent, type StreamRecord } from '../../../core';
import { processBatch, type BatchPorts } from '../../../lambdas/aggregator/processBatch';
import { ClaimOutcome } from '../../../lambdas/aggregator/store/ports';
import { DAY, HOUR, MINUTE, eventBytes, padded, streamEvent } from './factories';

const SHARD = 'shardId-000000000001';
const T = Date.parse('2026-11-26T12:34:56.789Z');

const config: AggregatorConfig = {
  granularities: [MINUTE, HOUR, DAY],
  allowedLatenessMs: 3_600_000,
  maxClockSkewMs: 300_000,
  consumerName: 'test',
  dedupProducerIds: true,
  dedupRetentionMs: 7 * 86_400_000,
  parallelizationFactor: 1,
  maxRecordBytes: 1_048_576,
  writeConcurrency: 4,
};

/** Ports that keep every call, in order, and claim every id for its first owner. */
function recordingPorts(): { ports: BatchPorts; calls: unknown[] } {
  const calls: unknown[] = [];
  const owners = new Map<string, string>();
  const ports: BatchPorts = {
    aggregates: { apply: async (delta) => void calls.push(['apply', delta]) },
    checkpoints: { read: async () => undefined, advance: async (checkpoint) => void calls.push(['advance', checkpoint]) },
    quarantine: { put: async (record) => void calls.push(['put', record.sequenceNumber, record.message]) },
    claims: {
      claim: async (id, owner) => {
        calls.push(['claim', id, owner]);
        if (!owners.has(id)) owners.set(id, owner);
        return owners.get(id) === owner ? ClaimOutcome.owned : ClaimOutcome.taken;
      },
      ownerOf: async (id) => owners.get(id),
    },
  };
  return { ports, calls };
}

/** Records with sequence numbers of mixed lengths (so the padded form decides their order), some ids repeated, one invalid. */
const recordsArb = fc
  .uniqueArray(fc.bigInt({ min: 1n, max: 10n ** 60n }), { minLength: 1, maxLength: 40 })
  .chain((sequences) =>
    fc.tuple(
      fc.constant(sequences),
      fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 600_000 }), fc.boolean()), {
        minLength: sequences.length,
        maxLength: sequences.length,
      }),
    ),
  )
  .map(([sequences, fields]) =>
    sequences.map((sequence, i): StreamRecord => {
      const [idIndex, offsetMs, valid] = fields[i]!;
      return {
        shardId: SHARD,
        sequenceNumber: sequence.toString(),
        partitionKey: 'k',
        arrivalMs: T + 600_000,
        data: eventBytes({ id: `id-${idIndex}`, key: `k${idIndex % 2}`, ts: valid ? T + offsetMs : 'yesterday' }),
      };
    }),
  );

describe('processBatch whatever the order of the records it is given', () => {
  it('makes the same writes for records in sequence order and shuffled', async () => {
    await fc.assert(
      fc.asyncProperty(recordsArb, fc.integer(), async (records, seed) => {
        // Prepare: the records in sequence order, and in a seeded shuffle.
        const sorted = [...records].sort((a, b) => (BigInt(a.sequenceNumber) < BigInt(b.sequenceNumber) ? -1 : 1));
        const shuffled = [...records];
        let state = seed >>> 0;
        for (let i = shuffled.length - 1; i > 0; i--) {
          state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
          const j = state % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        const inOrder = recordingPorts();
        const outOfOrder = recordingPorts();

        // Act
        const first = await processBatch(sorted, inOrder.ports, config, () => T + 700_000);
        const second = await processBatch(shuffled, outOfOrder.ports, config, () => T + 700_000);

        // Assess
        expect(outOfOrder.calls).toEqual(inOrder.calls);
        expect(second).toEqual(first);
      }),
      { numRuns: 200 },
    );
  });
});

describe('buildItemDeltas told its events are in sequence order', () => {
  it('builds what it builds when it checks the order itself', () => {
    const randomEvent = fc.record({
      type: fc.constantFrom('a', 'b'),
      key: fc.constantFrom('k', 'x'),
      tsMs: fc.integer({ min: T - 3 * 3_600_000, max: T + 3 * 3_600_000 }),
      value: fc.integer({ min: -5, max: 5 }),
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(randomEvent, fc.bigInt({ min: 0n, max: 10n ** 129n - 1n })), { maxLength: 60 }), (drawn) => {
        const events: SequencedEvent[] = drawn
          .map(([fields, sequence], i) => ({ event: streamEvent({ id: `e${i}`, ...fields }), paddedSequence: padded(sequence) }))
          .sort((a, b) => (a.paddedSequence < b.paddedSequence ? -1 : a.paddedSequence > b.paddedSequence ? 1 : 0));
        expect(buildItemDeltas(SHARD, events, [MINUTE, HOUR, DAY], true)).toEqual(buildItemDeltas(SHARD, events, [MINUTE, HOUR, DAY]));
      }),
      { numRuns: 300 },
    );
  });
});
