import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareKeyCounts, mergeTopKeys, type KeyCount } from '../../../core';

describe('mergeTopKeys', () => {
  it('keeps the exact top keys of a window under any order of offers, like a brute-force ranking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'É', 'a#1'), by: fc.integer({ min: 1, max: 5 }) }), {
          maxLength: 60,
        }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.nat(), { maxLength: 60 }),
        (increments, depth, shuffle) => {
          // Prepare: counts only grow; each increment is offered once, possibly late.
          const counts = new Map<string, number>();
          const offers: KeyCount[] = [];
          for (const { key, by } of increments) {
            counts.set(key, (counts.get(key) ?? 0) + by);
            offers.push({ key, count: counts.get(key)! });
          }
          for (let i = offers.length - 1; i > 0; i--) {
            const j = (shuffle[i] ?? 0) % (i + 1);
            [offers[i], offers[j]] = [offers[j]!, offers[i]!];
          }
          // Act: offered in small batches, as batches of several shards would.
          let board: KeyCount[] = [];
          for (let i = 0; i < offers.length; i += 3) board = mergeTopKeys(board, offers.slice(i, i + 3), depth).entries;
          // Assess
          const bruteForce = [...counts]
            .map(([key, count]) => ({ key, count }))
            .sort(compareKeyCounts)
            .slice(0, depth);
          expect(board).toEqual(bruteForce);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('says nothing changed when an offer ranks below a full board or repeats a count', () => {
    const board = [
      { key: 'a', count: 5 },
      { key: 'b', count: 3 },
    ];
    expect(mergeTopKeys(board, [{ key: 'c', count: 2 }], 2).changed).toBe(false);
    expect(mergeTopKeys(board, [{ key: 'a', count: 4 }], 2).changed).toBe(false);
    expect(mergeTopKeys(board, [{ key: 'c', count: 3 }], 2)).toEqual({ changed: false, entries: board });
    expect(mergeTopKeys(board, [{ key: 'B', count: 3 }], 2)).toEqual({
      changed: true,
      entries: [
        { key: 'a', count: 5 },
        { key: 'B', count: 3 },
      ],
    });
  });
});
