import { countCall, type CallCounts } from './CallCounts';
import { ItemIndex } from './ItemIndex';

/** One item of the per-record way: what `UpdateItem ADD count :1, sum :v` leaves behind. */
interface CounterItem {
  count: number;
  sum: number;
}

/**
 * The per-record write shape in memory, with no I/O: one unconditional
 * `add` per (event, granularity), items kept like MemoryAggregateStore's.
 * The per-record contender guards it with a claim per event id.
 */
export class MemoryCounterTable {
  readonly items = new ItemIndex<CounterItem>();
  readonly calls: CallCounts = {};

  async add(type: string, granularity: string, key: string, windowStartMs: number, value: number): Promise<void> {
    countCall(this.calls, 'add');
    const item = this.items.get(type, granularity, key, windowStartMs, newItem);
    item.count += 1;
    item.sum += value;
  }
}

function newItem(): CounterItem {
  return { count: 0, sum: 0 };
}
