import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KinesisLimits } from '../../../src/producer/kinesisLimits';
import type { OutgoingRecord } from '../../../src/producer/OutgoingRecord';
import { RecordBuffer } from '../../../src/producer/RecordBuffer';

const NOW = 1_000_000;
const LINGER = { lingerMs: 50, force: false };

function record(seq: number, partitionKey = `k${seq}`, bytes = 100, enqueuedAtMs = NOW): OutgoingRecord {
  return { seq, data: new Uint8Array(0), partitionKey, bytes, attempts: 0, notBeforeMs: 0, enqueuedAtMs, possiblyDelivered: false };
}

describe('RecordBuffer', () => {
  it('is ready when a request is full, when the oldest record has lingered, or when forced', () => {
    const buffer = new RecordBuffer(false);
    buffer.add(record(0));
    expect(buffer.isReady(NOW + 49, LINGER)).toBe(false);
    expect(buffer.nextReadyAt(LINGER, NOW)).toBe(NOW + 50);
    expect(buffer.isReady(NOW + 50, LINGER)).toBe(true);
    expect(buffer.isReady(NOW, { lingerMs: 50, force: true })).toBe(true);
    for (let seq = 1; seq < KinesisLimits.maxRecordsPerRequest; seq++) buffer.add(record(seq));
    expect(buffer.isReady(NOW, LINGER)).toBe(true);
  });

  it('takes at most 500 records and 5 MiB, in order, and stops at the first that does not fit', () => {
    const buffer = new RecordBuffer(false);
    for (let seq = 0; seq < 600; seq++) buffer.add(record(seq));
    expect(buffer.take(NOW, Number.POSITIVE_INFINITY).map((r) => r.seq)).toEqual(Array.from({ length: 500 }, (_, i) => i));

    const big = new RecordBuffer(false);
    const mib = 1_048_576;
    [mib, mib, mib, mib, mib - 10, 20, 5].forEach((bytes, seq) => {
      big.add(record(seq, 'k', bytes));
    });
    expect(big.take(NOW, 500).map((r) => r.seq)).toEqual([0, 1, 2, 3, 4]); // the 20-byte record would exceed 5 MiB
    expect(big.take(NOW, 500).map((r) => r.seq)).toEqual([5, 6]);
  });

  it('takes no more than the rate allows', () => {
    const buffer = new RecordBuffer(false);
    for (let seq = 0; seq < 10; seq++) buffer.add(record(seq));
    expect(buffer.take(NOW, 3)).toHaveLength(3);
    expect(buffer.waiting).toBe(7);
  });

  it('sends due retries first, and not before their time', () => {
    const buffer = new RecordBuffer(false);
    const failed = record(0);
    buffer.add(failed);
    buffer.take(NOW, 500);
    failed.notBeforeMs = NOW + 100;
    buffer.retry(failed);
    buffer.add(record(1));
    expect(buffer.take(NOW + 99, 500).map((r) => r.seq)).toEqual([1]);
    expect(buffer.nextReadyAt(LINGER, NOW + 99)).toBe(NOW + 100);
    expect(buffer.take(NOW + 100, 500).map((r) => r.seq)).toEqual([0]);
  });

  it('counts records and bytes until they are settled', () => {
    const buffer = new RecordBuffer(false);
    buffer.add(record(0, 'a', 10));
    buffer.add(record(1, 'b', 20));
    const [first] = buffer.take(NOW, 1);
    expect([buffer.size, buffer.bytes, buffer.waiting]).toEqual([2, 30, 1]);
    buffer.settle(first!);
    expect([buffer.size, buffer.bytes]).toEqual([1, 20]);
  });

  it('ordered per key: one outstanding record per key, the others keep their place', () => {
    // Prepare
    const buffer = new RecordBuffer(true);
    ['a', 'b', 'a', 'c', 'a', 'b'].forEach((key, seq) => {
      buffer.add(record(seq, key));
    });

    // Act
    const first = buffer.take(NOW, 500);
    const whileOutstanding = buffer.take(NOW, 500);
    buffer.settle(first[0]!); // a/0 written
    const afterA = buffer.take(NOW, 500);

    // Assess
    expect(first.map((r) => r.seq)).toEqual([0, 1, 3]);
    expect(whileOutstanding).toEqual([]);
    expect(afterA.map((r) => r.seq)).toEqual([2]);
  });

  it('ordered per key: in any schedule of failures, the records of each key are written in send order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 1, maxLength: 40 }),
        fc.array(fc.boolean(), { minLength: 200, maxLength: 200 }),
        (keys, failures) => {
          const buffer = new RecordBuffer(true);
          keys.forEach((key, seq) => {
            buffer.add(record(seq, key));
          });
          const written: OutgoingRecord[] = [];
          let outcome = 0;
          let inFlight: OutgoingRecord[] = [];
          for (let round = 0; buffer.size > 0 && round < 1_000; round++) {
            // Two requests in flight at once; answers come back in either order.
            const batch = buffer.take(NOW + round, 3);
            inFlight = inFlight.concat(batch);
            const answered =
              round % 2 === 0 ? inFlight.splice(0, inFlight.length) : inFlight.splice(inFlight.length - batch.length, batch.length);
            for (const sent of answered) {
              if (failures[outcome++ % failures.length]) {
                sent.notBeforeMs = NOW + round;
                buffer.retry(sent);
              } else {
                written.push(sent);
                buffer.settle(sent);
              }
            }
          }
          expect(buffer.size).toBe(0);
          for (const key of new Set(keys)) {
            const order = written.filter((r) => r.partitionKey === key).map((r) => r.seq);
            expect(order).toEqual([...order].sort((x, y) => x - y));
          }
        },
      ),
    );
  });
});
