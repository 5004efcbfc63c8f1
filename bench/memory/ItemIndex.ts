/**
 * Items by (type, granularity, key, window start) in nested Maps. The bench
 * stores key their items this way rather than by a built `pk`/`sk` string so
 * that their own cost stays small next to what they measure: looking up the
 * event's existing strings reuses their cached hashes, while building a new
 * key string (and an ISO date) per write would cost more than the write.
 */
export class ItemIndex<Item> {
  private readonly byType = new Map<string, Map<string, Map<string, Map<number, Item>>>>();
  size = 0;

  /** The item at the address, made with `create` the first time. */
  get(type: string, granularity: string, key: string, windowStartMs: number, create: () => Item): Item {
    let byGranularity = this.byType.get(type);
    if (byGranularity === undefined) this.byType.set(type, (byGranularity = new Map()));
    let byKey = byGranularity.get(granularity);
    if (byKey === undefined) byGranularity.set(granularity, (byKey = new Map()));
    let byWindow = byKey.get(key);
    if (byWindow === undefined) byKey.set(key, (byWindow = new Map()));
    let item = byWindow.get(windowStartMs);
    if (item === undefined) {
      item = create();
      byWindow.set(windowStartMs, item);
      this.size++;
    }
    return item;
  }
}
