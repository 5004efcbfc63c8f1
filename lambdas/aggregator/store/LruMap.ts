/**
 * A Map that keeps its most recently used entries up to `capacity`: a count
 * of entries, or a total of their weights when `weigh` is given (the newest
 * entry is always kept). A Map iterates in insertion order, so re-inserting
 * on use makes the first key the least recently used one: that is the whole
 * of an LRU, which is why this is not a dependency of the Lambda bundle.
 */
export class LruMap<K, V> {
  private readonly entries = new Map<K, V>();
  private weight = 0;

  constructor(
    private readonly capacity: number,
    private readonly weigh: (value: V) => number = () => 1,
  ) {
    if (!(capacity >= 1)) throw new Error(`LruMap needs a capacity of at least 1, got ${capacity}`);
  }

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.delete(key);
    this.entries.set(key, value);
    this.weight += this.weigh(value);
    while (this.weight > this.capacity && this.entries.size > 1) this.delete(this.entries.keys().next().value!);
  }

  delete(key: K): void {
    const value = this.entries.get(key);
    if (value === undefined && !this.entries.has(key)) return;
    this.entries.delete(key);
    this.weight -= this.weigh(value as V);
  }

  get size(): number {
    return this.entries.size;
  }
}
