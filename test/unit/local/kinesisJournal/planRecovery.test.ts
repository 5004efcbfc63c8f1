import { describe, expect, it } from 'vitest';
import { planRecovery, readJournal, type RecoveredRecord } from '../../../../src/local/kinesisJournal/planRecovery';
import type { JournalEntry } from '../../../../src/local/kinesisJournal/WriteAheadJournal';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const putRecords = (id: number, atMs: number, keys: string[]): JournalEntry => ({
  kind: 'request',
  id,
  atMs,
  operation: 'PutRecords',
  body: JSON.stringify({ StreamName: 's', Records: keys.map((key) => ({ Data: b64(`data-${key}`), PartitionKey: key })) }),
});
const answer = (id: number, placements: ([string, string] | undefined)[]): JournalEntry => ({
  kind: 'response',
  id,
  status: 200,
  body: JSON.stringify({
    FailedRecordCount: placements.filter((placement) => !placement).length,
    Records: placements.map((placement) => (placement ? { ShardId: placement[0], SequenceNumber: placement[1] } : { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'slow down' })),
  }),
});
const held = (shardId: string, sequenceNumber: string, key: string, arrivalMs = 1_000): RecoveredRecord => ({ shardId, sequenceNumber, partitionKey: key, data: b64(`data-${key}`), arrivalMs });

describe('readJournal', () => {
  it('pairs each acknowledged record with its place, skips refused ones and follows moves', () => {
    const entries: JournalEntry[] = [
      putRecords(1, 1_000, ['a', 'b', 'c']),
      answer(1, [['shard-0', '10'], undefined, ['shard-1', '11']]),
      { kind: 'moved', shardId: 'shard-0', oldSequenceNumber: '10', newSequenceNumber: '20' },
      { kind: 'moved', shardId: 'shard-0', oldSequenceNumber: '20', newSequenceNumber: '30' },
    ];
    const { acknowledged, inDoubt } = readJournal(entries);
    expect(acknowledged.map((record) => [record.partitionKey, record.shardId, record.sequenceNumber])).toEqual([
      ['a', 'shard-0', '30'],
      ['c', 'shard-1', '11'],
    ]);
    expect(inDoubt).toEqual([]);
  });

  it('takes a put answered by an error as not acknowledged, and a put settled with an answer as acknowledged', () => {
    const entries: JournalEntry[] = [
      putRecords(1, 1_000, ['a']),
      { kind: 'response', id: 1, status: 400, body: '{"__type":"ResourceNotFoundException"}' },
      putRecords(2, 1_000, ['b']),
      { kind: 'settled', id: 2, body: JSON.stringify({ FailedRecordCount: 0, Records: [{ ShardId: 'shard-0', SequenceNumber: '5' }] }) },
      putRecords(3, 1_000, ['c']),
      { kind: 'settled', id: 3, body: '' },
    ];
    const { acknowledged, inDoubt } = readJournal(entries);
    expect(acknowledged.map((record) => record.partitionKey)).toEqual(['b']);
    expect(inDoubt).toEqual([]);
  });

  it('reads a single PutRecord and its answer', () => {
    const entries: JournalEntry[] = [
      { kind: 'request', id: 7, atMs: 5, operation: 'PutRecord', body: JSON.stringify({ StreamARN: 'arn:s', Data: b64('x'), PartitionKey: 'k', ExplicitHashKey: '42' }) },
      { kind: 'response', id: 7, status: 200, body: JSON.stringify({ ShardId: 'shard-0', SequenceNumber: '9' }) },
    ];
    expect(readJournal(entries).acknowledged).toEqual([{ stream: { StreamARN: 'arn:s' }, data: b64('x'), partitionKey: 'k', explicitHashKey: '42', shardId: 'shard-0', sequenceNumber: '9' }]);
  });
});

describe('planRecovery', () => {
  it('lists the acknowledged records the emulator lost, in the order it stored them', () => {
    const entries: JournalEntry[] = [
      putRecords(1, 1_000, ['a', 'b']),
      answer(1, [['shard-0', '1'], ['shard-1', '2']]),
      putRecords(2, 1_100, ['c', 'd']),
      answer(2, [['shard-0', '3'], ['shard-1', '4']]),
    ];
    // The snapshot holds a prefix of each shard: a and b, not c and d.
    const plan = planRecovery(entries, [held('shard-0', '1', 'a'), held('shard-1', '2', 'b')]);
    expect(plan.missing.map((record) => record.partitionKey)).toEqual(['c', 'd']);
    expect(plan.inDoubt).toEqual([]);
    expect(plan.acknowledged).toBe(4);
    expect(plan.streams).toEqual([{ StreamName: 's' }]);
  });

  it('finds the in-flight put among the records nobody acknowledged that arrived after it was sent', () => {
    const entries: JournalEntry[] = [putRecords(1, 1_000, ['a']), answer(1, [['shard-0', '1']]), putRecords(2, 5_000, ['b', 'c'])];
    const stored = [held('shard-0', '1', 'a', 1_000), held('shard-0', '2', 'b', 5_001), held('shard-1', '3', 'c', 5_001)];
    const plan = planRecovery(entries, stored);
    expect(plan.missing).toEqual([]);
    expect(plan.inDoubt).toHaveLength(1);
    expect(plan.inDoubt[0]!.placed.map((record) => record?.sequenceNumber)).toEqual(['2', '3']);
  });

  it('leaves the records of the in-flight put unplaced when the emulator did not keep them', () => {
    const entries: JournalEntry[] = [putRecords(1, 1_000, ['a']), answer(1, [['shard-0', '1']]), putRecords(2, 5_000, ['b'])];
    const plan = planRecovery(entries, [held('shard-0', '1', 'a', 1_000)]);
    expect(plan.inDoubt[0]!.placed).toEqual([undefined]);
  });

  it('does not take an older record with the same key and data for the in-flight one', () => {
    // 'b' was written long before the journal began (not acknowledged in it): not the in-flight 'b'.
    const entries: JournalEntry[] = [putRecords(2, 50_000, ['b'])];
    const plan = planRecovery(entries, [held('shard-0', '1', 'b', 10_000)]);
    expect(plan.inDoubt[0]!.placed).toEqual([undefined]);
  });

  it('matches duplicate records of an in-flight put one to one', () => {
    const entries: JournalEntry[] = [putRecords(1, 1_000, ['a', 'a', 'a'])];
    const plan = planRecovery(entries, [held('shard-0', '1', 'a', 1_001), held('shard-0', '2', 'a', 1_001)]);
    expect(plan.inDoubt[0]!.placed.map((record) => record?.sequenceNumber)).toEqual(['1', '2', undefined]);
  });
});
