/**
 * Items by (type, key, granularity, window start) in nested Maps. The bench
 * stores key their items this way rather than by a built `pk`/`sk` string so
 * that their own cost stays small next to what they measure: looking up the
 * event's existing strings reuses their cached hashes, while building a new
 * key string (and an ISO date) per write would cost more than the write.
 * The (type, key) level comes first and the last one found is remembered:
 * the deltas of one event (one per granularity) arrive one after another
 * with the same type and key strings, so most writes skip two lookups.
 */
export class ItemIndex<Item> {
  private readonly byType = new Map<string, Map<string, Map<string, Map<number, Item>>>>();
  private lastType: string | undefined;
  private lastKey: string | undefined;
  private lastByGranularity: Map<string, Map<number, Item>> | undefined;
  size = 0;

  /** The item at the address, made with `create` the first time. */
  get(type: string, granularity: string, key: string, windowStartMs: number, create: () => Item): Item {
    let byGranularity = this.lastByGranularity;
    if (byGranularity === undefined || key !== this.lastKey || type !== this.lastType) {
      let byKey = this.byType.get(type);
      if (byKey === undefined) this.byType.set(type, (byKey = new Map()));
      byGranularity = byKey.get(key);
      if (byGranularity === undefined) byKey.set(key, (byGranularity = new Map()));
      this.lastType = type;
      this.lastKey = key;
      this.lastByGranularity = byGranularity;
    }
    let byWindow = byGranularity.get(granularity);
    if (byWindow === undefined) byGranularity.set(granularity, (byWindow = new Map()));
    let item = byWindow.get(windowStartMs);
    if (item === undefined) {
      item = create();
      byWindow.set(windowStartMs, item);
      this.size++;
    }
    return item;
  }
}
