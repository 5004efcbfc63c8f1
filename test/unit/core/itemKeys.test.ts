import { describe, expect, it } from 'vitest';
import {
  AggregateAttributes,
  AggregateIndexes,
  CLAIM_SK,
  CheckpointAttributes,
  aggregatePk,
  checkpointPk,
  claimPk,
  highWaterAttribute,
  parseAggregatePk,
  WINDOW_INDEX_PARTS,
  isTopKeysPk,
  topKeysPk,
  windowIndexPart,
  windowPartPk,
  windowPk,
  windowSk,
} from '../../../core';

const WINDOW = Date.parse('2026-11-26T12:34:00Z');

describe('itemKeys', () => {
  it('names the attributes and the index', () => {
    expect(AggregateAttributes).toEqual({
      pk: 'pk',
      sk: 'sk',
      windowPk: 'windowPk',
      type: 'type',
      key: 'key',
      granularity: 'granularity',
      windowStart: 'windowStart',
      count: 'count',
      sum: 'sum',
      min: 'min',
      max: 'max',
      expiresAt: 'expiresAt',
    });
    expect(AggregateIndexes.byWindow).toBe('byWindow');
    expect(CheckpointAttributes).toEqual({ pk: 'pk', sk: 'sk' });
  });

  it('builds aggregate keys', () => {
    expect(aggregatePk('page_view', '1m', '/a')).toBe('page_view#1m#/a');
    expect(windowSk(WINDOW)).toBe('2026-11-26T12:34:00.000Z');
    const part = windowIndexPart('/a');
    expect(windowPk('page_view', '1m', WINDOW, '/a')).toBe(`page_view#1m#2026-11-26T12:34:00.000Z#${part}`);
    expect(windowPartPk('page_view', '1m', WINDOW, part)).toBe(windowPk('page_view', '1m', WINDOW, '/a'));
    expect(topKeysPk('page_view', '1m')).toBe('#top#page_view#1m');
    expect(isTopKeysPk(topKeysPk('page_view', '1m'))).toBe(true);
    expect(isTopKeysPk(aggregatePk('top', '1m', '/a'))).toBe(false);
  });

  it('spreads the keys of a window over every index part, the same way each time', () => {
    const parts = new Map<number, number>();
    for (let i = 0; i < 1_600; i++) parts.set(windowIndexPart(`/page/${i}`), (parts.get(windowIndexPart(`/page/${i}`)) ?? 0) + 1);
    expect(parts.size).toBe(WINDOW_INDEX_PARTS);
    for (const count of parts.values()) expect(count).toBeGreaterThan(50);
    expect(windowIndexPart('/a')).toBe(windowIndexPart('/a'));
  });

  it('sorts window sort keys by time', () => {
    const starts = [Date.parse('2026-11-26T09:00:00Z'), Date.parse('2026-11-26T10:00:00Z'), Date.parse('2027-01-01T00:00:00Z')];
    const sks = starts.map(windowSk);
    expect([...sks].sort()).toEqual(sks);
  });

  it('parses an aggregate pk back, even when the key holds #', () => {
    expect(parseAggregatePk(aggregatePk('search', '1h', 'a#b#c'))).toEqual({ type: 'search', granularity: '1h', key: 'a#b#c' });
    expect(parseAggregatePk('no-separators')).toBeUndefined();
    expect(parseAggregatePk('only#one')).toBeUndefined();
  });

  it('builds high-water, checkpoint and claim keys', () => {
    expect(highWaterAttribute('shardId-000000000000')).toBe('hw#shardId-000000000000');
    expect(checkpointPk('aggregator')).toBe('checkpoint#aggregator');
    expect(claimPk('aggregator', 'evt#1')).toBe('claim#aggregator#evt#1');
    expect(CLAIM_SK).toBe('claim');
  });
});
