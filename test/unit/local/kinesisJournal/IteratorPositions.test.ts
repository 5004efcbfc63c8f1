import { describe, expect, it } from 'vitest';
import { IteratorPositions } from '../../../../src/local/kinesisJournal/IteratorPositions';

describe('IteratorPositions', () => {
  const start = (positions: IteratorPositions, type = 'TRIM_HORIZON', extra: Record<string, unknown> = {}) =>
    positions.learnFromGetShardIterator(JSON.stringify({ StreamName: 's', ShardId: 'shard-0', ShardIteratorType: type, ...extra }), JSON.stringify({ ShardIterator: 'it-0' }));

  it('follows a reader from its first iterator through each answer, as text or as bytes with multi-byte characters', () => {
    const positions = new IteratorPositions();
    start(positions);
    expect(positions.positionOf('it-0')).toEqual({ stream: { StreamName: 's' }, shardId: 'shard-0' });
    const answer = JSON.stringify({ Records: [{ SequenceNumber: '7', PartitionKey: 'ü€😀', Data: 'eA==' }, { SequenceNumber: '9', PartitionKey: 'ß', Data: 'eQ==' }], NextShardIterator: 'it-1', MillisBehindLatest: 0 });
    positions.learnFromGetRecords('it-0', Buffer.from(answer));
    expect(positions.positionOf('it-1')).toEqual({ stream: { StreamName: 's' }, shardId: 'shard-0', type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '9' });
    // An empty answer keeps the position.
    positions.learnFromGetRecords('it-1', JSON.stringify({ Records: [], NextShardIterator: 'it-2', MillisBehindLatest: 0 }));
    expect(positions.positionOf('it-2')?.sequenceNumber).toBe('9');
  });

  it('remembers an iterator at a sequence number as asked, and ignores answers to iterators it never saw', () => {
    const positions = new IteratorPositions();
    start(positions, 'AT_SEQUENCE_NUMBER', { StartingSequenceNumber: '5' });
    expect(positions.positionOf('it-0')).toMatchObject({ type: 'AT_SEQUENCE_NUMBER', sequenceNumber: '5' });
    positions.learnFromGetRecords('unknown', JSON.stringify({ Records: [], NextShardIterator: 'it-x' }));
    expect(positions.knows('it-x')).toBe(false);
  });
});
