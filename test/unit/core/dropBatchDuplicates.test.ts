import { describe, expect, it } from 'vitest';
import { splitFirstOccurrences } from '../../../core';
import { padded, streamEvent } from './factories';

function item(id: string, sequence: number) {
  return { event: streamEvent({ id }), paddedSequence: padded(sequence) };
}

describe('splitFirstOccurrences', () => {
  it('keeps the first occurrence of each id and returns the rest as duplicates', () => {
    // Prepare
    const items = [item('a', 1), item('b', 2), item('a', 3), item('c', 4), item('b', 5), item('a', 6)];

    // Act
    const { firsts, duplicates } = splitFirstOccurrences(items);

    // Assess
    expect(firsts).toEqual([items[0], items[1], items[3]]);
    expect(duplicates).toEqual([items[2], items[4], items[5]]);
  });

  it('returns items unchanged when all ids differ', () => {
    const items = [item('a', 1), item('b', 2)];
    expect(splitFirstOccurrences(items)).toEqual({ firsts: items, duplicates: [] });
  });

  it('handles an empty batch', () => {
    expect(splitFirstOccurrences([])).toEqual({ firsts: [], duplicates: [] });
  });

  it('treats ids that only look alike as different', () => {
    const items = [item('a', 1), item('A', 2), item('a ', 3), item('__proto__', 4), item('constructor', 5)];
    expect(splitFirstOccurrences(items).duplicates).toEqual([]);
  });

  it('keeps the same item objects', () => {
    const items = [item('a', 1), item('a', 2)];
    const { firsts, duplicates } = splitFirstOccurrences(items);
    expect(firsts[0]).toBe(items[0]);
    expect(duplicates[0]).toBe(items[1]);
  });
});
