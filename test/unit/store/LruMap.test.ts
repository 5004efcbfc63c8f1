import { describe, expect, it } from 'vitest';
import { LruMap } from '../../../lambdas/aggregator/store/LruMap';

describe('LruMap', () => {
  it('keeps the most recently used entries up to its capacity, a get counting as a use', () => {
    // Prepare
    const lru = new LruMap<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);

    // Act
    lru.get('a');
    lru.set('c', 3);

    // Assess
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe(1);
    expect(lru.get('c')).toBe(3);
    expect(lru.size).toBe(2);
  });

  it('with weights, keeps the total weight within capacity, evicting the least recently used first', () => {
    // Prepare: weights are the values.
    const lru = new LruMap<string, number>(10, (value) => value);
    lru.set('a', 4);
    lru.set('b', 4);

    // Act: 4 + 4 + 3 > 10, so 'a' goes; replacing 'b' by a lighter value frees room.
    lru.set('c', 3);
    lru.set('b', 1);
    lru.set('d', 6);

    // Assess
    expect(lru.get('a')).toBeUndefined();
    expect([lru.get('b'), lru.get('c'), lru.get('d')]).toEqual([1, 3, 6]);
    lru.delete('c');
    lru.set('e', 3);
    expect([lru.get('b'), lru.get('d'), lru.get('e')]).toEqual([1, 6, 3]);
  });

  it('keeps the newest entry even when it alone weighs more than the capacity', () => {
    // Prepare
    const lru = new LruMap<string, number>(10, (value) => value);
    lru.set('a', 2);

    // Act
    lru.set('big', 50);

    // Assess
    expect(lru.get('a')).toBeUndefined();
    expect(lru.get('big')).toBe(50);
    expect(lru.size).toBe(1);
  });
});
